"""What the workforce's mutations answer: the changed object, or ``userErrors``."""

from __future__ import annotations

import strawberry

from api.gql.errors import UserErrorType
from workforce.schema.files import JobType, RosterImportReport, UploadTarget, report_of_job
from workforce.schema.head_types import HeadAppointmentType
from workforce.schema.training_types import TrainingProgramType, TrainingSessionType
from workforce.schema.types import AssignmentType, RedeploymentOrderType, StaffType


@strawberry.type
class StaffPayload:
    staff: StaffType | None
    user_errors: list[UserErrorType]


@strawberry.type
class AssignmentPayload:
    assignment: AssignmentType | None
    user_errors: list[UserErrorType]


@strawberry.type
class RedeployPayload:
    order: RedeploymentOrderType | None
    user_errors: list[UserErrorType]


@strawberry.type
class HeadAppointmentPayload:
    appointment: HeadAppointmentType | None
    user_errors: list[UserErrorType]


@strawberry.type
class TrainingProgramPayload:
    program: TrainingProgramType | None
    user_errors: list[UserErrorType]


@strawberry.type
class TrainingSessionPayload:
    session: TrainingSessionType | None
    user_errors: list[UserErrorType]


@strawberry.type
class UploadPayload:
    upload: UploadTarget | None
    user_errors: list[UserErrorType]


@strawberry.type
class ImportRosterPayload:
    report: RosterImportReport | None = strawberry.field(description="逐行报告(任务完成后才有)")
    user_errors: list[UserErrorType]
    job: JobType | None = strawberry.field(
        description="导入任务;未在请求内完成时凭它查询结果(node(id) 的 importReport)"
    )

    @classmethod
    def of_job(cls, job: JobType) -> ImportRosterPayload:
        report, errors = report_of_job(job)
        return cls(report=report, user_errors=errors, job=job)


@strawberry.type
class JobPayload:
    job: JobType | None
    user_errors: list[UserErrorType]
