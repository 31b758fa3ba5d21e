"""Plans of network.graphql: SiteDetail and SiteChildren."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import Executable

from api.gql.context import AppContext
from api.gql.ids import global_id, parse_global_id
from api.gql.pagination import encode_cursor, page_args
from api.planned.common import TENANT as _TENANT
from network.models import Site, SiteClosure, SiteLevel
from workforce.common import today
from workforce.models import Assignment, Staff
from workforce.placement import counted, placing

# --- SiteDetail (network.graphql) -------------------------------------------------------------

# The site and its ancestors, county centre first (the site itself last, at depth 0). The tenant
# is named in the statement: a read connection has row-level security but no ORM filter.
CHAIN = (
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


@lru_cache(maxsize=4)
def staff_count(on: date) -> Select[tuple[int]]:
    """在岗人数 at one site on ``on`` (as ``workforce.placement.staff_counts``), built once a
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
    async with ctx.connection(tenant_id) as conn:
        chain = (await conn.execute(CHAIN, params)).all()
        if not chain or chain[-1].id != site_id:
            return None  # no such site here: normal execution answers null
        staff = (await conn.execute(staff_count(today()), params)).scalar_one()
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

CHILDREN = aliased(Site)
CHILD_COUNT = (
    select(func.count())
    .where(CHILDREN.parent_id == Site.id, CHILDREN.tenant_id == bindparam("tenant_id"))
    .correlate(Site)
    .scalar_subquery()
)


@lru_cache(maxsize=4)
def site_page(by_parent: bool, by_level: bool) -> Select:
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
            CHILD_COUNT.label("child_count"),
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
    statement = site_page(parent is not None, level is not None)
    async with ctx.connection(tenant_id) as conn:
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


def statements() -> Iterator[tuple[str, Executable]]:
    """Every statement this module runs, with a label (the tests check that each names the
    caller's county for every table it reads)."""
    yield "SiteDetail chain", CHAIN
    yield "SiteDetail staff count", staff_count(date(2026, 1, 5))
    for by_parent in (False, True):
        for by_level in (False, True):
            yield f"SiteChildren {by_parent=} {by_level=}", site_page(by_parent, by_level)
