"""Site-scope checks: may the actor do ``obj:act`` at this site (or anywhere above it)?

``authz`` knows the roles and the policy; the tree is network's, so the walk up it is here.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import Forbidden
from authz.guard import Actor, allowed_in
from network import tree
from network.models import Site, SiteLevel


async def can(session: AsyncSession, actor: Actor, obj: str, act: str, site_id: uuid.UUID) -> bool:
    if actor.is_anonymous or actor.tenant_id is None:
        return False
    return await allowed_in(session, actor, obj, act, await tree.ancestor_ids(session, site_id))


async def require(
    session: AsyncSession,
    actor: Actor,
    obj: str,
    act: str,
    site_id: uuid.UUID,
    site_name: str | None = None,
) -> None:
    actor.require_tenant_user()
    if not await can(session, actor, obj, act, site_id):
        raise await forbidden_at(session, f"{obj}:{act}", site_id, site_name)


async def require_in(
    session: AsyncSession,
    actor: Actor,
    obj: str,
    act: str,
    ancestors: Sequence[uuid.UUID],
    site_name: str,
) -> None:
    """``require`` at ``ancestors[0]`` when the caller has read its ancestors (the site
    first, as ``tree.ancestor_ids`` gives them) and its official name."""
    actor.require_tenant_user()
    if not await allowed_in(session, actor, obj, act, ancestors):
        raise Forbidden(f"{obj}:{act}", f"site:{ancestors[0]}", site_name)


async def forbidden_at(
    session: AsyncSession, action: str, site_id: uuid.UUID, site_name: str | None = None
) -> Forbidden:
    """The denial of ``action`` at a site, naming the site by its official name (looked up
    when the caller has not got it): 无权在 涟水县高沟镇便民服务中心 执行 staff:read."""
    if site_name is None:
        site = await session.get(Site, site_id)
        site_name = site.official_name if site is not None else None
    return Forbidden(action, f"site:{site_id}", site_name)


def site_object(level: SiteLevel | str) -> str:
    """The casbin object of a site of this level, e.g. ``site.village_station``."""
    return f"site.{SiteLevel(level).value.lower()}"
