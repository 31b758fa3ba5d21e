"""The plan of WorkQueue (casework.graphql): the rule is ``casework.queue``."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.sql import Executable

from api.gql.context import AppContext
from api.gql.ids import global_id
from api.gql.pagination import page_args
from api.planned.casework.common import PAGE_COLUMNS, Deadlines, connection, day, matter_of, site_of
from api.planned.common import TENANT as _TENANT
from casework.models import Case, CaseStatus
from casework.people import FRONT_DESK_POSTS, departments_staffed, placed_today
from casework.queue import QUEUE_ORDER, queue_condition
from casework.schema import clock
from workforce.models import Post


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
    if actor.staff_id is None:
        return _empty_queue()
    async with ctx.read() as session:
        # ``casework.people.on_duty`` and ``approver_departments``, as columns
        placed = await placed_today(session, tenant_id, actor.staff_id, today)
        if placed is None:
            return _empty_queue()
        approver = placed.post is Post.APPROVAL
        if not approver and placed.post not in FRONT_DESK_POSTS:
            return _empty_queue()
        departments = await departments_staffed(session, tenant_id, placed) if approver else []
    params = {
        "tenant_id": tenant_id,
        "me": actor.staff_id,
        "site_id": placed.site_id,
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
            "dueDate": day(row.due_date),
            "deadlineState": await clocks.state(row),
            "matter": matter_of(row),
            "site": site_of(row),
        }
        for row in rows
    ]
    return {"workQueue": connection(nodes, total, page)}


def statements() -> Iterator[tuple[str, Executable]]:
    """Every statement this module runs, with a label (the tests check that each names the
    caller's county for every table it reads)."""
    for approver in (False, True):
        yield f"work queue {approver=}", queue_page(approver)
        yield f"work queue total {approver=}", queue_total(approver)
