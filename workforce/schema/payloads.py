"""What the workforce's mutations answer: the changed object, or ``userErrors``."""

from __future__ import annotations

import strawberry

from api.gql.errors import UserErrorType, to_user_errors
from tenants.errors import UserError
from workers.models import JobStatus
from workers.reports import read_errors, read_rows
from workforce.schema.files import JobType, RosterImportReport, UploadTarget
from workforce.schema.types import (
    AssignmentType,
    HeadAppointmentType,
    RedeploymentOrderType,
    StaffType,
    TrainingProgramType,
    TrainingSessionType,
)


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
        if job.status is JobStatus.FAILED:
            failed = UserError("uploadKey", "IMPORT_FAILED", "导入任务失败,请稍后重试")
            return cls(report=None, user_errors=to_user_errors([failed]), job=job)
        if job.result is None:  # still running: the job says when it is done
            return cls(report=None, user_errors=[], job=job)
        report = RosterImportReport.from_result(job.result)
        errors = read_errors(job.result.get("errors", [])) + [
            e for r in read_rows(job.result) for e in r.errors
        ]
        return cls(report=report, user_errors=to_user_errors(errors), job=job)


@strawberry.type
class JobPayload:
    job: JobType | None
    user_errors: list[UserErrorType]
