"""What the workforce's mutations answer: the changed object, or ``userErrors``."""

from __future__ import annotations

import strawberry

from api.gql.errors import UserErrorType
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
    report: RosterImportReport | None
    user_errors: list[UserErrorType]


@strawberry.type
class JobPayload:
    job: JobType | None
    user_errors: list[UserErrorType]
