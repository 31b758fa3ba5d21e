"""Mutations of training: programs, sessions, attendance (签到)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.gql.ids import input_id
from workforce import training
from workforce.schema.inputs import (
    AddTrainingSessionInput,
    CreateTrainingProgramInput,
    RecordAttendanceInput,
)
from workforce.schema.mutations.change import changed
from workforce.schema.payloads import TrainingProgramPayload, TrainingSessionPayload
from workforce.schema.training_types import TrainingProgramType, TrainingSessionType


@strawberry.type
class TrainingMutation:
    @strawberry.mutation(description="新建培训计划")
    async def create_training_program(
        self, info: Info, input: CreateTrainingProgramInput
    ) -> TrainingProgramPayload:
        program, errors = await changed(
            info,
            TrainingProgramType.from_row,
            lambda session, actor: training.create_program(
                session,
                actor,
                kind=input.kind,
                title=input.title,
                year=input.year,
                centralised=input.centralised,
                organizer=input.organizer,
            ),
        )
        return TrainingProgramPayload(program=program, user_errors=errors)

    @strawberry.mutation(description="新增一次培训课")
    async def add_training_session(
        self, info: Info, input: AddTrainingSessionInput
    ) -> TrainingSessionPayload:
        result, errors = await changed(
            info,
            TrainingSessionType.from_row,
            lambda session, actor: training.add_session(
                session,
                actor,
                program_id=input_id(input.program_id, "TrainingProgram", "programId"),
                held_on=input.held_on,
                hours=str(input.hours),
                place=input.place,
                online=input.online,
                topics=input.topics,
                trainer=input.trainer,
            ),
        )
        return TrainingSessionPayload(session=result, user_errors=errors)

    @strawberry.mutation(description="培训签到")
    async def record_attendance(
        self, info: Info, input: RecordAttendanceInput
    ) -> TrainingSessionPayload:
        result, errors = await changed(
            info,
            TrainingSessionType.from_row,
            lambda session, actor: training.record_attendance(
                session,
                actor,
                session_id=input_id(input.session_id, "TrainingSession", "sessionId"),
                staff_ids=[
                    input_id(value, "Staff", f"staffIds[{i}]")
                    for i, value in enumerate(input.staff_ids)
                ],
            ),
        )
        return TrainingSessionPayload(session=result, user_errors=errors)
