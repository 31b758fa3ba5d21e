"""The site tree (1+7+N) as the closure table answers it: the one place that queries it.

``site_closure`` holds (ancestor, descendant, depth) for every pair, the site itself at depth 0;
sites are closed, never moved or deleted, so a row never changes once written.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, Uuid, bindparam, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from network.models import Site, SiteClosure, SiteLevel
from tenants import prepared
from tenants.context import TENANT_KEY
from tenants.errors import refuse

# session.info key: (tenant, site) → the site's ancestor ids, read once per session. A site's
# place in the tree never changes (sites are created under a parent, never moved); ``link``
# clears the memo anyway, so a site read before its closure rows were added is read again.
_ANCESTORS = "network.tree.ancestor_ids"


async def ancestor_ids(session: AsyncSession, site_id: uuid.UUID) -> list[uuid.UUID]:
    """The site itself, then its parent, … up to the county centre.

    Remembered for the session: every permission check walks up from a site, and a batch (an
    import, the demo's catalog, a request resolving many fields) checks the same few sites
    hundreds of times."""
    memo: dict[tuple[Any, uuid.UUID], tuple[uuid.UUID, ...]] = session.info.setdefault(
        _ANCESTORS, {}
    )
    key = (session.info.get(TENANT_KEY), site_id)
    found = memo.get(key)
    if found is None:
        tenant_id = key[0]
        if tenant_id is None or session.new:
            # the platform's rows, or closure rows not flushed yet: the ORM (its autoflush)
            rows = await session.execute(
                select(SiteClosure.ancestor_id)
                .where(SiteClosure.descendant_id == site_id)
                .order_by(SiteClosure.depth)
            )
        else:
            connection = await prepared.session_connection(session)
            parameters = {"site_id": site_id, "tenant_id": tenant_id}
            rows = await prepared.execute(connection, _ANCESTOR_IDS, parameters)
        found = memo[key] = tuple(rows.scalars())
    return list(found)


# Built once and naming the county itself, run on the session's connection (by the driver
# after its first time): the ORM's tenant filter would rebuild it on every write's check.
_ANCESTOR_IDS = (
    select(SiteClosure.ancestor_id)
    .where(
        SiteClosure.descendant_id == bindparam("site_id"),
        SiteClosure.tenant_id == bindparam("tenant_id"),
    )
    .order_by(SiteClosure.depth)
)


def ancestor_ids_of(site_id: ColumnElement[Any], tenant_id: ColumnElement[Any]) -> Any:
    """SQL (PostgreSQL): the ids of the site ``site_id`` names and its ancestors, itself first
    (``ancestor_ids``' order), as one array value — a column of a statement that reads the
    site anyway (``network.site_updates``)."""
    return (
        select(postgresql.array_agg(aggregate_order_by(SiteClosure.ancestor_id, SiteClosure.depth)))
        .where(SiteClosure.descendant_id == site_id, SiteClosure.tenant_id == tenant_id)
        .scalar_subquery()
        .cast(ARRAY(Uuid))
    )


def ancestors_query(site_id: uuid.UUID, *, include_self: bool = False) -> Select[tuple[Site]]:
    """The site's ancestors as ``Site`` rows, county centre first."""
    query = (
        select(Site)
        .join(SiteClosure, SiteClosure.ancestor_id == Site.id)
        .where(SiteClosure.descendant_id == site_id)
        .order_by(SiteClosure.depth.desc())
    )
    return query if include_self else query.where(SiteClosure.depth > 0)


async def ancestors(
    session: AsyncSession, site_id: uuid.UUID, *, include_self: bool = False
) -> list[Site]:
    """The site's ancestors, county centre first (the site itself only when asked)."""
    return list(
        (await session.execute(ancestors_query(site_id, include_self=include_self))).scalars()
    )


async def names_above(
    session: AsyncSession, site_id: uuid.UUID, *, include_self: bool = False
) -> list[tuple[SiteLevel, str]]:
    """(level, name) of the site's ancestors, county centre first (the site itself when
    asked), their rows locked for share until the transaction ends (PostgreSQL): an official
    name computed from them is not overtaken by a rename above — this read waits for a rename
    in progress and sees its name; a rename that comes later waits for this transaction."""
    query = (
        select(Site.level, Site.name)
        .join(SiteClosure, SiteClosure.ancestor_id == Site.id)
        .where(SiteClosure.descendant_id == site_id)
        .order_by(SiteClosure.depth.desc())
        .with_for_update(read=True, of=Site)
    )
    if not include_self:
        query = query.where(SiteClosure.depth > 0)
    return [(SiteLevel(level), name) for level, name in (await session.execute(query)).all()]


async def chain(session: AsyncSession, site_id: uuid.UUID) -> list[tuple[uuid.UUID, SiteLevel]]:
    """[(site id, level)] from the county centre down to the site itself."""
    rows = await session.execute(
        select(Site.id, Site.level)
        .join(SiteClosure, SiteClosure.ancestor_id == Site.id)
        .where(SiteClosure.descendant_id == site_id)
        .order_by(SiteClosure.depth.desc())
    )
    return [(sid, SiteLevel(level)) for sid, level in rows.all()]


def subtree_ids_query(site_id: uuid.UUID) -> Select[tuple[uuid.UUID]]:
    """The ids of the site and everything below it, as a subquery to filter by."""
    return select(SiteClosure.descendant_id).where(SiteClosure.ancestor_id == site_id)


async def subtree_ids(session: AsyncSession, site_id: uuid.UUID) -> list[uuid.UUID]:
    return list((await session.execute(subtree_ids_query(site_id))).scalars())


async def subtree(session: AsyncSession, site_id: uuid.UUID) -> list[Site]:
    """The site and everything below it, top-down."""
    rows = await session.execute(
        select(Site)
        .join(SiteClosure, SiteClosure.descendant_id == Site.id)
        .where(SiteClosure.ancestor_id == site_id)
        .order_by(Site.depth)
    )
    return list(rows.scalars())


async def county_center(session: AsyncSession) -> Site | None:
    """The county centre: the root of the session's county."""
    rows = await session.execute(select(Site).where(Site.level == SiteLevel.COUNTY_CENTER))
    return rows.scalars().first()


async def require_county_center(session: AsyncSession) -> Site:
    """The county centre, which every county has from the day it is opened."""
    root = await county_center(session)
    if root is None:
        raise refuse(None, "NOT_FOUND", "本县尚无县政务服务中心")
    return root


async def link(session: AsyncSession, site: Site, parent: Site | None) -> None:
    """Add the closure rows of a new site: itself, and each of the parent's ancestors."""
    session.info.pop(_ANCESTORS, None)
    session.add(SiteClosure(ancestor_id=site.id, descendant_id=site.id, depth=0))
    if parent is None:
        return
    rows = await session.execute(
        select(SiteClosure.ancestor_id, SiteClosure.depth).where(
            SiteClosure.descendant_id == parent.id
        )
    )
    for ancestor_id, depth in rows.all():
        session.add(SiteClosure(ancestor_id=ancestor_id, descendant_id=site.id, depth=depth + 1))
