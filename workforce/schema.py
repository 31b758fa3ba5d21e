"""GraphQL types and resolvers of the workforce; they only translate to the services."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal

import strawberry
from sqlalchemy import select
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

import workforce.jobs  # noqa: F401  (registers the export job this schema submits)
from api.gql.context import AppContext, app_context
from api.gql.errors import UserErrorType, mutate, run_change, to_user_errors
from api.gql.ids import input_id, parse_global_id, query_id
from api.gql.nodes import register_node
from api.gql.pagination import Connection, connection, page_args
from api.storage import PURPOSES, new_key, storage_for
from authz.errors import BadRequest, Forbidden
from network import tree
from network.access import can, require
from network.models import Site
from network.schema import SiteType, site_loader
from network.tree import require_county_center
from tenants.errors import refuse
from workers.jobs import submit
from workers.models import BackgroundJob, JobStatus
from workers.queue import queue_for
from workforce import (
    assignments,
    certificates,
    heads,
    redeployment,
    roster,
    training,
)
from workforce import (
    staff as staff_service,
)
from workforce.access import can_read_staff, can_unmask_phone, is_self, require_read_staff
from workforce.certificates import CertificateWarningLevel
from workforce.common import effective_status, today
from workforce.models import (
    Assignment,
    AssignmentKind,
    Certificate,
    Education,
    EmploymentType,
    Gender,
    HeadAppointment,
    HeadAppointmentStatus,
    Post,
    RedeploymentMove,
    RedeploymentOrder,
    SkillLevel,
    Staff,
    StaffStatus,
    TrainingKind,
    TrainingProgram,
    TrainingSession,
)
from workforce.personal import cipher_for

StaffStatusEnum = strawberry.enum(StaffStatus, name="StaffStatus", description="人员状态")
GenderEnum = strawberry.enum(Gender, name="Gender")
EducationEnum = strawberry.enum(Education, name="Education", description="学历")
EmploymentTypeEnum = strawberry.enum(EmploymentType, name="EmploymentType", description="用工类型")
PostEnum = strawberry.enum(Post, name="Post", description="岗位")
AssignmentKindEnum = strawberry.enum(AssignmentKind, name="AssignmentKind", description="分配类型")
SkillLevelEnum = strawberry.enum(SkillLevel, name="SkillLevel", description="职业技能等级")
HeadStatusEnum = strawberry.enum(HeadAppointmentStatus, name="HeadAppointmentStatus")
TrainingKindEnum = strawberry.enum(TrainingKind, name="TrainingKind", description="培训类型")
JobStatusEnum = strawberry.enum(JobStatus, name="JobStatus")
WarningLevelEnum = strawberry.enum(CertificateWarningLevel, name="CertificateWarningLevel")


def _cipher(ctx: AppContext):
    return cipher_for(ctx.settings.secret_key)


# --- Staff --------------------------------------------------------------------------------


@strawberry.type(name="Certificate", description="职业技能等级证书")
class CertificateType:
    level: SkillLevel
    number: str
    issued_on: date
    scan_key: strawberry.Private[str | None]

    @strawberry.field(description="扫描件的临时下载链接(15 分钟有效)")
    async def scan_url(self, info: Info) -> str | None:
        if not self.scan_key:
            return None
        return await storage_for(app_context(info).settings).download_url(self.scan_key)


@strawberry.type(description="持证上岗提醒:入职满 18 个月(即将到期)或 24 个月(已逾期)仍无五级证书")
class CertificateWarning:
    level: CertificateWarningLevel
    since: date
    staff: StaffType


@strawberry.type(name="Staff", description="窗口工作人员(县级统一管理)")
class StaffType(relay.Node):
    id: relay.NodeID[str]
    name: str
    masked_id_number: str = strawberry.field(description="脱敏的公民身份号码,如 320826********1234")
    gender: Gender
    birth_date: date
    education: Education
    employment_type: EmploymentType
    employer: str = strawberry.field(description="用工单位:部门、镇(街道)或外包公司")
    hire_date: date
    probation_end: date | None
    posts: list[Post]
    notice_date: date | None = strawberry.field(description="书面辞职通知日期")
    last_day: date | None = strawberry.field(description="最后工作日")
    skill_level: SkillLevel | None = strawberry.field(description="所持最高等级证书")
    row: strawberry.Private[Staff]

    @classmethod
    def from_row(cls, row: Staff) -> StaffType:
        return cls(
            id=str(row.id),
            name=row.name,
            masked_id_number=row.id_number_masked,
            gender=row.gender,
            birth_date=row.birth_date,
            education=row.education,
            employment_type=row.employment_type,
            employer=row.employer,
            hire_date=row.hire_date,
            probation_end=row.probation_end,
            posts=[Post(p) for p in row.posts or []],
            notice_date=row.notice_date,
            last_day=row.last_day,
            skill_level=row.skill_level,
            row=row,
        )

    @strawberry.field(description="今日状态(试用期满自动转为在岗,最后工作日后为已离岗)")
    def status(self) -> StaffStatus:
        return effective_status(self.row, today())

    @strawberry.field(description="手机号:县级管理员和本人可见全号,其他人为脱敏号")
    async def phone(self, info: Info) -> str | None:
        if self.row.phone_cipher is None:
            return None
        ctx = app_context(info)
        if await unmask_loader(ctx).load(self.row.id):
            return _cipher(ctx).decrypt(self.row.phone_cipher) or self.row.phone_masked
        return self.row.phone_masked

    @strawberry.field
    async def certificates(self, info: Info) -> list[CertificateType]:
        rows = await certificates_loader(app_context(info)).load(self.row.id)
        return [
            CertificateType(
                level=c.level, number=c.number, issued_on=c.issued_on, scan_key=c.scan_key
            )
            for c in rows
        ]

    @strawberry.field(description="全部分配记录(含历史),按开始日期排序")
    async def assignments(self, info: Info) -> list[AssignmentType]:
        rows = await history_loader(app_context(info)).load(self.row.id)
        return [AssignmentType.from_row(a) for a in rows]

    @strawberry.field(description="今日所在的分配(临时顶岗、派驻优先于常驻)")
    async def current_assignment(self, info: Info) -> AssignmentType | None:
        found = await placement_loader(app_context(info)).load(self.row.id)
        return AssignmentType.from_row(found) if found else None

    @strawberry.field(description="该年度参加培训的学时")
    async def training_hours(self, info: Info, year: int) -> float:
        hours = await hours_loader(app_context(info)).load((self.row.id, year))
        return float(hours)

    @strawberry.field(description="持证上岗提醒(无则为空)")
    async def certificate_warning(self, info: Info) -> CertificateWarning | None:
        found = await warning_loader(app_context(info)).load(self.row.id)
        if found is None:
            return None
        return CertificateWarning(level=found.level, since=found.since, staff=self)

    @strawberry.field(description="本人涉及的调配令调动")
    async def redeployment_moves(self, info: Info) -> list[RedeploymentMoveType]:
        ctx = app_context(info)
        async with ctx.read() as session:
            rows = await session.execute(
                select(RedeploymentMove)
                .join(RedeploymentOrder, RedeploymentOrder.id == RedeploymentMove.order_id)
                .where(RedeploymentMove.staff_id == self.row.id)
                .order_by(RedeploymentOrder.effective_date)
            )
            return [RedeploymentMoveType.from_row(m) for m in rows.scalars()]


@strawberry.type(name="Assignment", description="人员分配:起止日期均含当日;无结束日期为长期")
class AssignmentType(relay.Node):
    id: relay.NodeID[str]
    post: Post
    kind: AssignmentKind
    start_date: date
    end_date: date | None
    reason: str | None
    site_id: strawberry.Private[uuid.UUID]
    staff_id: strawberry.Private[uuid.UUID]
    order_id: strawberry.Private[uuid.UUID | None]
    staff_row: strawberry.Private[Staff | None] = None

    @classmethod
    def from_row(cls, row: Assignment, staff: Staff | None = None) -> AssignmentType:
        return cls(
            id=str(row.id),
            post=row.post,
            kind=row.kind,
            start_date=row.start_date,
            end_date=row.end_date,
            reason=row.reason,
            site_id=row.site_id,
            staff_id=row.staff_id,
            order_id=row.order_id,
            staff_row=staff,
        )

    @strawberry.field
    async def site(self, info: Info) -> SiteType:
        return await site_loader(app_context(info)).load(self.site_id)  # type: ignore[return-value]

    @strawberry.field
    async def staff(self, info: Info) -> StaffType:
        if self.staff_row is not None:
            return StaffType.from_row(self.staff_row)
        return await staff_loader(app_context(info)).load(self.staff_id)  # type: ignore[return-value]

    @strawberry.field(description="来自哪一份调配令(如有)")
    async def order(self, info: Info) -> RedeploymentOrderType | None:
        if self.order_id is None:
            return None
        return await order_loader(app_context(info)).load(self.order_id)


@strawberry.type(name="RedeploymentMove", description="调配令中的一项调动")
class RedeploymentMoveType:
    post: Post
    staff_id: strawberry.Private[uuid.UUID]
    from_site_id: strawberry.Private[uuid.UUID | None]
    to_site_id: strawberry.Private[uuid.UUID]
    order_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: RedeploymentMove) -> RedeploymentMoveType:
        return cls(
            post=row.post,
            staff_id=row.staff_id,
            from_site_id=row.from_site_id,
            to_site_id=row.to_site_id,
            order_id=row.order_id,
        )

    @strawberry.field
    async def staff(self, info: Info) -> StaffType:
        return await staff_loader(app_context(info)).load(self.staff_id)  # type: ignore[return-value]

    @strawberry.field
    async def from_site(self, info: Info) -> SiteType | None:
        if self.from_site_id is None:
            return None
        return await site_loader(app_context(info)).load(self.from_site_id)

    @strawberry.field
    async def to_site(self, info: Info) -> SiteType:
        return await site_loader(app_context(info)).load(self.to_site_id)  # type: ignore[return-value]

    @strawberry.field
    async def order(self, info: Info) -> RedeploymentOrderType:
        return await order_loader(app_context(info)).load(self.order_id)  # type: ignore[return-value]


@strawberry.type(name="RedeploymentOrder", description="调配令")
class RedeploymentOrderType(relay.Node):
    id: relay.NodeID[str]
    effective_date: date
    reason: str
    issued_by: str
    issued_at: datetime
    order_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: RedeploymentOrder) -> RedeploymentOrderType:
        return cls(
            id=str(row.id),
            effective_date=row.effective_date,
            reason=row.reason,
            issued_by=row.issued_by,
            issued_at=row.created_at,
            order_id=row.id,
        )

    @strawberry.field
    async def moves(self, info: Info) -> list[RedeploymentMoveType]:
        rows = await moves_loader(app_context(info)).load(self.order_id)
        return [RedeploymentMoveType.from_row(m) for m in rows]


@strawberry.type(name="HeadAppointment", description="分中心、镇(街道)中心负责人任免")
class HeadAppointmentType(relay.Node):
    id: relay.NodeID[str]
    person_name: str
    effective_date: date
    status: HeadAppointmentStatus
    proposal_reason: str | None
    proposed_by: str
    opinion_reason: str | None = strawberry.field(description="县政务服务管理办公室意见")
    reviewed_by: str | None
    reviewed_at: datetime | None
    ended_on: date | None
    site_id: strawberry.Private[uuid.UUID]
    staff_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: HeadAppointment) -> HeadAppointmentType:
        return cls(
            id=str(row.id),
            person_name=row.person_name,
            effective_date=row.effective_date,
            status=row.status,
            proposal_reason=row.proposal_reason,
            proposed_by=row.proposed_by,
            opinion_reason=row.opinion_reason,
            reviewed_by=row.reviewed_by,
            reviewed_at=row.reviewed_at,
            ended_on=row.ended_on,
            site_id=row.site_id,
            staff_id=row.staff_id,
        )

    @strawberry.field
    async def site(self, info: Info) -> SiteType:
        return await site_loader(app_context(info)).load(self.site_id)  # type: ignore[return-value]

    @strawberry.field
    async def staff(self, info: Info) -> StaffType | None:
        if self.staff_id is None:
            return None
        return await staff_loader(app_context(info)).load(self.staff_id)


@strawberry.type(name="TrainingSession", description="一次培训课")
class TrainingSessionType(relay.Node):
    id: relay.NodeID[str]
    held_on: date
    hours: float
    place: str | None
    online: bool
    topics: str
    trainer: str
    session_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: TrainingSession) -> TrainingSessionType:
        return cls(
            id=str(row.id),
            held_on=row.held_on,
            hours=float(row.hours),
            place=row.place,
            online=row.online,
            topics=row.topics,
            trainer=row.trainer,
            session_id=row.id,
        )

    @strawberry.field
    async def attendee_count(self, info: Info) -> int:
        from sqlalchemy import func

        from workforce.models import TrainingAttendance

        async with app_context(info).read() as session:
            return (
                await session.execute(
                    select(func.count()).where(TrainingAttendance.session_id == self.session_id)
                )
            ).scalar_one()


@strawberry.type(name="TrainingProgram", description="培训计划")
class TrainingProgramType(relay.Node):
    id: relay.NodeID[str]
    kind: TrainingKind
    title: str
    year: int
    centralised: bool = strawberry.field(description="县政务服务管理办公室组织的集中培训")
    organizer: str | None
    program_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: TrainingProgram) -> TrainingProgramType:
        return cls(
            id=str(row.id),
            kind=row.kind,
            title=row.title,
            year=row.year,
            centralised=row.centralised,
            organizer=row.organizer,
            program_id=row.id,
        )

    @strawberry.field
    async def sessions(self, info: Info) -> list[TrainingSessionType]:
        async with app_context(info).read() as session:
            rows = await session.execute(
                select(TrainingSession)
                .where(TrainingSession.program_id == self.program_id)
                .order_by(TrainingSession.held_on)
            )
            return [TrainingSessionType.from_row(r) for r in rows.scalars()]


@strawberry.type(name="Job", description="后台任务(如花名册导出)")
class JobType(relay.Node):
    id: relay.NodeID[str]
    kind: str
    status: JobStatus
    error: str | None
    result_filename: str | None
    created_at: datetime
    finished_at: datetime | None
    result_key: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: BackgroundJob) -> JobType:
        return cls(
            id=str(row.id),
            kind=row.kind,
            status=row.status,
            error=row.error,
            result_filename=row.result_filename,
            created_at=row.created_at,
            finished_at=row.finished_at,
            result_key=row.result_key,
        )

    @strawberry.field(description="结果文件的临时下载链接(完成后才有,15 分钟有效)")
    async def result_url(self, info: Info) -> str | None:
        if self.status is not JobStatus.SUCCEEDED or not self.result_key:
            return None
        storage = storage_for(app_context(info).settings)
        return await storage.download_url(self.result_key, self.result_filename)


@strawberry.type(description="上传目标:向 url 以 multipart/form-data POST fields 和 file")
class UploadTarget:
    url: str
    fields: JSON
    key: str = strawberry.field(description="上传成功后在 recordCertificate / importRoster 中引用")


@strawberry.type(description="花名册导入的一行")
class RosterRowReport:
    row: int = strawberry.field(description="Excel 行号")
    name: str | None
    ok: bool
    errors: list[UserErrorType]


@strawberry.type(description="花名册导入结果:任一行有误则整份文件不导入")
class RosterImportReport:
    ok: bool
    created: int
    rows: list[RosterRowReport]


def _report(report: roster.ImportReport) -> RosterImportReport:
    return RosterImportReport(
        ok=report.ok,
        created=report.created,
        rows=[
            RosterRowReport(row=r.row, name=r.name, ok=r.ok, errors=to_user_errors(r.errors))
            for r in report.rows
        ],
    )


# --- Loaders ------------------------------------------------------------------------------


async def _load_staff(ctx: AppContext, ids: list[uuid.UUID]) -> list[StaffType | None]:
    async with ctx.read() as session:
        rows = (await session.execute(select(Staff).where(Staff.id.in_(ids)))).scalars().all()
    by_id = {r.id: StaffType.from_row(r) for r in rows}
    return [by_id.get(i) for i in ids]


async def _load_certificates(ctx: AppContext, ids: list[uuid.UUID]) -> list[list[Certificate]]:
    async with ctx.read() as session:
        found = await certificates.certificates_of(session, ids)
    return [found[i] for i in ids]


async def _load_history(ctx: AppContext, ids: list[uuid.UUID]) -> list[list[Assignment]]:
    async with ctx.read() as session:
        found = await assignments.history(session, ids)
    return [found[i] for i in ids]


async def _load_placements(ctx: AppContext, ids: list[uuid.UUID]) -> list[Assignment | None]:
    async with ctx.read() as session:
        found = await assignments.placements(session, ids, today())
    return [found.get(i) for i in ids]


async def _load_hours(ctx: AppContext, keys: list[tuple[uuid.UUID, int]]) -> list[Decimal]:
    by_year: dict[int, list[uuid.UUID]] = {}
    for staff_id, year in keys:
        by_year.setdefault(year, []).append(staff_id)
    found: dict[tuple[uuid.UUID, int], Decimal] = {}
    async with ctx.read() as session:
        for year, ids in by_year.items():
            for staff_id, hours in (await training.training_hours(session, ids, year)).items():
                found[(staff_id, year)] = hours
    return [found[k] for k in keys]


async def _load_orders(ctx: AppContext, ids: list[uuid.UUID]) -> list[RedeploymentOrderType | None]:
    async with ctx.read() as session:
        rows = await session.execute(select(RedeploymentOrder).where(RedeploymentOrder.id.in_(ids)))
        by_id = {r.id: RedeploymentOrderType.from_row(r) for r in rows.scalars()}
    return [by_id.get(i) for i in ids]


async def _load_moves(ctx: AppContext, ids: list[uuid.UUID]) -> list[list[RedeploymentMove]]:
    async with ctx.read() as session:
        found = await redeployment.moves_of(session, ids)
    return [found[i] for i in ids]


async def _load_unmask(ctx: AppContext, ids: list[uuid.UUID]) -> list[bool]:
    actor = ctx.actor
    async with ctx.read() as session:
        county_wide = await can_unmask_phone(session, actor, uuid.UUID(int=0))
    return [county_wide or is_self(actor, i) for i in ids]


async def _load_warnings(
    ctx: AppContext, ids: list[uuid.UUID]
) -> list[certificates.CertificateWarning | None]:
    async with ctx.read() as session:
        found = await certificates.staff_warnings(session, ids)
    return [found.get(i) for i in ids]


def warning_loader(ctx: AppContext):
    return ctx.loader("staff.certificate_warning", _load_warnings)


def staff_loader(ctx: AppContext):
    return ctx.loader("staff", _load_staff)


def certificates_loader(ctx: AppContext):
    return ctx.loader("staff.certificates", _load_certificates)


def history_loader(ctx: AppContext):
    return ctx.loader("staff.assignments", _load_history)


def placement_loader(ctx: AppContext):
    return ctx.loader("staff.placement", _load_placements)


def hours_loader(ctx: AppContext):
    return ctx.loader("staff.training_hours", _load_hours)


def order_loader(ctx: AppContext):
    return ctx.loader("redeployment_order", _load_orders)


def moves_loader(ctx: AppContext):
    return ctx.loader("redeployment_order.moves", _load_moves)


def unmask_loader(ctx: AppContext):
    return ctx.loader("staff.phone_unmask", _load_unmask)


# --- node(id:) ----------------------------------------------------------------------------


async def _staff_node(ctx: AppContext, staff_id: uuid.UUID) -> StaffType | None:
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await session.get(Staff, staff_id)
        if row is None:
            return None
        await require_read_staff(session, actor, row)
    return StaffType.from_row(row)


async def _require_county_read(ctx: AppContext, obj: str = "staff") -> None:
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        root = await require_county_center(session)
        await require(session, actor, obj, "read", root.id, root.official_name)


async def _order_node(ctx: AppContext, order_id: uuid.UUID) -> RedeploymentOrderType | None:
    await _require_county_read(ctx)
    return await order_loader(ctx).load(order_id)


async def _assignment_node(ctx: AppContext, assignment_id: uuid.UUID) -> AssignmentType | None:
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await session.get(Assignment, assignment_id)
        if row is None:
            return None
        staff = await session.get(Staff, row.staff_id)
        if not (
            await can(session, actor, "staff", "read", row.site_id)
            or (staff is not None and await can_read_staff(session, actor, staff))
        ):
            raise Forbidden("staff:read", f"site:{row.site_id}")
    return AssignmentType.from_row(row)


async def _head_node(ctx: AppContext, appointment_id: uuid.UUID) -> HeadAppointmentType | None:
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await session.get(HeadAppointment, appointment_id)
        if row is None:
            return None
        if not (
            await can(session, actor, "head", "propose", row.site_id)
            or await can(session, actor, "staff", "read", row.site_id)
        ):
            raise Forbidden("head:read", f"site:{row.site_id}")
    return HeadAppointmentType.from_row(row)


async def _program_node(ctx: AppContext, program_id: uuid.UUID) -> TrainingProgramType | None:
    await _require_county_read(ctx, "training")
    async with ctx.read() as session:
        row = await session.get(TrainingProgram, program_id)
    return TrainingProgramType.from_row(row) if row else None


async def _session_node(ctx: AppContext, session_id: uuid.UUID) -> TrainingSessionType | None:
    await _require_county_read(ctx, "training")
    async with ctx.read() as session:
        row = await session.get(TrainingSession, session_id)
    return TrainingSessionType.from_row(row) if row else None


async def _job_node(ctx: AppContext, job_id: uuid.UUID) -> JobType | None:
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await session.get(BackgroundJob, job_id)
        if row is None:
            return None
        if row.requested_by_user_id != actor.user_id:
            root = await require_county_center(session)
            await require(session, actor, "staff", "read", root.id, root.official_name)
    return JobType.from_row(row)


register_node("Staff", _staff_node)
register_node("Assignment", _assignment_node)
register_node("RedeploymentOrder", _order_node)
register_node("HeadAppointment", _head_node)
register_node("TrainingProgram", _program_node)
register_node("TrainingSession", _session_node)
register_node("Job", _job_node)


# --- Site fields (Site.assignmentsOn, Site.head, Site.headAppointments) --------------------


async def site_assignments_on(
    ctx: AppContext, site_id: uuid.UUID, on: date | None, first: int | None, after: str | None
) -> Connection[AssignmentType]:
    actor = ctx.require_actor()
    ctx.tenant_id()
    page = page_args(first, after, ctx.settings.page_cap)
    async with ctx.read() as session:
        # The Site was loaded (in this county) by its parent resolver: no second read of it.
        await require(session, actor, "staff", "read", site_id)
        rows, total = await assignments.assignments_on(
            session, site_id, on or today(), offset=page.offset, limit=page.limit
        )
    return connection(rows, total, page, lambda pair: AssignmentType.from_row(*pair))


async def site_head(ctx: AppContext, site_id: uuid.UUID) -> HeadAppointmentType | None:
    ctx.tenant_id()
    async with ctx.read() as session:
        found = (await heads.current_heads(session, [site_id]))[site_id]
    return HeadAppointmentType.from_row(found) if found else None


async def site_head_history(ctx: AppContext, site_id: uuid.UUID) -> list[HeadAppointmentType]:
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        if not (
            await can(session, actor, "head", "propose", site_id)
            or await can(session, actor, "staff", "read", site_id)
        ):
            raise Forbidden("head:read", f"site:{site_id}")
        rows = await heads.appointments_of(session, site_id)
    return [HeadAppointmentType.from_row(r) for r in rows]


# --- Query --------------------------------------------------------------------------------


@strawberry.type
class WorkforceQuery:
    @strawberry.field(
        description="人员名册。给 siteId 时为今日在该场所及其下级在岗的人员;否则为全县(县级角色)"
    )
    async def staff(
        self,
        info: Info,
        site_id: strawberry.ID | None = None,
        status: StaffStatus | None = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[StaffType]:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()
        page = page_args(first, after, ctx.settings.page_cap)
        async with ctx.read() as session:
            if site_id is not None:
                site = await session.get(Site, query_id(site_id, "Site", "siteId"))
                if site is None:
                    raise BadRequest("场所不存在", "INVALID_ID")
            else:
                site = await require_county_center(session)
            await require(session, actor, "staff", "read", site.id, site.official_name)
            scope = None
            if site_id is not None:
                scope = await tree.subtree_ids(session, site.id)
            rows, total = await staff_service.list_staff(
                session,
                site_ids=scope,
                status=status,
                search=search,
                offset=page.offset,
                limit=page.limit,
            )
        return connection(rows, total, page, StaffType.from_row)

    @strawberry.field(description="调配令,最新的在前")
    async def redeployment_orders(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[RedeploymentOrderType]:
        ctx = app_context(info)
        await _require_county_read(ctx)
        page = page_args(first, after, ctx.settings.page_cap)
        async with ctx.read() as session:
            rows, total = await redeployment.list_orders(
                session, offset=page.offset, limit=page.limit
            )
        return connection(rows, total, page, RedeploymentOrderType.from_row)

    @strawberry.field(description="培训计划")
    async def training_programs(
        self,
        info: Info,
        year: int | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[TrainingProgramType]:
        from sqlalchemy import func

        ctx = app_context(info)
        await _require_county_read(ctx, "training")
        page = page_args(first, after, ctx.settings.page_cap)
        async with ctx.read() as session:
            query = select(TrainingProgram)
            if year is not None:
                query = query.where(TrainingProgram.year == year)
            total = (
                await session.execute(select(func.count()).select_from(query.subquery()))
            ).scalar_one()
            rows = await session.execute(
                query.order_by(TrainingProgram.year.desc(), TrainingProgram.title)
                .offset(page.offset)
                .limit(page.limit)
            )
            items = list(rows.scalars())
        return connection(items, total, page, TrainingProgramType.from_row)

    @strawberry.field(description="季度集中培训未参加名单:季度末在岗、季度内未参加任何集中培训")
    async def training_noncompliance(self, info: Info, year: int, quarter: int) -> list[StaffType]:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()
        if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2099:
            raise BadRequest("季度应为 2000–2099 年的 1 到 4 季度", "BAD_REQUEST")
        async with ctx.read() as session:
            rows = await training.quarterly_noncompliance(session, actor, year, quarter)
        return [StaffType.from_row(r) for r in rows]

    @strawberry.field(description="持证上岗提醒:逾期在前")
    async def certificate_warnings(
        self, info: Info, on: date | None = None
    ) -> list[CertificateWarning]:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()
        async with ctx.read() as session:
            found = await certificates.certificate_warnings(session, actor, on)
        return [
            CertificateWarning(level=w.level, since=w.since, staff=StaffType.from_row(w.staff))
            for w in found
        ]

    @strawberry.field(description="花名册导入模板(.xlsx)的下载地址")
    def roster_template_url(self) -> str:
        return "/workforce/roster-template.xlsx"


# --- Mutations ----------------------------------------------------------------------------


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


@strawberry.type
class StaffPayload:
    staff: StaffType | None
    user_errors: list[UserErrorType]


@strawberry.input
class AssignStaffInput:
    staff_id: strawberry.ID
    site_id: strawberry.ID
    post: Post
    kind: AssignmentKind
    start_date: date = strawberry.field(description="生效日(含当日)")
    end_date: date | None = strawberry.field(default=None, description="最后一天(含当日)")
    reason: str | None = None


@strawberry.input
class EndAssignmentInput:
    assignment_id: strawberry.ID
    end_date: date = strawberry.field(description="最后一天(含当日)")


@strawberry.type
class AssignmentPayload:
    assignment: AssignmentType | None
    user_errors: list[UserErrorType]


@strawberry.input
class MoveInput:
    staff_id: strawberry.ID
    to_site_id: strawberry.ID
    post: Post


@strawberry.input
class RedeployInput:
    effective_date: date
    reason: str
    moves: list[MoveInput]


@strawberry.type
class RedeployPayload:
    order: RedeploymentOrderType | None
    user_errors: list[UserErrorType]


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


@strawberry.type
class HeadAppointmentPayload:
    appointment: HeadAppointmentType | None
    user_errors: list[UserErrorType]


@strawberry.input
class CreateTrainingProgramInput:
    kind: TrainingKind
    title: str
    year: int
    centralised: bool = True
    organizer: str | None = None


@strawberry.type
class TrainingProgramPayload:
    program: TrainingProgramType | None
    user_errors: list[UserErrorType]


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


@strawberry.type
class TrainingSessionPayload:
    session: TrainingSessionType | None
    user_errors: list[UserErrorType]


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


@strawberry.type
class UploadPayload:
    upload: UploadTarget | None
    user_errors: list[UserErrorType]


@strawberry.input
class ImportRosterInput:
    upload_key: str


@strawberry.type
class ImportRosterPayload:
    report: RosterImportReport | None
    user_errors: list[UserErrorType]


@strawberry.input
class ExportRosterInput:
    site_id: strawberry.ID | None = strawberry.field(
        default=None, description="场所(含下级);不给为全县"
    )
    request_id: str | None = strawberry.field(
        default=None, description="客户端生成的请求号:同一请求号只生成一个任务"
    )


@strawberry.type
class JobPayload:
    job: JobType | None
    user_errors: list[UserErrorType]


def _given(value):
    return None if value is strawberry.UNSET else value


@strawberry.type
class WorkforceMutation:
    @strawberry.mutation(description="入职:登记人员并分配到场所")
    async def hire_staff(self, info: Info, input: HireStaffInput) -> StaffPayload:
        ctx = app_context(info)
        actor = ctx.require_actor()

        async def change(session):
            data = staff_service.NewStaff(
                name=input.name,
                id_number=input.id_number,
                phone=input.phone,
                education=input.education,
                employment_type=input.employment_type,
                employer=input.employer,
                hire_date=input.hire_date,
                site_id=input_id(input.site_id, "Site", "siteId"),
                post=input.post,
                posts=list(input.posts or []),
            )
            row = await staff_service.hire_staff(session, actor, _cipher(ctx), data)
            return StaffType.from_row(row)

        staff, errors = await run_change(ctx.write(), change)
        return StaffPayload(staff=staff, user_errors=errors)

    @strawberry.mutation(description="修改人员信息")
    async def update_staff(self, info: Info, input: UpdateStaffInput) -> StaffPayload:
        ctx = app_context(info)
        actor = ctx.require_actor()

        async def change(session):
            kwargs = {}
            if input.phone is not strawberry.UNSET:
                kwargs["phone"] = input.phone
            row = await staff_service.update_staff(
                session,
                actor,
                _cipher(ctx),
                input_id(input.id, "Staff", "id"),
                name=_given(input.name),
                education=_given(input.education),
                employment_type=_given(input.employment_type),
                employer=_given(input.employer),
                posts=_given(input.posts),
                **kwargs,
            )
            return StaffType.from_row(row)

        staff, errors = await run_change(ctx.write(), change)
        return StaffPayload(staff=staff, user_errors=errors)

    @strawberry.mutation(description="登记书面辞职申请:最后工作日为通知日加 30 天")
    async def resign_staff(self, info: Info, input: ResignStaffInput) -> StaffPayload:
        async def change(session, actor):
            row = await staff_service.resign(
                session,
                actor,
                input_id(input.staff_id, "Staff", "staffId"),
                input.notice_date,
                input.note,
            )
            return StaffType.from_row(row)

        staff, errors = await mutate(info, change)
        return StaffPayload(staff=staff, user_errors=errors)

    @strawberry.mutation(description="接受调查期间暂停")
    async def suspend_staff(self, info: Info, input: SuspendStaffInput) -> StaffPayload:
        async def change(session, actor):
            row = await staff_service.suspend(
                session, actor, input_id(input.staff_id, "Staff", "staffId"), input.reason
            )
            return StaffType.from_row(row)

        staff, errors = await mutate(info, change)
        return StaffPayload(staff=staff, user_errors=errors)

    @strawberry.mutation(description="调查结束,恢复")
    async def reinstate_staff(self, info: Info, input: ReinstateStaffInput) -> StaffPayload:
        async def change(session, actor):
            row = await staff_service.reinstate(
                session, actor, input_id(input.staff_id, "Staff", "staffId")
            )
            return StaffType.from_row(row)

        staff, errors = await mutate(info, change)
        return StaffPayload(staff=staff, user_errors=errors)

    @strawberry.mutation(description="分配岗位:常驻、临时顶岗或派驻村(社区)")
    async def assign_staff(self, info: Info, input: AssignStaffInput) -> AssignmentPayload:
        async def change(session, actor):
            row = await assignments.assign_staff(
                session,
                actor,
                assignments.NewAssignment(
                    staff_id=input_id(input.staff_id, "Staff", "staffId"),
                    site_id=input_id(input.site_id, "Site", "siteId"),
                    post=input.post,
                    kind=input.kind,
                    start_date=input.start_date,
                    end_date=input.end_date,
                    reason=input.reason,
                ),
            )
            return AssignmentType.from_row(row)

        assignment, errors = await mutate(info, change)
        return AssignmentPayload(assignment=assignment, user_errors=errors)

    @strawberry.mutation(description="提前结束一项分配(历史保留)")
    async def end_assignment(self, info: Info, input: EndAssignmentInput) -> AssignmentPayload:
        async def change(session, actor):
            row = await assignments.end_assignment(
                session,
                actor,
                input_id(input.assignment_id, "Assignment", "assignmentId"),
                input.end_date,
            )
            return AssignmentType.from_row(row)

        assignment, errors = await mutate(info, change)
        return AssignmentPayload(assignment=assignment, user_errors=errors)

    @strawberry.mutation(description="调配令:多人同日调动,全部生效或全部不生效")
    async def redeploy(self, info: Info, input: RedeployInput) -> RedeployPayload:
        async def change(session, actor):
            moves = []
            for move in input.moves:
                staff = parse_global_id(move.staff_id)
                site = parse_global_id(move.to_site_id)
                staff_ok = staff is not None and staff[0] == "Staff"
                site_ok = site is not None and site[0] == "Site"
                moves.append(
                    redeployment.Move(
                        staff_id=staff[1] if staff_ok else None,  # type: ignore[index]
                        to_site_id=site[1] if site_ok else None,  # type: ignore[index]
                        post=move.post,
                        bad_staff_id=not staff_ok,
                        bad_site_id=not site_ok,
                    )
                )
            order = await redeployment.redeploy(
                session,
                actor,
                effective_date=input.effective_date,
                reason=input.reason,
                moves=moves,
            )
            return RedeploymentOrderType.from_row(order)

        order, errors = await mutate(info, change)
        return RedeployPayload(order=order, user_errors=errors)

    @strawberry.mutation(
        description="提名分中心或镇(街道)中心负责人,待县政务服务管理办公室出具意见"
    )
    async def propose_head(self, info: Info, input: ProposeHeadInput) -> HeadAppointmentPayload:
        async def change(session, actor):
            row = await heads.propose_head(
                session,
                actor,
                site_id=input_id(input.site_id, "Site", "siteId"),
                staff_id=input_id(input.staff_id, "Staff", "staffId") if input.staff_id else None,
                person_name=input.person_name,
                effective_date=input.effective_date,
                reason=input.reason,
            )
            return HeadAppointmentType.from_row(row)

        appointment, errors = await mutate(info, change)
        return HeadAppointmentPayload(appointment=appointment, user_errors=errors)

    @strawberry.mutation(description="县政务服务管理办公室对负责人任免出具意见(同意/不同意)")
    async def review_head_appointment(
        self, info: Info, input: ReviewHeadAppointmentInput
    ) -> HeadAppointmentPayload:
        async def change(session, actor):
            row = await heads.review_head(
                session,
                actor,
                input_id(input.appointment_id, "HeadAppointment", "appointmentId"),
                agree=input.agree,
                reason=input.reason,
            )
            return HeadAppointmentType.from_row(row)

        appointment, errors = await mutate(info, change)
        return HeadAppointmentPayload(appointment=appointment, user_errors=errors)

    @strawberry.mutation(description="新建培训计划")
    async def create_training_program(
        self, info: Info, input: CreateTrainingProgramInput
    ) -> TrainingProgramPayload:
        async def change(session, actor):
            row = await training.create_program(
                session,
                actor,
                kind=input.kind,
                title=input.title,
                year=input.year,
                centralised=input.centralised,
                organizer=input.organizer,
            )
            return TrainingProgramType.from_row(row)

        program, errors = await mutate(info, change)
        return TrainingProgramPayload(program=program, user_errors=errors)

    @strawberry.mutation(description="新增一次培训课")
    async def add_training_session(
        self, info: Info, input: AddTrainingSessionInput
    ) -> TrainingSessionPayload:
        async def change(session, actor):
            row = await training.add_session(
                session,
                actor,
                program_id=input_id(input.program_id, "TrainingProgram", "programId"),
                held_on=input.held_on,
                hours=str(input.hours),
                place=input.place,
                online=input.online,
                topics=input.topics,
                trainer=input.trainer,
            )
            return TrainingSessionType.from_row(row)

        result, errors = await mutate(info, change)
        return TrainingSessionPayload(session=result, user_errors=errors)

    @strawberry.mutation(description="培训签到")
    async def record_attendance(
        self, info: Info, input: RecordAttendanceInput
    ) -> TrainingSessionPayload:
        async def change(session, actor):
            ids = [
                input_id(value, "Staff", f"staffIds[{i}]")
                for i, value in enumerate(input.staff_ids)
            ]
            row = await training.record_attendance(
                session,
                actor,
                session_id=input_id(input.session_id, "TrainingSession", "sessionId"),
                staff_ids=ids,
            )
            return TrainingSessionType.from_row(row)

        result, errors = await mutate(info, change)
        return TrainingSessionPayload(session=result, user_errors=errors)

    @strawberry.mutation(description="登记职业技能等级证书")
    async def record_certificate(self, info: Info, input: RecordCertificateInput) -> StaffPayload:
        ctx = app_context(info)
        actor = ctx.require_actor()

        async def change(session):
            row = await certificates.record_certificate(
                session,
                actor,
                storage_for(ctx.settings),
                staff_id=input_id(input.staff_id, "Staff", "staffId"),
                level=input.level,
                number=input.number,
                issued_on=input.issued_on,
                scan_key=input.scan_upload_key,
            )
            return StaffType.from_row(row)

        staff, errors = await run_change(ctx.write(), change)
        return StaffPayload(staff=staff, user_errors=errors)

    @strawberry.mutation(description="申请上传:返回直传地址(S3 预签名或本服务的上传接口)")
    async def request_upload(self, info: Info, input: RequestUploadInput) -> UploadPayload:
        ctx = app_context(info)
        ctx.require_actor()
        tenant_id = ctx.tenant_id()
        if input.purpose not in PURPOSES:
            return UploadPayload(
                upload=None,
                user_errors=[
                    UserErrorType(field="purpose", code="INVALID_PURPOSE", message="未知的文件用途")
                ],
            )
        target = await storage_for(ctx.settings).upload_target(new_key(tenant_id, input.purpose))
        return UploadPayload(
            upload=UploadTarget(url=target.url, fields=target.fields, key=target.key),
            user_errors=[],
        )

    @strawberry.mutation(description="导入花名册(.xlsx):任一行有误则整份不导入,并逐行报告")
    async def import_roster(self, info: Info, input: ImportRosterInput) -> ImportRosterPayload:
        ctx = app_context(info)
        actor = ctx.require_actor()
        refused: list[roster.ImportReport] = []

        async def change(session):
            try:
                return await roster.import_roster(
                    session, actor, _cipher(ctx), storage_for(ctx.settings), input.upload_key
                )
            except roster.RosterRefused as exc:
                refused.append(exc.report)
                raise

        report, errors = await run_change(ctx.write(), change)
        if report is None and refused:
            return ImportRosterPayload(report=_report(refused[0]), user_errors=errors)
        return ImportRosterPayload(report=_report(report) if report else None, user_errors=errors)

    @strawberry.mutation(description="导出花名册(后台任务):场所(含下级)或全县")
    async def export_roster(self, info: Info, input: ExportRosterInput) -> JobPayload:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()

        async def check(session):
            site_id = input_id(input.site_id, "Site", "siteId") if input.site_id else None
            site = await roster.export_scope(session, actor, site_id)
            unmask = await can_unmask_phone(session, actor, uuid.UUID(int=0))
            if input.request_id is not None and not (0 < len(input.request_id) <= 100):
                raise refuse("requestId", "INVALID_REQUEST_ID", "请求号应为 1-100 个字符")
            return site, unmask

        checked, errors = await run_change(ctx.write(), check)
        if checked is None:
            return JobPayload(job=None, user_errors=errors)
        site, unmask = checked
        job = await submit(
            ctx.db,
            queue_for(ctx.settings, ctx.db),
            actor,
            kind="export_roster",
            request_id=input.request_id,
            params={"site_id": str(site.id), "on": today().isoformat(), "unmask_phone": unmask},
        )
        return JobPayload(job=JobType.from_row(job), user_errors=[])


async def _load_staff_counts(ctx: AppContext, ids: list[uuid.UUID]) -> list[int]:
    async with ctx.read() as session:
        counts = await assignments.staff_counts(session, ids)
    return [counts[i] for i in ids]


def staff_count_loader(ctx: AppContext):
    return ctx.loader("site.staff_count", _load_staff_counts)


@strawberry.type(description="Fields that workforce contributes to network's Site")
class SiteWorkforceFields:
    """Resolved with the ``Site`` object as ``self`` (see ``api.gql.extend``)."""

    site_id: strawberry.Private[uuid.UUID]

    @strawberry.field(description="在岗人数(当日生效的分配)")
    async def staff_count(self, info: Info) -> int:
        return await staff_count_loader(app_context(info)).load(self.site_id)

    @strawberry.field(description="该日(默认今天)在此场所生效的人员分配(workforce)")
    async def assignments_on(
        self,
        info: Info,
        date: date | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[AssignmentType]:
        return await site_assignments_on(app_context(info), self.site_id, date, first, after)

    @strawberry.field(description="现任负责人(县政务服务管理办公室同意后生效)")
    async def head(self, info: Info) -> HeadAppointmentType | None:
        return await site_head(app_context(info), self.site_id)

    @strawberry.field(description="负责人任免记录,最新的在前")
    async def head_appointments(self, info: Info) -> list[HeadAppointmentType]:
        return await site_head_history(app_context(info), self.site_id)
