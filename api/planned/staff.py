"""Plans of workforce.graphql: SiteStaff."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select

from api.gql.context import AppContext
from api.gql.ids import global_id, parse_global_id
from api.gql.pagination import encode_cursor, page_args
from api.planned.common import TENANT as _TENANT
from network.access import can
from network.models import Site
from workforce.assignments import placing
from workforce.common import today
from workforce.models import Assignment, AssignmentKind, Post, SkillLevel, Staff

# --- SiteStaff (workforce.graphql) ------------------------------------------------------------

SITE_HERE = select(Site.id).where(
    Site.id == bindparam("site_id"), Site.tenant_id == bindparam("tenant_id")
)


@lru_cache(maxsize=4)
def placed_page(on: date) -> Select:
    """A page of the assignments that place people at a site on ``on``, with their person and
    the total (``workforce.assignments.assignments_on``), built once a day."""
    return (
        select(
            Assignment.id,
            Assignment.post,
            Assignment.kind,
            Assignment.start_date,
            Assignment.end_date,
            Staff.id.label("staff_id"),
            Staff.name,
            Staff.skill_level,
            func.count().over().label("total"),
        )
        .join(Staff, Staff.id == Assignment.staff_id)
        .where(
            Assignment.site_id == bindparam("site_id"),
            Assignment.tenant_id == _TENANT,
            Staff.tenant_id == _TENANT,
            placing(on, _TENANT),
        )
        .order_by(Assignment.post, Staff.name, Assignment.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


async def site_staff(ctx: AppContext, variables: dict[str, Any]) -> dict[str, Any] | None:
    parsed = parse_global_id(variables.get("siteId"))
    tenant_id = ctx.actor.tenant_id
    if parsed is None or parsed[0] != "Site" or tenant_id is None or ctx.auth_failed:
        return None
    site_id = parsed[1]
    raw_day = variables.get("on")
    on = date.fromisoformat(raw_day) if raw_day is not None else today()
    page = page_args(variables.get("first"), variables.get("after"), ctx.settings.page_cap)
    params = {"site_id": site_id, "tenant_id": tenant_id, "offset": page.offset}
    async with ctx.read() as session:
        if not await can(session, ctx.actor, "staff", "read", site_id):
            return None  # normal execution raises the named denial
    async with ctx.db.read_connection(tenant_id) as conn:
        if (await conn.execute(SITE_HERE, params)).first() is None:
            return None
        rows = (await conn.execute(placed_page(on), params | {"limit": page.limit})).all()
    if not rows:
        return None  # an empty page has no total: normal execution
    total = rows[0].total
    edges = [
        {
            "node": {
                "id": global_id("Assignment", row.id),
                "post": Post(row.post).name,
                "kind": AssignmentKind(row.kind).name,
                "startDate": row.start_date.isoformat(),
                "endDate": row.end_date.isoformat() if row.end_date else None,
                "staff": {
                    "id": global_id("Staff", row.staff_id),
                    "name": row.name,
                    "skillLevel": SkillLevel(row.skill_level).name if row.skill_level else None,
                },
            }
        }
        for row in rows
    ]
    return {
        "node": {
            "assignmentsOn": {
                "totalCount": total,
                "edges": edges,
                "pageInfo": {
                    "hasNextPage": page.offset + len(edges) < total,
                    "endCursor": encode_cursor(page.offset + len(edges) - 1),
                },
            }
        }
    }
