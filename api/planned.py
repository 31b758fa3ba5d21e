"""The planned path for trusted documents (``api.gql.trusted``): an operation the first-party
clients ship is answered by a plan written for it — its SQL built once, run on one connection,
its answer assembled in the selection's order — instead of by resolving it field by field.

A plan is exact or it steps aside (returns None): anything it was not written for (another
type behind the id, a missing object, a caller who is not a county user, any error) goes to
normal execution, which then produces the answer or the proper error. Parsing, validation and
the request limits have run before (they are cached per query text). ``tests/api/
test_planned.py`` proves, for every plan, every role and a randomized county, that the planned
answer equals normal execution's byte for byte.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import aliased
from strawberry.extensions import SchemaExtension

from api.gql.context import AppContext
from api.gql.ids import global_id, parse_global_id
from api.gql.pagination import encode_cursor, page_args
from api.gql.trusted import shipped
from api.lru import LRU
from graphql import ExecutionResult
from network.access import can
from network.models import Site, SiteClosure, SiteLevel
from workforce.assignments import counted, placing
from workforce.common import today
from workforce.models import Assignment, AssignmentKind, Post, SkillLevel, Staff

log = logging.getLogger("onewindow.planned")
Plan = Callable[[AppContext, dict[str, Any]], Awaitable[dict[str, Any] | None]]


# --- SiteDetail (network.graphql) -------------------------------------------------------------

# The site and its ancestors, county centre first (the site itself last, at depth 0). The tenant
# is named in the statement: a read connection has row-level security but no ORM filter.
_CHAIN = (
    select(
        Site.id,
        Site.name,
        Site.official_name,
        Site.level,
        Site.division_code,
        Site.address,
        Site.lat,
        Site.lng,
        Site.parent_id,
        SiteClosure.depth,
    )
    .join(SiteClosure, SiteClosure.ancestor_id == Site.id)
    .where(
        SiteClosure.descendant_id == bindparam("site_id"),
        SiteClosure.tenant_id == bindparam("tenant_id"),
        Site.tenant_id == bindparam("tenant_id"),
    )
    .order_by(SiteClosure.depth.desc())
)


_TENANT = bindparam("tenant_id")


@lru_cache(maxsize=4)
def _staff_count(on: date) -> Select[tuple[int]]:
    """在岗人数 at one site on ``on`` (as ``workforce.assignments.staff_counts``), built once a
    day: ``placing`` is a condition of its day."""
    return (
        select(func.count(func.distinct(Assignment.staff_id)))
        .join(Staff, Staff.id == Assignment.staff_id)
        .where(
            Assignment.site_id == bindparam("site_id"),
            Assignment.tenant_id == bindparam("tenant_id"),
            Staff.tenant_id == bindparam("tenant_id"),
            placing(on, _TENANT),
            counted(),
        )
    )


def _brief(row: Any) -> dict[str, Any]:
    return {"id": global_id("Site", row.id), "name": row.name, "level": SiteLevel(row.level).name}


async def site_detail(ctx: AppContext, variables: dict[str, Any]) -> dict[str, Any] | None:
    parsed = parse_global_id(variables.get("id"))
    if parsed is None or parsed[0] != "Site" or ctx.auth_failed:
        return None
    tenant_id = ctx.actor.tenant_id
    if tenant_id is None or ctx.actor.is_anonymous:
        return None
    site_id = parsed[1]
    params = {"site_id": site_id, "tenant_id": tenant_id}
    async with ctx.db.read_connection(tenant_id) as conn:
        chain = (await conn.execute(_CHAIN, params)).all()
        if not chain or chain[-1].id != site_id:
            return None  # no such site here: normal execution answers null
        staff = (await conn.execute(_staff_count(today()), params)).scalar_one()
    site, ancestors = chain[-1], chain[:-1]
    parent = next((a for a in ancestors if a.id == site.parent_id), None)
    if (parent is None) != (site.parent_id is None):
        return None
    location = (
        {"lat": float(site.lat), "lng": float(site.lng)}
        if site.lat is not None and site.lng is not None
        else None
    )
    return {
        "node": {
            "id": global_id("Site", site.id),
            "name": site.name,
            "officialName": site.official_name,
            "level": SiteLevel(site.level).name,
            "divisionCode": site.division_code,
            "address": site.address,
            "location": location,
            "parent": _brief(parent) if parent is not None else None,
            "ancestors": [_brief(a) for a in ancestors],
            "staffCount": staff,
        }
    }


# --- SiteChildren (network.graphql) -----------------------------------------------------------

_CHILDREN = aliased(Site)
_CHILD_COUNT = (
    select(func.count())
    .where(_CHILDREN.parent_id == Site.id, _CHILDREN.tenant_id == bindparam("tenant_id"))
    .correlate(Site)
    .scalar_subquery()
)


@lru_cache(maxsize=4)
def _site_page(by_parent: bool, by_level: bool) -> Select:
    """A page of sites as ``network.service.list_sites`` orders them, each with its child
    count; one statement per combination of filters, built once."""
    conditions = [Site.tenant_id == bindparam("tenant_id")]
    if by_parent:
        conditions.append(Site.parent_id == bindparam("parent_id"))
    if by_level:
        conditions.append(Site.level == bindparam("level"))
    return (
        select(
            Site.id,
            Site.name,
            Site.official_name,
            Site.level,
            Site.division_code,
            _CHILD_COUNT.label("child_count"),
            func.count().over().label("total"),
        )
        .where(*conditions)
        .order_by(Site.depth, Site.division_code, Site.name, Site.id)
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


async def site_children(ctx: AppContext, variables: dict[str, Any]) -> dict[str, Any] | None:
    tenant_id = ctx.actor.tenant_id
    if tenant_id is None or ctx.actor.is_anonymous or ctx.auth_failed:
        return None
    params: dict[str, Any] = {"tenant_id": tenant_id}
    parent = variables.get("parentId")
    if parent is not None:
        parsed = parse_global_id(parent)
        if parsed is None or parsed[0] != "Site":
            return None
        params["parent_id"] = parsed[1]
    level = variables.get("level")
    if level is not None:
        params["level"] = SiteLevel[level]
    page = page_args(variables.get("first"), variables.get("after"), ctx.settings.page_cap)
    params |= {"offset": page.offset, "limit": page.limit}
    statement = _site_page(parent is not None, level is not None)
    async with ctx.db.read_connection(tenant_id) as conn:
        rows = (await conn.execute(statement, params)).all()
    if not rows:
        return None  # an empty page (past the end, first: 0) has no total: normal execution
    total = rows[0].total
    edges = [
        {
            "cursor": encode_cursor(page.offset + i),
            "node": {
                "id": global_id("Site", row.id),
                "name": row.name,
                "officialName": row.official_name,
                "level": SiteLevel(row.level).name,
                "divisionCode": row.division_code,
                "childCount": row.child_count,
            },
        }
        for i, row in enumerate(rows)
    ]
    return {
        "sites": {
            "totalCount": total,
            "edges": edges,
            "pageInfo": {
                "hasNextPage": page.offset + len(edges) < total,
                "endCursor": edges[-1]["cursor"],
            },
        }
    }


# --- SiteStaff (workforce.graphql) ------------------------------------------------------------

_SITE_HERE = select(Site.id).where(
    Site.id == bindparam("site_id"), Site.tenant_id == bindparam("tenant_id")
)


@lru_cache(maxsize=4)
def _placed_page(on: date) -> Select:
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
        if (await conn.execute(_SITE_HERE, params)).first() is None:
            return None
        rows = (await conn.execute(_placed_page(on), params | {"limit": page.limit})).all()
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


PLANS: dict[str, Plan] = {
    "workforce.graphql:SiteStaff": site_staff,
    "network.graphql:SiteDetail": site_detail,
    "network.graphql:SiteChildren": site_children,
}


class PlannedDocuments(SchemaExtension):
    """Answers a trusted query that has a plan from the plan (see the module docstring)."""

    enabled = True  # the differential test switches it off to compare with normal execution
    served = 0  # answers given by a plan (observability; the differential test reads it)
    _plans: LRU = LRU(1024)  # (query text, operation name) → plan or False

    async def on_execute(self) -> Iterator[None]:  # type: ignore[override]
        ec = self.execution_context
        plan = self._plan() if self.enabled else None
        if plan is not None:
            try:
                data = await plan(ec.context["app"], ec.variables or {})
            except Exception:
                log.debug("plan stepped aside", exc_info=True)
                data = None  # any doubt: normal execution decides (and reports the error)
            if data is not None:
                ec.result = ExecutionResult(data=data, errors=None)
                PlannedDocuments.served += 1
        yield

    def _plan(self) -> Plan | None:
        ec = self.execution_context
        key = (ec.query, ec.operation_name)
        found = self._plans.get(key)
        if found is None:
            document = ec.graphql_document
            name = shipped().name_of(document, ec.operation_name) if document else None
            # a name is of one operation, text and keyword included: a plan's is a query
            found = PLANS.get(name, False) if name else False
            self._plans.put(key, found)
        return found or None
