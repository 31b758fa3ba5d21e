"""The workforce's mutation inputs, and how each reads as the rules' own data (IDs decoded; a
bad ID is a user error on its field)."""

from __future__ import annotations

import uuid
from datetime import date

import strawberry

from api.gql.ids import input_id, parse_global_id
from workforce import assignments, redeployment, staff
from workforce.schema.enums import (
    AssignmentKind,
    Education,
    EmploymentType,
    Post,
    SkillLevel,
    TrainingKind,
)


def _decoded(value: str, type_name: str) -> uuid.UUID | None:
    parsed = parse_global_id(value)
    return parsed[1] if parsed is not None and parsed[0] == type_name else None


# --- Staff --------------------------------------------------------------------------------


@strawberry.input
class HireStaffInput:
    name: str
    id_number: str = strawberry.field(description="18 位公民身份号码(校验码、出生日期均检查)")
    education: Education
    employment_type: EmploymentType
    employer: str
    hire_date: date
    site_id: strawberry.ID
    post: Post
    phone: str | None = None
    posts: list[Post] | None = strawberry.field(default=None, description="可胜任的其他岗位")

    def to_domain(self) -> staff.NewStaff:
        return staff.NewStaff(
            name=self.name,
            id_number=self.id_number,
            phone=self.phone,
            education=self.education,
            employment_type=self.employment_type,
            employer=self.employer,
            hire_date=self.hire_date,
            site_id=input_id(self.site_id, "Site", "siteId"),
            post=self.post,
            posts=list(self.posts or []),
        )


@strawberry.input
class UpdateStaffInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    phone: str | None = strawberry.UNSET
    education: Education | None = strawberry.UNSET
    employment_type: EmploymentType | None = strawberry.UNSET
    employer: str | None = strawberry.UNSET
    posts: list[Post] | None = strawberry.UNSET


@strawberry.input
class ResignStaffInput:
    staff_id: strawberry.ID
    notice_date: date = strawberry.field(description="收到书面辞职申请的日期")
    note: str | None = None


@strawberry.input
class SuspendStaffInput:
    staff_id: strawberry.ID
    reason: str


@strawberry.input
class ReinstateStaffInput:
    staff_id: strawberry.ID


@strawberry.input(description="辞退或调离窗口工作岗位(001 §四(四)1)")
class SeparateStaffInput:
    staff_id: strawberry.ID
    reason: str
    last_day: date | None = strawberry.field(
        default=None, description="最后工作日(含当日),不早于今天;默认今天"
    )


# --- Assignments and redeployment ---------------------------------------------------------


@strawberry.input
class AssignStaffInput:
    staff_id: strawberry.ID
    site_id: strawberry.ID
    post: Post
    kind: AssignmentKind
    start_date: date = strawberry.field(description="生效日(含当日)")
    end_date: date | None = strawberry.field(default=None, description="最后一天(含当日)")
    reason: str | None = None

    def to_domain(self) -> assignments.NewAssignment:
        return assignments.NewAssignment(
            staff_id=input_id(self.staff_id, "Staff", "staffId"),
            site_id=input_id(self.site_id, "Site", "siteId"),
            post=self.post,
            kind=self.kind,
            start_date=self.start_date,
            end_date=self.end_date,
            reason=self.reason,
        )


@strawberry.input
class EndAssignmentInput:
    assignment_id: strawberry.ID
    end_date: date = strawberry.field(description="最后一天(含当日)")


@strawberry.input(description="县级更正一项分配的历史记录:必须说明原因,留痕(旧值与新值)")
class CorrectAssignmentInput:
    assignment_id: strawberry.ID
    reason: str
    start_date: date | None = strawberry.UNSET
    end_date: date | None = strawberry.field(
        default=strawberry.UNSET, description="给 null 为长期(无结束日期)"
    )
    cancel: bool = strawberry.field(default=False, description="撤销该分配(保留记录)")


@strawberry.input
class RevokeRedeploymentInput:
    order_id: strawberry.ID
    reason: str


@strawberry.input
class MoveInput:
    staff_id: strawberry.ID
    to_site_id: strawberry.ID
    post: Post

    def to_domain(self) -> redeployment.Move:
        """A move whose IDs do not decode is still a move: the order reports it by position."""
        staff = _decoded(self.staff_id, "Staff")
        site = _decoded(self.to_site_id, "Site")
        return redeployment.Move(
            staff_id=staff,
            to_site_id=site,
            post=self.post,
            bad_staff_id=staff is None,
            bad_site_id=site is None,
        )


@strawberry.input
class RedeployInput:
    effective_date: date
    reason: str
    moves: list[MoveInput]


# --- Heads and training -------------------------------------------------------------------


@strawberry.input
class ProposeHeadInput:
    site_id: strawberry.ID
    effective_date: date
    staff_id: strawberry.ID | None = None
    person_name: str | None = None
    reason: str | None = None


@strawberry.input
class ReviewHeadAppointmentInput:
    appointment_id: strawberry.ID
    agree: bool
    reason: str | None = strawberry.field(default=None, description="不同意时必填")


@strawberry.input
class CreateTrainingProgramInput:
    kind: TrainingKind
    title: str
    year: int
    centralised: bool = True
    organizer: str | None = None


@strawberry.input
class AddTrainingSessionInput:
    program_id: strawberry.ID
    held_on: date
    hours: float
    topics: str
    trainer: str
    place: str | None = None
    online: bool = False


@strawberry.input
class RecordAttendanceInput:
    session_id: strawberry.ID
    staff_ids: list[strawberry.ID]


# --- Certificates, uploads and the roster -------------------------------------------------


@strawberry.input
class RecordCertificateInput:
    staff_id: strawberry.ID
    level: SkillLevel
    number: str
    issued_on: date
    scan_upload_key: str | None = None


@strawberry.input
class RequestUploadInput:
    purpose: str = strawberry.field(description="scan(证书扫描件:PDF/JPEG/PNG)或 roster(.xlsx)")


@strawberry.input
class ImportRosterInput:
    upload_key: str


@strawberry.input
class ExportRosterInput:
    site_id: strawberry.ID | None = strawberry.field(
        default=None, description="场所(含下级);不给为全县"
    )
    request_id: str | None = strawberry.field(
        default=None, description="客户端生成的请求号:同一请求号只生成一个任务"
    )
