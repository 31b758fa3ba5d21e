"""The plan of Cases (casework.graphql): without a date range or a search (those step aside);
its ``totalCount`` is the maintained counts' (``casework.counts.total``), as the resolver's,
or counted when a deadline state is asked for."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.sql import Executable

from api.gql.context import AppContext
from api.gql.ids import global_id, parse_global_id
from api.gql.pagination import page_args
from api.planned.casework.common import (
    PAGE_COLUMNS,
    Deadlines,
    applicant_of,
    connection,
    day,
    matter_of,
    site_of,
)
from api.planned.common import TENANT as _TENANT
from api.planned.common import allowed, sites_of
from casework import deadlines
from casework.models import Case, CaseCount, CaseStatus
from network.models import SiteClosure

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
            "dueDate": day(row.due_date),
            "deadlineState": await clocks.state(row),
            "matter": matter_of(row),
            "site": site_of(row),
            "applicant": applicant_of(row),
        }
        for row in rows
    ]
    return {"cases": connection(nodes, total, page)}


def statements() -> Iterator[tuple[str, Executable]]:
    """Every statement this module runs, with a label (the tests check that each names the
    caller's county for every table it reads)."""
    yield "subtree", SUBTREE
    for within in (False, True):
        for by_status in (False, True):
            yield f"case total {within=} {by_status=}", case_total(within, by_status)
            for state in (None, *deadlines.DeadlineState):
                yield (
                    f"case page {within=} {by_status=} {state=}",
                    case_page(within, by_status, state),
                )
                if state is not None:
                    yield (
                        f"counted total {within=} {by_status=} {state=}",
                        counted_total(within, by_status, state),
                    )
