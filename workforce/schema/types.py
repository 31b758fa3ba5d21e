"""The workforce's GraphQL object types: staff, certificates, assignments and redeployment
orders (head appointments: ``head_types``; training: ``training_types``). Fields only wrap rows
and ask the loaders."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from accounts.schema.users import UserType
from api.gql.context import app_context
from api.gql.time import aware
from api.storage import storage_for
from network.schema import SiteType, site_of
from workforce import certificates, review
from workforce.common import effective_status, today
from workforce.models import (
    Assignment,
    Certificate,
    RedeploymentMove,
    RedeploymentOrder,
    Staff,
)
from workforce.personal import cipher_for, shown_phone
from workforce.schema.enums import (
    AssignmentKind,
    CertificateWarningLevel,
    Education,
    EmploymentType,
    Gender,
    Post,
    Separation,
    SkillLevel,
    StaffStatus,
)
from workforce.schema.loaders import (
    certificates_loader,
    deadline_loader,
    history_loader,
    hours_loader,
    moves_loader,
    order_loader,
    placement_loader,
    staff_loader,
    staff_moves_loader,
    unmask_loader,
    user_loader,
    warning_loader,
)


async def user_of(info: Info, user_id: uuid.UUID | None) -> UserType | None:
    """The account a field's user id names (batched); None for none (or a past account)."""
    if user_id is None:
        return None
    row = await user_loader(app_context(info)).load(user_id)
    return UserType.from_row(row) if row is not None else None


async def staff_of(info: Info, staff_id: uuid.UUID | None) -> StaffType | None:
    """The person a field's foreign key names (batched for the request); None for no key."""
    if staff_id is None:
        return None
    row = await staff_loader(app_context(info)).load(staff_id)
    return StaffType.from_row(row) if row is not None else None


async def order_of(info: Info, order_id: uuid.UUID | None) -> RedeploymentOrderType | None:
    """The redeployment order a field's foreign key names; None for no key."""
    if order_id is None:
        return None
    row = await order_loader(app_context(info)).load(order_id)
    return RedeploymentOrderType.from_row(row) if row is not None else None


# --- Staff --------------------------------------------------------------------------------


@strawberry.type(name="Certificate", description="职业技能等级证书")
class CertificateType:
    level: SkillLevel
    number: str
    issued_on: date
    scan_key: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Certificate) -> CertificateType:
        return cls(
            level=row.level, number=row.number, issued_on=row.issued_on, scan_key=row.scan_key
        )

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

    @classmethod
    def from_warning(
        cls, warning: certificates.CertificateWarning, staff: StaffType | None = None
    ) -> CertificateWarning:
        if staff is None:
            staff = StaffType.from_row(warning.staff)
        return cls(level=warning.level, since=warning.since, staff=staff)


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
    separation: Separation | None = strawberry.field(
        description="离开窗口队伍的方式:辞职、辞退、调离窗口工作岗位(在岗为空)"
    )
    separation_reason: str | None
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
            separation=row.separation,
            separation_reason=row.separation_reason,
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
        unmask = await unmask_loader(ctx).load(self.row.id)
        cipher = cipher_for(ctx.settings.secret_key)
        return shown_phone(cipher, self.row.phone_cipher, self.row.phone_masked, unmask)

    @strawberry.field
    async def certificates(self, info: Info) -> list[CertificateType]:
        rows = await certificates_loader(app_context(info)).load(self.row.id)
        return [CertificateType.from_row(c) for c in rows]

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
        return CertificateWarning.from_warning(found, self) if found else None

    @strawberry.field(description="取得五级证书的期限(入职后 24 个月,县政策可改)")
    async def certificate_deadline(self, info: Info) -> date:
        return (await deadline_loader(app_context(info)).load(self.row.id)).deadline

    @strawberry.field(
        description="是否错过取证期限:期满仍无证书,或证书取得晚于期限(取得后提醒消失,此事实保留)"
    )
    async def certificate_deadline_missed(self, info: Info) -> bool:
        return (await deadline_loader(app_context(info)).load(self.row.id)).missed

    @strawberry.field(description="本人涉及的调配令调动")
    async def redeployment_moves(self, info: Info) -> list[RedeploymentMoveType]:
        rows = await staff_moves_loader(app_context(info)).load(self.row.id)
        return [RedeploymentMoveType.from_row(m) for m in rows]


# --- Assignments and redeployment ---------------------------------------------------------


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
        return await site_of(info, self.site_id)  # type: ignore[return-value]

    @strawberry.field
    async def staff(self, info: Info) -> StaffType:
        if self.staff_row is not None:
            return StaffType.from_row(self.staff_row)
        return await staff_of(info, self.staff_id)  # type: ignore[return-value]

    @strawberry.field(description="来自哪一份调配令(如有)")
    async def order(self, info: Info) -> RedeploymentOrderType | None:
        return await order_of(info, self.order_id)


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
        return await staff_of(info, self.staff_id)  # type: ignore[return-value]

    @strawberry.field
    async def from_site(self, info: Info) -> SiteType | None:
        return await site_of(info, self.from_site_id)

    @strawberry.field
    async def to_site(self, info: Info) -> SiteType:
        return await site_of(info, self.to_site_id)  # type: ignore[return-value]

    @strawberry.field
    async def order(self, info: Info) -> RedeploymentOrderType:
        return await order_of(info, self.order_id)  # type: ignore[return-value]


@strawberry.type(name="RedeploymentOrder", description="调配令")
class RedeploymentOrderType(relay.Node):
    id: relay.NodeID[str]
    effective_date: date
    reason: str
    issued_at: datetime
    revoked_at: datetime | None = strawberry.field(description="撤销时间(未撤销为空)")
    revoke_reason: str | None
    order_id: strawberry.Private[uuid.UUID]
    issued_by_id: strawberry.Private[uuid.UUID | None]
    revoked_by_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: RedeploymentOrder) -> RedeploymentOrderType:
        return cls(
            id=str(row.id),
            effective_date=row.effective_date,
            reason=row.reason,
            issued_at=aware(row.created_at),  # type: ignore[arg-type]
            revoked_at=aware(row.revoked_at),
            revoke_reason=row.revoke_reason,
            order_id=row.id,
            issued_by_id=row.issued_by_user_id,
            revoked_by_id=row.revoked_by_user_id,
        )

    @strawberry.field(description="签发人")
    async def issued_by(self, info: Info) -> UserType | None:
        return await user_of(info, self.issued_by_id)

    @strawberry.field(description="撤销人")
    async def revoked_by(self, info: Info) -> UserType | None:
        return await user_of(info, self.revoked_by_id)

    @strawberry.field
    async def moves(self, info: Info) -> list[RedeploymentMoveType]:
        rows = await moves_loader(app_context(info)).load(self.order_id)
        return [RedeploymentMoveType.from_row(m) for m in rows]


# --- The review list ----------------------------------------------------------------------


@strawberry.type(description="一项辞退或调离的情形(001 §四(四)1)")
class ReviewFlag:
    code: str = strawberry.field(
        description="CERTIFICATE_DEADLINE_MISSED、ANNUAL_FAIL、REPEATED_ABSENCE 等"
    )
    label: str
    detail: str
    since: date | None

    @classmethod
    def from_flag(cls, flag: review.Flag) -> ReviewFlag:
        labels = {t.code: t.label for t in review.triggers()}
        return cls(
            code=flag.code,
            label=labels.get(flag.code, flag.code),
            detail=flag.detail,
            since=flag.since,
        )


@strawberry.type(description="待审查名单的一人:出现辞退或调离窗口情形的人员")
class ReviewEntry:
    staff: StaffType
    flags: list[ReviewFlag]

    @classmethod
    def from_entry(cls, entry: review.ReviewEntry) -> ReviewEntry:
        return cls(
            staff=StaffType.from_row(entry.staff),
            flags=[ReviewFlag.from_flag(f) for f in entry.flags],
        )
