"""Mutations of assignments: assign a post, end an assignment early."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.gql.ids import input_id
from api.gql.inputs import given
from workforce import assignments, corrections
from workforce.schema.inputs import AssignStaffInput, CorrectAssignmentInput, EndAssignmentInput
from workforce.schema.mutations.change import changed
from workforce.schema.payloads import AssignmentPayload
from workforce.schema.types import AssignmentType


@strawberry.type
class AssignmentMutation:
    @strawberry.mutation(description="分配岗位:常驻、临时顶岗或派驻村(社区)")
    async def assign_staff(self, info: Info, input: AssignStaffInput) -> AssignmentPayload:
        assignment, errors = await changed(
            info,
            AssignmentType.from_row,
            lambda session, actor: assignments.assign_staff(session, actor, input.to_domain()),
        )
        return AssignmentPayload(assignment=assignment, user_errors=errors)

    @strawberry.mutation(description="提前结束一项分配(历史保留)")
    async def end_assignment(self, info: Info, input: EndAssignmentInput) -> AssignmentPayload:
        assignment, errors = await changed(
            info,
            AssignmentType.from_row,
            lambda session, actor: assignments.end_assignment(
                session,
                actor,
                input_id(input.assignment_id, "Assignment", "assignmentId"),
                input.end_date,
            ),
        )
        return AssignmentPayload(assignment=assignment, user_errors=errors)

    @strawberry.mutation(
        description="县政务服务管理办公室更正已发生的分配记录(须说明原因,旧值新值留痕)"
    )
    async def correct_assignment(
        self, info: Info, input: CorrectAssignmentInput
    ) -> AssignmentPayload:
        assignment, errors = await changed(
            info,
            AssignmentType.from_row,
            lambda session, actor: corrections.correct_assignment(
                session,
                actor,
                input_id(input.assignment_id, "Assignment", "assignmentId"),
                reason=input.reason,
                start_date=given(input.start_date),
                end_date=given(input.end_date),
                cancel=input.cancel,
            ),
        )
        return AssignmentPayload(assignment=assignment, user_errors=errors)
