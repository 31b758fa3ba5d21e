"""GraphQL of the county's calendar (``calendarDays``, ``setCalendarDay``,
``removeCalendarDay``) and of the deadline alerts (``deadlineAlerts``)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.errors import UserErrorType, mutate
from api.gql.pagination import Connection, connection, page_args
from casework import alerts, county_calendar
from casework.models import CalendarDay, DeadlineAlert
from casework.schema.loaders import case_loader
from casework.schema.types import CaseType
from network.schema import SiteType, site_of
from workforce.common import require_date_in_range
from workforce.schema.types import StaffType, staff_of


@strawberry.type(name="CalendarDay", description="本县对国家工作日历的调整:停止办公日或补班日")
class CalendarDayType:
    day: date
    working: bool = strawberry.field(description="true:补班(工作日);false:停止办公")
    reason: str

    @classmethod
    def from_row(cls, row: CalendarDay) -> CalendarDayType:
        return cls(day=row.day, working=row.working, reason=row.reason)


@strawberry.type(name="DeadlineAlert", description="限时办结预警:即将到期或已超期的办件")
class DeadlineAlertType:
    state: str = strawberry.field(description="DUE_SOON 或 OVERDUE")
    due_date: date
    recipient: str = strawberry.field(description="MANAGER(场所负责人)或 SUPERVISOR(效能办)")
    alerted_on: date
    row: strawberry.Private[DeadlineAlert]

    @classmethod
    def from_row(cls, row: DeadlineAlert) -> DeadlineAlertType:
        return cls(
            state=row.state,
            due_date=row.due_date,
            recipient=row.recipient.value,
            alerted_on=row.alerted_on,
            row=row,
        )

    @strawberry.field
    async def case(self, info: Info) -> CaseType | None:
        row = await case_loader(app_context(info)).load(self.row.case_id)
        return CaseType.from_row(row) if row is not None else None

    @strawberry.field
    async def site(self, info: Info) -> SiteType | None:
        return await site_of(info, self.row.site_id)

    @strawberry.field(description="被提醒的负责人")
    async def recipient_staff(self, info: Info) -> StaffType | None:
        return await staff_of(info, self.row.recipient_staff_id)


@strawberry.input
class SetCalendarDayInput:
    day: date
    working: bool
    reason: str


@strawberry.input
class RemoveCalendarDayInput:
    day: date


@strawberry.type
class CalendarDayPayload:
    calendar_day: CalendarDayType | None
    user_errors: list[UserErrorType]


@strawberry.type
class RemoveCalendarDayPayload:
    day: date | None
    user_errors: list[UserErrorType]


@strawberry.type
class CalendarQuery:
    @strawberry.field(description="本县对工作日历的调整(from–to)")
    async def calendar_days(
        self, info: Info, from_: Annotated[date, strawberry.argument(name="from")], to: date
    ) -> list[CalendarDayType]:
        ctx = app_context(info)
        ctx.require_actor()
        ctx.tenant_id()
        require_date_in_range(from_, "from")
        require_date_in_range(to, "to")
        async with ctx.read() as session:
            rows = await county_calendar.calendar_days(session, from_, to)
        return [CalendarDayType.from_row(r) for r in rows]

    @strawberry.field(description="我的限时办结预警:作为场所负责人收到的,及可读场所的效能办预警")
    async def deadline_alerts(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[DeadlineAlertType]:
        ctx = app_context(info)
        actor = ctx.require_actor()
        ctx.tenant_id()
        page = page_args(first, after, ctx.settings.page_cap)
        async with ctx.read() as session:
            rows, total = await alerts.alerts_for(
                session, actor, offset=page.offset, limit=page.limit
            )
        return connection(rows, total, page, DeadlineAlertType.from_row)


@strawberry.type
class CalendarMutation:
    @strawberry.mutation(
        description="本县工作日历调整(县管理办):停止办公日或补班日;在办件期限随之重算"
    )
    async def set_calendar_day(self, info: Info, input: SetCalendarDayInput) -> CalendarDayPayload:
        async def change(session, actor):
            row = await county_calendar.set_calendar_day(
                session, actor, input.day, input.working, input.reason
            )
            return CalendarDayType.from_row(row)

        day, errors = await mutate(info, change)
        return CalendarDayPayload(calendar_day=day, user_errors=errors)

    @strawberry.mutation(description="撤销本县对某日的调整")
    async def remove_calendar_day(
        self, info: Info, input: RemoveCalendarDayInput
    ) -> RemoveCalendarDayPayload:
        async def change(session, actor):
            return await county_calendar.remove_calendar_day(session, actor, input.day)

        day, errors = await mutate(info, change)
        return RemoveCalendarDayPayload(day=day, user_errors=errors)
