"""Who is acting, and whether their role bindings allow an action in given site domains.

The site tree is above this layer: ``network.access`` walks a site's ancestors and asks here.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.enforcer import Decisions, enforcers, site_domain, user_subject
from authz.errors import Forbidden, Unauthenticated
from authz.models import RoleBinding


@dataclass
class Actor:
    """Who is acting: a county's user, a platform operator, or the anonymous public."""

    user_id: uuid.UUID | None
    tenant_id: uuid.UUID | None
    username: str
    authz_version: int = 0
    is_operator: bool = False
    staff_id: uuid.UUID | None = None
    _bindings: list[tuple[str, uuid.UUID]] | None = field(default=None, repr=False)

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    @property
    def label(self) -> str:
        return f"{self.username}({self.user_id})" if self.user_id else "anonymous"

    @classmethod
    def anonymous(cls) -> Actor:
        return cls(user_id=None, tenant_id=None, username="anonymous")

    @classmethod
    def platform(cls, username: str) -> Actor:
        """The platform itself acting from the command line (no user account behind it)."""
        return cls(user_id=uuid.UUID(int=0), tenant_id=None, username=username, is_operator=True)

    def require_tenant_user(self) -> uuid.UUID:
        """Any signed-in user of a county; returns the county (tenant) id."""
        if self.is_anonymous:
            raise Unauthenticated()
        if self.tenant_id is None:
            raise Forbidden("tenant.read", "platform", "平台账号不属于任何县")
        return self.tenant_id

    def require_operator(self, action: str) -> None:
        if self.is_anonymous:
            raise Unauthenticated()
        if not self.is_operator:
            raise Forbidden(action, "platform", "平台")

    async def bindings(self, session: AsyncSession) -> list[tuple[str, uuid.UUID]]:
        """This user's (role, site) bindings."""
        if self._bindings is None:
            if self.user_id is None or self.tenant_id is None:
                self._bindings = []
            else:
                rows = await session.execute(
                    select(RoleBinding.role, RoleBinding.site_id).where(
                        RoleBinding.user_id == self.user_id
                    )
                )
                self._bindings = [(r, s) for r, s in rows.all()]
        return self._bindings


async def allowed_in(
    session: AsyncSession, actor: Actor, obj: str, act: str, site_ids: Iterable[uuid.UUID]
) -> bool:
    """True if a binding of the actor allows ``obj:act`` in one of these exact site domains.

    A role bound at a site holds over its subtree: callers pass the target site and its
    ancestors (at most four), never a wildcard domain, so a check costs the same at any size.
    """
    if actor.is_anonymous or actor.tenant_id is None:
        return False
    enforcer = await enforcers.get(session, actor.tenant_id, actor.authz_version)
    return allowed_by(enforcer, actor, obj, act, site_ids)


def allowed_by(
    enforcer: Decisions, actor: Actor, obj: str, act: str, site_ids: Iterable[uuid.UUID]
) -> bool:
    """``allowed_in`` with the county's enforcer in hand (a county user's)."""
    subject = user_subject(actor.user_id)  # type: ignore[arg-type]
    return any(enforcer.enforce(subject, site_domain(site), obj, act) for site in site_ids)


async def require_somewhere(session: AsyncSession, actor: Actor, obj: str, act: str) -> None:
    """Allowed if any of the actor's bindings grants it (for actions not tied to one site)."""
    tenant_id = actor.require_tenant_user()
    enforcer = await enforcers.get(session, tenant_id, actor.authz_version)
    subject = user_subject(actor.user_id)  # type: ignore[arg-type]
    for _role, site in await actor.bindings(session):
        if enforcer.enforce(subject, site_domain(site), obj, act):
            return
    raise Forbidden(f"{obj}:{act}", f"tenant:{tenant_id}", "本县")
