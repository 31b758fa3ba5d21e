"""GraphQL of 预约: the public slots and booking (``publicAppointmentSlots``,
``bookAppointment``, ``cancelAppointment``) and a site's appointments for its front desk
(``appointments``); check-in is ``acceptCase`` with ``appointmentId``."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.gql.context import AppContext, app_context
from api.gql.errors import UserErrorType, run_change
from api.gql.ids import input_id, query_id
from api.gql.nodes import register_node
from authz.errors import BadRequest
from casework import appointments
from casework.appointments import utc
from casework.models import Appointment
from casework.schema import clock
from casework.schema.enums import AppointmentStatus
from catalog.public import open_county
from catalog.schema.types import MatterRefType
from network.models import Site
from network.schema import SiteType, site_of
from tenants.errors import UserErrors
from workforce.personal import cipher_for


@strawberry.type(name="AppointmentSlot", description="预约时段")
class AppointmentSlotType:
    start: datetime
    end: datetime
    free: int = strawberry.field(description="剩余可约人数")


@strawberry.type(name="PublicAppointment", description="预约凭证(申请人所见)")
class PublicAppointmentType:
    number: str
    start: datetime
    end: datetime
    status: AppointmentStatus
    site_name: str
    matter_name: str


@strawberry.type(name="Appointment", description="预约(窗口所见):签到时以其 ID 受理")
class AppointmentType(relay.Node):
    id: relay.NodeID[str]
    number: str
    start: datetime
    end: datetime
    status: AppointmentStatus
    name: str
    masked_phone: str
    row: strawberry.Private[Appointment]

    @classmethod
    def from_row(cls, row: Appointment) -> AppointmentType:
        return cls(
            id=str(row.id),
            number=row.number,
            start=utc(row.start),
            end=utc(row.end),
            status=row.status,
            name=row.name,
            masked_phone=row.phone_masked,
            row=row,
        )

    @strawberry.field
    def matter(self) -> MatterRefType:
        return MatterRefType(code=self.row.matter_code, name=self.row.matter_name)

    @strawberry.field
    async def site(self, info: Info) -> SiteType | None:
        return await site_of(info, self.row.site_id)


@strawberry.input
class BookAppointmentInput:
    tenant: str
    site_id: strawberry.ID
    matter_code: str
    start: datetime = strawberry.field(description="所选时段的开始时间")
    name: str
    phone: str


@strawberry.input
class CancelAppointmentInput:
    tenant: str
    number: str
    phone: str = strawberry.field(description="预约时的手机号")


@strawberry.type
class BookAppointmentPayload:
    appointment: PublicAppointmentType | None
    user_errors: list[UserErrorType]


async def _public(session, row: Appointment) -> PublicAppointmentType:
    site = await session.get(Site, row.site_id)
    return PublicAppointmentType(
        number=row.number,
        start=utc(row.start),
        end=utc(row.end),
        status=row.status,
        site_name=site.official_name if site else "",
        matter_name=row.matter_name,
    )


async def _public_change(info: Info, tenant: str, change) -> BookAppointmentPayload:
    ctx = app_context(info)
    try:
        tenant_id, _known = await open_county(ctx.db, tenant)
    except BadRequest as exc:
        error = UserErrorType(field="tenant", code="NOT_FOUND", message=str(exc))
        return BookAppointmentPayload(appointment=None, user_errors=[error])
    done, errors = await run_change(lambda: ctx.db.transaction(tenant_id), change)
    return BookAppointmentPayload(appointment=done, user_errors=errors)


async def _appointment_node(ctx: AppContext, object_id: uuid.UUID) -> AppointmentType | None:
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await appointments.readable_appointment(session, actor, object_id, clock.today())
    return AppointmentType.from_row(row) if row is not None else None


register_node("Appointment", _appointment_node)


@strawberry.type
class AppointmentQuery:
    @strawberry.field(description="预约时段(公开):某场所某事项某日的时段及剩余名额")
    async def public_appointment_slots(
        self, info: Info, tenant: str, site_id: strawberry.ID, matter_code: str, date: date
    ) -> list[AppointmentSlotType]:
        ctx = app_context(info)
        tenant_id, known = await open_county(ctx.db, tenant)
        ctx.counters[tenant_id] = known
        site = query_id(site_id, "Site", "siteId")
        async with ctx.read(tenant_id) as session:
            try:
                slots = await appointments.free_slots(session, site, matter_code, date, clock.now())
            except UserErrors as refused:
                raise BadRequest(refused.errors[0].message, "NOT_FOUND") from refused
        return [AppointmentSlotType(start=s.start, end=s.end, free=s.free) for s in slots]

    @strawberry.field(description="场所某日的预约(前台签到用)")
    async def appointments(
        self, info: Info, site_id: strawberry.ID, date: date
    ) -> list[AppointmentType]:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()
        site = query_id(site_id, "Site", "siteId")
        async with ctx.read() as session:
            try:
                rows = await appointments.site_appointments(
                    session, actor, site, date, clock.today()
                )
            except UserErrors as refused:
                raise BadRequest(refused.errors[0].message, "NOT_FOUND") from refused
        return [AppointmentType.from_row(r) for r in rows]


@strawberry.type
class AppointmentMutation:
    @strawberry.mutation(description="预约(公开):姓名和手机号,无需登录;时段约满即拒绝")
    async def book_appointment(
        self, info: Info, input: BookAppointmentInput
    ) -> BookAppointmentPayload:
        cipher = cipher_for(app_context(info).settings.secret_key)

        async def change(session):
            row = await appointments.book(
                session,
                cipher,
                site_id=input_id(input.site_id, "Site", "siteId"),
                matter_code=input.matter_code,
                start=input.start,
                name=input.name,
                phone=input.phone,
                now=clock.now(),
            )
            return await _public(session, row)

        return await _public_change(info, input.tenant, change)

    @strawberry.mutation(description="取消预约(公开):预约号和预约时的手机号")
    async def cancel_appointment(
        self, info: Info, input: CancelAppointmentInput
    ) -> BookAppointmentPayload:
        cipher = cipher_for(app_context(info).settings.secret_key)

        async def change(session):
            row = await appointments.cancel(session, cipher, input.number, input.phone, clock.now())
            return await _public(session, row)

        return await _public_change(info, input.tenant, change)
