"""Plans of casework.graphql: WorkQueue, Cases and CaseDetail.

The rules are the casework's own: who is on duty and which departments an approver staffs
(``casework.people``, on the request's session), who may read a case
(``casework.reading.can_read_case``, on the session when the cheap checks do not already allow
it), the deadline state and the working days used (``casework.deadlines``, pure functions of a
case's columns, the county's calendar and today). What is planned here is the reading: one
statement for a page of cases with their site, one for a case with everything CaseDetail shows.

Cases is planned without a date range or a search (those step aside); its ``totalCount`` is
the maintained counts' (``casework.counts.total``), as the resolver's, or counted when a
deadline state is asked for.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Select, and_, bindparam, func, or_, select

from api.gql.context import AppContext
from api.gql.ids import global_id, parse_global_id
from api.gql.pagination import Page, encode_cursor, page_args
from api.planned.common import TENANT as _TENANT
from api.planned.common import allowed, sites_of
from casework import deadlines
from casework.calendar import CHINA, WorkingCalendar
from casework.models import (
    CalendarDay,
    Case,
    CaseCount,
    CaseEvent,
    CaseStatus,
    Rating,
    Window,
)
from casework.people import FRONT_DESK_POSTS, approver_departments, on_duty
from casework.policy import DEFAULT_CASEWORK_POLICY
from casework.queue import QUEUE_ORDER, queue_condition
from casework.reading import can_read_case
from casework.schema import clock
from network.models import Site, SiteClosure
from tenants.models import Tenant
from workforce.models import Post, Staff

# --- what every casework plan shares ----------------------------------------------------------

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
        calendar, soon = await self.county() if _running(row) else (CHINA, 0)
        state = deadlines.deadline_state(cast(Case, row), calendar, self.today, soon)
        return state.name if state is not None else None

    async def days_used(self, row: Any) -> int:
        calendar = (await self.county())[0] if _running(row) else CHINA
        return deadlines.working_days_used(cast(Case, row), calendar, self.today)


def _running(row: Any) -> bool:
    """Whether the case's deadline fields depend on the calendar (a running clock)."""
    return row.status is CaseStatus.ACCEPTED


def _day(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _connection(nodes: list[dict[str, Any]], total: int, page: Page) -> dict[str, Any]:
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


def _site(row: Any) -> dict[str, Any]:
    return {"id": global_id("Site", row.site_id), "name": row.site_name}


def _matter(row: Any) -> dict[str, Any]:
    return {"code": row.matter_code, "name": row.matter_name}


def _applicant(row: Any) -> dict[str, Any]:
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


# --- WorkQueue (casework.graphql) ---------------------------------------------------------------


@lru_cache(maxsize=2)
def queue_page(approver: bool) -> Select:
    """A page of the caller's work queue, earliest deadline first."""
    return (
        select(*PAGE_COLUMNS)
        .where(Case.tenant_id == _TENANT, queue_condition(approver))
        .order_by(*QUEUE_ORDER)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


@lru_cache(maxsize=2)
def queue_total(approver: bool) -> Select:
    """How many cases the caller's work queue holds."""
    return (
        select(func.count())
        .select_from(Case)
        .where(Case.tenant_id == _TENANT, queue_condition(approver))
    )


def _empty_queue() -> dict[str, Any]:
    """Nothing to act on: no staff record, not placed today, or not at a desk that acts."""
    return {
        "workQueue": {
            "totalCount": 0,
            "edges": [],
            "pageInfo": {"hasNextPage": False, "endCursor": None},
        }
    }


async def work_queue(ctx: AppContext, variables: dict[str, Any]) -> dict[str, Any] | None:
    actor = ctx.actor
    tenant_id = actor.tenant_id
    if tenant_id is None or actor.is_anonymous or ctx.auth_failed:
        return None
    page = page_args(variables.get("first"), variables.get("after"), ctx.settings.page_cap)
    today = clock.today()
    async with ctx.read() as session:
        duty = await on_duty(session, actor, today)
        if duty is None:
            return _empty_queue()
        approver = duty.placement.post is Post.APPROVAL
        if not approver and duty.placement.post not in FRONT_DESK_POSTS:
            return _empty_queue()
        departments = await approver_departments(session, duty) if approver else []
    params = {
        "tenant_id": tenant_id,
        "me": duty.staff.id,
        "site_id": duty.placement.site_id,
        "offset": page.offset,
        "limit": page.limit,
    }
    if approver:
        params["departments"] = departments
    async with ctx.connection(tenant_id) as conn:
        rows = (await conn.execute(queue_page(approver), params)).all()
        if len(rows) == page.limit or (not rows and page.offset):
            total = (await conn.execute(queue_total(approver), params)).scalar_one()
        else:  # a page that is not full ends the queue: it says how many there are
            total = page.offset + len(rows)
    if any(row.site_name is None for row in rows):
        return None
    clocks = Deadlines(ctx, tenant_id)
    nodes = [
        {
            "id": global_id("Case", row.id),
            "number": row.number,
            "status": CaseStatus(row.status).name,
            "dueDate": _day(row.due_date),
            "deadlineState": await clocks.state(row),
            "matter": _matter(row),
            "site": _site(row),
        }
        for row in rows
    ]
    return {"workQueue": _connection(nodes, total, page)}


# --- Cases (casework.graphql) -------------------------------------------------------------------

SUBTREE = select(SiteClosure.descendant_id).where(
    SiteClosure.ancestor_id == bindparam("site_id"), SiteClosure.tenant_id == _TENANT
)
_WITHIN = bindparam("within", expanding=True)
_STATUSES = bindparam("statuses", expanding=True)
_TODAY = bindparam("today")
_SOON_UNTIL = bindparam("soon_until")


def _filters(model: Any, within: bool, by_status: bool) -> list[Any]:
    conditions: list[Any] = [model.tenant_id == _TENANT]
    if within:
        # a list, not a subquery (``casework.scopes.in_sites``): PostgreSQL combines indexes
        conditions.append(or_(model.site_id.in_(_WITHIN), model.processing_site_id.in_(_WITHIN)))
    if by_status:
        conditions.append(model.status.in_(_STATUSES))
    return conditions


@lru_cache(maxsize=4)
def case_total(within: bool, by_status: bool) -> Select:
    """The maintained total of the cases of a subtree and statuses (``casework.counts.total``)."""
    return select(func.coalesce(func.sum(CaseCount.cases), 0)).where(
        *_filters(CaseCount, within, by_status)
    )


def _case_filters(
    within: bool, by_status: bool, state: deadlines.DeadlineState | None
) -> list[Any]:
    conditions = _filters(Case, within, by_status)
    if state is not None:
        conditions.append(deadlines.state_clause(state, _TODAY, _SOON_UNTIL))
    return conditions


@lru_cache(maxsize=32)
def counted_total(within: bool, by_status: bool, state: deadlines.DeadlineState) -> Select:
    """How many cases of a subtree and statuses are in a deadline state today: counted (a
    state moves with the calendar, the maintained counts do not know it)."""
    return select(func.count()).select_from(Case).where(*_case_filters(within, by_status, state))


@lru_cache(maxsize=32)
def case_page(
    within: bool, by_status: bool, state: deadlines.DeadlineState | None = None
) -> Select:
    """A page of the case list, newest first (``casework.reading.list_cases``)."""
    return (
        select(
            *PAGE_COLUMNS,
            Case.accepted_at,
            Case.applicant_kind,
            Case.applicant_name,
            Case.applicant_id_masked,
        )
        .where(*_case_filters(within, by_status, state))
        .order_by(Case.accepted_at.desc(), Case.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


def _statuses(value: Any) -> list[CaseStatus]:
    names = [value] if isinstance(value, str) else list(value or [])
    return sorted({CaseStatus[name] for name in names}, key=lambda s: s.value)


async def cases(ctx: AppContext, variables: dict[str, Any]) -> dict[str, Any] | None:
    actor = ctx.actor
    tenant_id = actor.tenant_id
    if tenant_id is None or actor.is_anonymous or ctx.auth_failed:
        return None
    if variables.get("from") is not None or variables.get("to") is not None:
        return None  # normal execution
    if (variables.get("search") or "").strip():
        return None
    state_name = variables.get("deadlineState")
    if state_name is not None and state_name not in deadlines.DeadlineState.__members__:
        return None  # not a state: normal execution names the error
    state = deadlines.DeadlineState[state_name] if state_name is not None else None
    page = page_args(variables.get("first"), variables.get("after"), ctx.settings.page_cap)
    statuses = _statuses(variables.get("status"))
    params: dict[str, Any] = {"tenant_id": tenant_id, "site_id": None}
    if variables.get("siteId") is not None:
        parsed = parse_global_id(variables["siteId"])
        if parsed is None or parsed[0] != "Site":
            return None
        params["site_id"] = parsed[1]
    ancestors = await sites_of(ctx, params["site_id"])
    if not await allowed(ctx, "case", "read", ancestors):
        return None  # no such site, or not allowed: normal execution names the error
    within: list[uuid.UUID] | None = None
    if len(ancestors) > 1:  # below the county centre (``casework.scopes.sites_within``)
        async with ctx.connection(tenant_id) as conn:
            within = list((await conn.execute(SUBTREE, params)).scalars())
    params |= {"within": within, "statuses": statuses}
    params |= {"offset": page.offset, "limit": page.limit}
    by_status = bool(statuses)
    clocks = Deadlines(ctx, tenant_id)
    if state is None:
        total_statement = case_total(within is not None, by_status)
    else:
        calendar, soon = await clocks.county()
        params |= {
            "today": clocks.today,
            "soon_until": calendar.add_working_days(clocks.today, soon),
        }
        total_statement = counted_total(within is not None, by_status, state)
    async with ctx.connection(tenant_id) as conn:
        total = int((await conn.execute(total_statement, params)).scalar() or 0)
        rows = (await conn.execute(case_page(within is not None, by_status, state), params)).all()
    if any(row.site_name is None for row in rows):
        return None
    nodes = [
        {
            "id": global_id("Case", row.id),
            "number": row.number,
            "status": CaseStatus(row.status).name,
            "acceptedAt": row.accepted_at.isoformat(),
            "dueDate": _day(row.due_date),
            "deadlineState": await clocks.state(row),
            "matter": _matter(row),
            "site": _site(row),
            "applicant": _applicant(row),
        }
        for row in rows
    ]
    return {"cases": _connection(nodes, total, page)}


# --- CaseDetail (casework.graphql) --------------------------------------------------------------


def _name_of(column: Any) -> Any:
    """The name of the person a column of the case names (null when none)."""
    return (
        select(Staff.name).where(Staff.id == column, Staff.tenant_id == _TENANT).scalar_subquery()
    )


CASE = (
    select(
        *PAGE_COLUMNS,
        Case.handling_kind,
        Case.channel,
        Case.window_id,
        Window.number.label("window_number"),
        Case.applicant_kind,
        Case.applicant_name,
        Case.applicant_id_masked,
        Case.accepted_at,
        Case.accepted_by_id,
        _name_of(Case.accepted_by_id).label("accepted_by_name"),
        Case.decided_at,
        Case.decided_by_id,
        _name_of(Case.decided_by_id).label("decided_by_name"),
        Case.opinion,
        Case.issued_at,
        Case.issued_by_id,
        _name_of(Case.issued_by_id).label("issued_by_name"),
        Case.delivery,
        Case.stopped_on,
        Case.deferred,
        Case.first_receiver_id,
        Case.processing_site_id,
        Rating.level.label("rating_level"),
        Rating.comment.label("rating_comment"),
        Rating.rated_at,
    )
    .outerjoin(Window, and_(Window.id == Case.window_id, Window.tenant_id == _TENANT))
    .outerjoin(Rating, and_(Rating.case_id == Case.id, Rating.tenant_id == _TENANT))
    .where(Case.id == bindparam("case_id"), Case.tenant_id == _TENANT)
)
# Where a reader's roles may allow ``case:read``: the case's site, its processing site and
# their ancestors (``casework.reading.can_read_case``).
CASE_SITES = select(SiteClosure.ancestor_id).where(
    SiteClosure.descendant_id.in_(bindparam("sites", expanding=True)),
    SiteClosure.tenant_id == _TENANT,
)
EVENTS = (
    select(
        CaseEvent.at,
        CaseEvent.kind,
        CaseEvent.actor_staff_id,
        Staff.name.label("actor_name"),
        CaseEvent.note,
    )
    .outerjoin(Staff, and_(Staff.id == CaseEvent.actor_staff_id, Staff.tenant_id == _TENANT))
    .where(CaseEvent.case_id == bindparam("case_id"), CaseEvent.tenant_id == _TENANT)
    .order_by(CaseEvent.step)
)


def _person(staff_id: uuid.UUID | None, name: str | None) -> dict[str, Any] | None:
    return {"id": global_id("Staff", staff_id), "name": name} if name is not None else None


def _people_of(row: Any) -> Sequence[uuid.UUID | None]:
    return (row.first_receiver_id, row.accepted_by_id, row.decided_by_id, row.issued_by_id)


async def _readable(ctx: AppContext, row: Any, case_id: uuid.UUID) -> bool:
    """``casework.reading.can_read_case``: the people of the case and the county-wide or
    site-wide readers here; anyone else (on duty at its front desk or back office) by the rule
    itself, on the request's session."""
    actor = ctx.actor
    if actor.staff_id is not None and actor.staff_id in _people_of(row):
        return True
    tenant_id = actor.tenant_id
    params = {"tenant_id": tenant_id, "sites": [row.site_id, row.processing_site_id]}
    async with ctx.connection(tenant_id) as conn:
        sites = sorted(set((await conn.execute(CASE_SITES, params)).scalars()))
    if await allowed(ctx, "case", "read", sites):
        return True
    async with ctx.read() as session:
        record = await session.get(Case, case_id)
        return record is not None and await can_read_case(session, actor, record, clock.today())


async def case_detail(ctx: AppContext, variables: dict[str, Any]) -> dict[str, Any] | None:
    parsed = parse_global_id(variables.get("id"))
    actor = ctx.actor
    tenant_id = actor.tenant_id
    if parsed is None or parsed[0] != "Case" or ctx.auth_failed:
        return None
    if tenant_id is None or actor.is_anonymous:
        return None
    case_id = parsed[1]
    params = {"case_id": case_id, "tenant_id": tenant_id}
    async with ctx.connection(tenant_id) as conn:
        row = (await conn.execute(CASE, params)).first()
    if row is None or row.site_name is None:
        return None  # no such case here: normal execution answers null
    if not await _readable(ctx, row, case_id):
        return None  # normal execution raises the named denial
    async with ctx.connection(tenant_id) as conn:
        events = (await conn.execute(EVENTS, params)).all()
    clocks = Deadlines(ctx, tenant_id)
    rating = (
        {
            "level": row.rating_level.name,
            "comment": row.rating_comment,
            "ratedAt": row.rated_at.isoformat(),
        }
        if row.rating_level is not None
        else None
    )
    return {
        "node": {
            "id": global_id("Case", row.id),
            "number": row.number,
            "status": CaseStatus(row.status).name,
            "handlingKind": row.handling_kind.name,
            "channel": row.channel.name,
            "matter": _matter(row),
            "site": _site(row),
            "window": {"id": global_id("Window", row.window_id), "number": row.window_number}
            if row.window_number is not None
            else None,
            "applicant": _applicant(row),
            "acceptedAt": row.accepted_at.isoformat(),
            "acceptedBy": _person(row.accepted_by_id, row.accepted_by_name),
            "decidedAt": _day(row.decided_at),
            "decidedBy": _person(row.decided_by_id, row.decided_by_name),
            "opinion": row.opinion,
            "issuedAt": _day(row.issued_at),
            "issuedBy": _person(row.issued_by_id, row.issued_by_name),
            "delivery": row.delivery.name if row.delivery is not None else None,
            "dueDate": _day(row.due_date),
            "workingDaysUsed": await clocks.days_used(row),
            "clockStopped": row.stopped_on is not None,
            "deadlineState": await clocks.state(row),
            "deferredMaterials": list(row.deferred or []),
            "events": [
                {
                    "at": event.at.isoformat(),
                    "kind": event.kind.name,
                    "actor": _person(event.actor_staff_id, event.actor_name),
                    "note": event.note,
                }
                for event in events
            ],
            "rating": rating,
        }
    }
