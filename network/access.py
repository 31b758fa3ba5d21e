"""Site-scope checks: may the actor do ``obj:act`` at this site (or anywhere above it)?

``authz`` knows the roles and the policy; the tree is network's, so the walk up it is here.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import Forbidden
from authz.guard import Actor, allowed_in
from network import tree
from network.models import SiteLevel


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
        raise Forbidden(f"{obj}:{act}", f"site:{site_id}", site_name)


def site_object(level: SiteLevel | str) -> str:
    """The casbin object of a site of this level, e.g. ``site.village_station``."""
    return f"site.{SiteLevel(level).value.lower()}"
