"""The casework's GraphQL object types. Fields only wrap rows and ask the loaders; the deadline
fields are computed for the schema's today (``casework.schema.clock``)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.gql.context import app_context
from casework import deadlines
from casework.models import Case, CaseEvent, Notice, Window
from casework.schema import clock
from casework.schema.enums import (
    ApplicantKind,
    CaseEventKind,
    CaseStatus,
    Channel,
    DeadlineState,
    Delivery,
    WindowKind,
    WindowStatus,
)
from casework.schema.feedback_types import RatingType, rating_type
from casework.schema.loaders import (
    calendar_loader,
    due_soon_loader,
    events_loader,
    rating_loader,
    window_loader,
)
from catalog.schema.enums import HandlingKind
from catalog.schema.types import MatterRefType
from network.schema import SiteType, site_of
from workforce.schema.types import StaffType, staff_of


@strawberry.type(name="Window", description="窗口:综合窗口、专窗、出件窗口或办不成事反映窗口")
class WindowType(relay.Node):
    id: relay.NodeID[str]
    number: str
    kind: WindowKind
    area: str | None = strawberry.field(description="服务区,如 商事登记区")
    matter_codes: list[str] = strawberry.field(description="专窗受理的事项编码")
    status: WindowStatus
    site_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: Window) -> WindowType:
        return cls(
            id=str(row.id),
            number=row.number,
            kind=row.kind,
            area=row.area,
            matter_codes=list(row.matter_codes or []),
            status=row.status,
            site_id=row.site_id,
        )

    @strawberry.field
    async def site(self, info: Info) -> SiteType | None:
        return await site_of(info, self.site_id)


async def window_of(info: Info, window_id: uuid.UUID | None) -> WindowType | None:
    if window_id is None:
        return None
    row = await window_loader(app_context(info)).load(window_id)
    return WindowType.from_row(row) if row is not None else None


@strawberry.type(name="Applicant", description="申请人:证件号码只显示脱敏形式")
class ApplicantType:
    kind: ApplicantKind
    name: str
    masked_id_number: str = strawberry.field(description="脱敏的身份证号或统一社会信用代码")
    masked_phone: str | None


def applicant_of(row: Case | Notice) -> ApplicantType:
    return ApplicantType(
        kind=row.applicant_kind,
        name=row.applicant_name,
        masked_id_number=row.applicant_id_masked,
        masked_phone=row.applicant_phone_masked,
    )


@strawberry.type(name="CaseEvent", description="办件环节留痕:谁、何时、做了什么、状态从何到何")
class CaseEventType:
    at: datetime
    kind: CaseEventKind
    from_status: CaseStatus | None
    to_status: CaseStatus
    note: str | None
    actor_staff_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, row: CaseEvent) -> CaseEventType:
        return cls(
            at=row.at,
            kind=row.kind,
            from_status=row.from_status,
            to_status=row.to_status,
            note=row.note,
            actor_staff_id=row.actor_staff_id,
        )

    @strawberry.field(description="经办人")
    async def actor(self, info: Info) -> StaffType | None:
        return await staff_of(info, self.actor_staff_id)


@strawberry.type(name="Case", description="办件:前台受理、后台审批、统一出件")
class CaseType(relay.Node):
    id: relay.NodeID[str]
    number: str = strawberry.field(description="办件编号:县代码-日期-序号")
    status: CaseStatus
    handling_kind: HandlingKind
    channel: Channel
    accepted_at: datetime
    decided_at: datetime | None
    opinion: str | None = strawberry.field(description="审批意见(不予批准时必填)")
    result_title: str | None
    issued_at: datetime | None
    delivery: Delivery | None
    tracking_number: str | None = strawberry.field(description="邮寄运单号")
    due_date: date | None = strawberry.field(description="办结期限(工作日计算;补正期间为空)")
    limit_days: int = strawberry.field(description="承诺办结时限(工作日)")
    received_materials: list[str]
    deferred_materials: list[str] = strawberry.field(description="容缺受理、尚未补齐的材料")
    deferred_due: date | None = strawberry.field(description="容缺材料补齐期限")
    commitment: bool = strawberry.field(description="告知承诺")
    committed_materials: list[str] = strawberry.field(description="以告知承诺替代的证明材料")
    supplement_items: list[str] = strawberry.field(description="待补正的内容")
    row: strawberry.Private[Case]
    receipt: strawberry.Private[str | None] = None

    @classmethod
    def from_row(cls, row: Case, receipt: str | None = None) -> CaseType:
        return cls(
            id=str(row.id),
            number=row.number,
            status=row.status,
            handling_kind=row.handling_kind,
            channel=row.channel,
            accepted_at=row.accepted_at,
            decided_at=row.decided_at,
            opinion=row.opinion,
            result_title=row.result_title,
            issued_at=row.issued_at,
            delivery=row.delivery,
            tracking_number=row.tracking_number,
            due_date=row.due_date,
            limit_days=row.limit_days,
            received_materials=list(row.received or []),
            deferred_materials=list(row.deferred or []),
            deferred_due=row.deferred_due,
            commitment=bool(row.commitment),
            committed_materials=list(row.committed or []),
            supplement_items=list(row.supplement_items or []),
            row=row,
            receipt=receipt,
        )

    @strawberry.field(description="回执上的查询码:只在受理时返回一次(只保存其散列)")
    def receipt_code(self) -> str | None:
        return self.receipt

    @strawberry.field
    def matter(self) -> MatterRefType:
        return MatterRefType(code=self.row.matter_code, name=self.row.matter_name)

    @strawberry.field(description="受理场所")
    async def site(self, info: Info) -> SiteType | None:
        return await site_of(info, self.row.site_id)

    @strawberry.field(description="审批所在场所(部门后台或承接办理权的场所)")
    async def processing_site(self, info: Info) -> SiteType | None:
        return await site_of(info, self.row.processing_site_id)

    @strawberry.field(description="受理窗口")
    async def window(self, info: Info) -> WindowType | None:
        return await window_of(info, self.row.window_id)

    @strawberry.field(description="出件窗口")
    async def issue_window(self, info: Info) -> WindowType | None:
        return await window_of(info, self.row.issue_window_id)

    @strawberry.field
    def applicant(self) -> ApplicantType:
        return applicant_of(self.row)

    @strawberry.field(description="受理人")
    async def accepted_by(self, info: Info) -> StaffType | None:
        return await staff_of(info, self.row.accepted_by_id)

    @strawberry.field(description="首问负责人:最先接待申请人的工作人员")
    async def first_receiver(self, info: Info) -> StaffType | None:
        return await staff_of(info, self.row.first_receiver_id)

    @strawberry.field(description="审批人")
    async def decided_by(self, info: Info) -> StaffType | None:
        return await staff_of(info, self.row.decided_by_id)

    @strawberry.field(description="出件人")
    async def issued_by(self, info: Info) -> StaffType | None:
        return await staff_of(info, self.row.issued_by_id)

    @strawberry.field(description="已用工作日(补正期间不计)")
    async def working_days_used(self, info: Info) -> int:
        calendar = await calendar_loader(app_context(info)).load(self.row.tenant_id)
        return deadlines.working_days_used(self.row, calendar, clock.today())

    @strawberry.field(description="时限计时是否暂停(等待补正)")
    def clock_stopped(self) -> bool:
        return self.row.stopped_on is not None

    @strawberry.field
    async def deadline_state(self, info: Info) -> DeadlineState | None:
        context = app_context(info)
        calendar = await calendar_loader(context).load(self.row.tenant_id)
        soon = await due_soon_loader(context).load(self.row.tenant_id)
        return deadlines.deadline_state(self.row, calendar, clock.today(), soon)

    @strawberry.field(description="全部环节,最早的在前")
    async def events(self, info: Info) -> list[CaseEventType]:
        rows = await events_loader(app_context(info)).load(self.row.id)
        return [CaseEventType.from_row(r) for r in rows]

    @strawberry.field(description="申请人的评价(好差评),未评价时为空")
    async def rating(self, info: Info) -> RatingType | None:
        return rating_type(await rating_loader(app_context(info)).load(self.row.id))


@strawberry.type(name="Notice", description="一次性告知书")
class NoticeType(relay.Node):
    id: relay.NodeID[str]
    number: str
    missing: list[str] = strawberry.field(description="缺少的全部材料或事项")
    note: str | None
    issued_at: datetime
    row: strawberry.Private[Notice]

    @classmethod
    def from_row(cls, row: Notice) -> NoticeType:
        return cls(
            id=str(row.id),
            number=row.number,
            missing=list(row.missing or []),
            note=row.note,
            issued_at=row.issued_at,
            row=row,
        )

    @strawberry.field
    def matter(self) -> MatterRefType:
        return MatterRefType(code=self.row.matter_code, name=self.row.matter_name)

    @strawberry.field
    async def site(self, info: Info) -> SiteType | None:
        return await site_of(info, self.row.site_id)

    @strawberry.field
    async def window(self, info: Info) -> WindowType | None:
        return await window_of(info, self.row.window_id)

    @strawberry.field
    def applicant(self) -> ApplicantType:
        return applicant_of(self.row)

    @strawberry.field(description="告知人")
    async def issued_by(self, info: Info) -> StaffType | None:
        return await staff_of(info, self.row.issued_by_id)


@strawberry.type(name="PublicCaseStep", description="办件进度的一步(不含经办人)")
class PublicCaseStep:
    at: datetime
    kind: CaseEventKind


@strawberry.type(name="PublicCase", description="办件进度(凭办件编号和查询码,不含个人信息)")
class PublicCaseType:
    number: str
    status: CaseStatus
    matter_name: str
    site_name: str
    accepted_at: datetime
    due_date: date | None
    issued_at: datetime | None
    delivery: Delivery | None
    steps: list[PublicCaseStep]
    rated: bool
