"""What every plan shares: its signature, the tenant parameter its statements name, and the
site-scope check of ``network.access.can`` done with Core statements on the request's
connection."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.sql import Executable

from api.gql.context import AppContext
from authz.enforcer import enforcers
from authz.guard import allowed_by
from network.models import Site, SiteClosure, SiteLevel

# A plan answers the operation's ``data`` from the request context and the variables, or None
# to step aside to normal execution.
Plan = Callable[[AppContext, dict[str, Any]], Awaitable[dict[str, Any] | None]]

# Every statement of a plan names the caller's county for every table it reads: a read
# connection has row-level security (PostgreSQL) but not the ORM's tenant filter.
TENANT = bindparam("tenant_id")

# A site and its ancestors, itself first (``network.tree.ancestor_ids``): the domains a role
# bound above the site holds in. No row: no such site in this county.
ANCESTORS = (
    select(SiteClosure.ancestor_id)
    .where(SiteClosure.descendant_id == bindparam("site_id"), SiteClosure.tenant_id == TENANT)
    .order_by(SiteClosure.depth)
)
# The county centre, which has no ancestors. The level is written into the SQL (a
# literal-execute value the statement carries), not sent: with only the ids as parameters,
# PostgreSQL keeps one generic plan for a prepared statement, where an unknown level made it
# plan every execution anew (StaffDetail: ~0.5 ms of its CPU a request).
COUNTY_CENTER = select(Site.id).where(
    Site.level
    == bindparam(
        "county_center_level",
        SiteLevel.COUNTY_CENTER,
        type_=Site.level.type,
        literal_execute=True,
    ),
    Site.tenant_id == TENANT,
)


async def sites_of(ctx: AppContext, site_id: uuid.UUID | None) -> list[uuid.UUID]:
    """``site_id`` and its ancestors, or the county centre when None; [] when there is none."""
    tenant_id = ctx.actor.tenant_id
    async with ctx.connection(tenant_id) as conn:
        statement = ANCESTORS if site_id is not None else COUNTY_CENTER
        rows = await conn.execute(statement, {"site_id": site_id, "tenant_id": tenant_id})
    return list(rows.scalars())


async def allowed(ctx: AppContext, obj: str, act: str, sites: list[uuid.UUID]) -> bool:
    """``network.access.can`` over ``sites_of``'s answer: the county's enforcer, cached by its
    authorization version (a session is opened only to read a new version's)."""
    actor = ctx.actor
    if not sites or actor.is_anonymous or actor.tenant_id is None:
        return False
    enforcer = enforcers.cached(actor.tenant_id, actor.authz_version)
    if enforcer is None:
        async with ctx.read() as session:
            enforcer = await enforcers.get(session, actor.tenant_id, actor.authz_version)
    return allowed_by(enforcer, actor, obj, act, sites)


def statements() -> Iterator[tuple[str, Executable]]:
    """Every statement this module runs, with a label (the tests check that each names the
    caller's county for every table it reads)."""
    yield "a site and its ancestors", ANCESTORS
    yield "the county centre", COUNTY_CENTER
