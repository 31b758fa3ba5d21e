"""Where a caller's roles reach: the sites in the subtrees of the bindings that allow an action
(for lists without a site argument: rating follow-ups, complaints); and a site's subtree as a
filter on cases."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, or_, true, union
from sqlalchemy.ext.asyncio import AsyncSession

from authz.enforcer import enforcers, site_domain, user_subject
from authz.guard import Actor
from network.models import Site
from network.tree import subtree_ids, subtree_ids_query


async def readable_subtrees(session: AsyncSession, actor: Actor, obj: str, act: str) -> Any | None:
    """A subquery of the site ids where ``obj:act`` is allowed, or None when it is nowhere."""
    tenant_id = actor.require_tenant_user()
    enforcer = await enforcers.get(session, tenant_id, actor.authz_version)
    subject = user_subject(actor.user_id)  # type: ignore[arg-type]
    roots = sorted(
        {
            site
            for _role, site in await actor.bindings(session)
            if enforcer.enforce(subject, site_domain(site), obj, act)
        }
    )
    if not roots:
        return None
    if len(roots) == 1:
        return subtree_ids_query(roots[0])
    return union(*(subtree_ids_query(root) for root in roots))


async def sites_within(session: AsyncSession, site: Site) -> list[uuid.UUID] | None:
    """The ids of ``site`` and everything below it, or None for the county centre: every site
    of the county is below it, so the county's cases need no site filter at all (with a
    million cases the filter alone costs a scan; the tenant's own filter remains)."""
    if site.parent_id is None:
        return None
    return await subtree_ids(session, site.id)


def in_sites(within: list[uuid.UUID] | None, *columns: Any) -> ColumnElement[bool]:
    """``columns[0] IN within OR columns[1] IN within …`` (true for the whole county). The ids
    are a list, not a subquery, so that PostgreSQL can combine the columns' indexes."""
    if within is None:
        return true()
    return or_(*(column.in_(within) for column in columns))
