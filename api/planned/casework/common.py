"""What the casework plans share: the county's calendar for the deadline fields, a page's
columns and the pieces of an answer."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.sql import Executable

from api.gql.context import AppContext
from api.gql.ids import global_id
from api.gql.pagination import Page, encode_cursor
from api.planned.common import TENANT as _TENANT
from casework import deadlines
from casework.calendar import CHINA, WorkingCalendar
from casework.models import CalendarDay, Case, CaseStatus
from casework.policy import DEFAULT_CASEWORK_POLICY
from casework.schema import clock
from network.models import Site
from tenants.models import Tenant

# The county's own calendar days and its settings (``casework.deadlines.county_calendar``,
# ``casework.policy.casework_policy``): read only when a case shown needs them.
CALENDAR_DAYS = select(CalendarDay.day, CalendarDay.working).where(CalendarDay.tenant_id == _TENANT)
COUNTY_SETTINGS = select(Tenant.settings).where(Tenant.id == _TENANT)


class Deadlines:
    """``deadlineState`` and ``workingDaysUsed`` of the cases of one answer, on today's date
    and the county's calendar, read at most once and only for a case whose state needs it (a
    running one: the others' states are their columns')."""

    def __init__(self, ctx: AppContext, tenant_id: uuid.UUID) -> None:
        self.ctx = ctx
        self.tenant_id = tenant_id
        self.today = clock.today()
        self._calendar: tuple[WorkingCalendar, int] | None = None

    async def county(self) -> tuple[WorkingCalendar, int]:
        if self._calendar is None:
            params = {"tenant_id": self.tenant_id}
            async with self.ctx.connection(self.tenant_id) as conn:
                days = (await conn.execute(CALENDAR_DAYS, params)).all()
                settings = (await conn.execute(COUNTY_SETTINGS, params)).scalar()
            calendar = (
                WorkingCalendar(
                    extra_closed=[day for day, working in days if not working],
                    extra_working=[day for day, working in days if working],
                )
                if days
                else CHINA
            )
            policy = DEFAULT_CASEWORK_POLICY | ((settings or {}).get("casework") or {})
            self._calendar = calendar, int(policy["due_soon_working_days"])
        return self._calendar

    async def state(self, row: Any) -> str | None:
        # The rules read a case's columns only: a row of them stands for the case.
        calendar, soon = await self.county() if running(row) else (CHINA, 0)
        state = deadlines.deadline_state(cast(Case, row), calendar, self.today, soon)
        return state.name if state is not None else None

    async def days_used(self, row: Any) -> int:
        calendar = (await self.county())[0] if running(row) else CHINA
        return deadlines.working_days_used(cast(Case, row), calendar, self.today)


def running(row: Any) -> bool:
    """Whether the case's deadline fields depend on the calendar (a running clock)."""
    return row.status is CaseStatus.ACCEPTED


def day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def connection(nodes: list[dict[str, Any]], total: int, page: Page) -> dict[str, Any]:
    """A connection as ``api.gql.pagination.connection`` builds it, with what the documents
    ask: the total, the nodes, whether there is more and the last cursor."""
    return {
        "totalCount": total,
        "edges": [{"node": node} for node in nodes],
        "pageInfo": {
            "hasNextPage": page.offset + len(nodes) < total,
            "endCursor": encode_cursor(page.offset + len(nodes) - 1) if nodes else None,
        },
    }


def site_of(row: Any) -> dict[str, Any]:
    return {"id": global_id("Site", row.site_id), "name": row.site_name}


def matter_of(row: Any) -> dict[str, Any]:
    return {"code": row.matter_code, "name": row.matter_name}


def applicant_of(row: Any) -> dict[str, Any]:
    """The applicant as shown: the number only masked."""
    return {
        "kind": row.applicant_kind.name,
        "name": row.applicant_name,
        "maskedIdNumber": row.applicant_id_masked,
    }


# The columns the deadline rules read, and a page's (the site's name is looked up for the
# rows shown only: PostgreSQL evaluates a scalar subquery of the select list after the limit).
DEADLINE_COLUMNS = (
    Case.status,
    Case.decided_on,
    Case.due_date,
    Case.days_used,
    Case.clock_started_on,
)
SITE_NAME = (
    select(Site.name)
    .where(Site.id == Case.site_id, Site.tenant_id == _TENANT)
    .scalar_subquery()
    .label("site_name")
)
PAGE_COLUMNS = (
    Case.id,
    Case.number,
    *DEADLINE_COLUMNS,
    Case.matter_code,
    Case.matter_name,
    Case.site_id,
    SITE_NAME,
)


def statements() -> Iterator[tuple[str, Executable]]:
    """Every statement this module runs, with a label (the tests check that each names the
    caller's county for every table it reads)."""
    yield "calendar days", CALENDAR_DAYS
    yield "county settings", COUNTY_SETTINGS
