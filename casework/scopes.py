"""Where a caller's roles reach: the sites in the subtrees of the bindings that allow an action
(for lists without a site argument: rating follow-ups, complaints)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import union
from sqlalchemy.ext.asyncio import AsyncSession

from authz.enforcer import enforcers, site_domain, user_subject
from authz.guard import Actor
from network.tree import subtree_ids_query


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
