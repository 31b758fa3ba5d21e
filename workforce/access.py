"""Who may read a staff record and who sees personal data unmasked (个人信息).

- ``staff:read`` at a site where the person is placed today (or at the county centre) lets a
  township head, a department administrator or the supervisor read the record;
- a window worker reads its own record (its account's ``staff_id``);
- the phone is unmasked only for ``staff.phone:unmask`` at the county centre (county
  administrators) and for the person; the resident ID number is never shown unmasked.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import Forbidden
from authz.guard import Actor
from network.access import can
from network.tree import require_county_center
from workforce.assignments import placements
from workforce.common import today
from workforce.models import Staff


def is_self(actor: Actor, staff_id: uuid.UUID) -> bool:
    return actor.staff_id is not None and actor.staff_id == staff_id


async def can_read_staff(session: AsyncSession, actor: Actor, staff: Staff) -> bool:
    if actor.tenant_id is None or actor.tenant_id != staff.tenant_id:
        return False
    if is_self(actor, staff.id):
        return True
    root = await require_county_center(session)
    if await can(session, actor, "staff", "read", root.id):
        return True
    placed = (await placements(session, [staff.id], today())).get(staff.id)
    if placed is not None:
        from workforce.assignments import regular_on

        sites = {placed.site_id}
        regular = await regular_on(session, staff.id, today())
        if regular is not None:
            sites.add(regular.site_id)
        for site_id in sites:
            if await can(session, actor, "staff", "read", site_id):
                return True
    return False


async def require_read_staff(session: AsyncSession, actor: Actor, staff: Staff) -> None:
    actor.require_tenant_user()
    if not await can_read_staff(session, actor, staff):
        raise Forbidden("staff:read", f"staff:{staff.id}", staff.name)


async def can_unmask_phone(session: AsyncSession, actor: Actor, staff_id: uuid.UUID) -> bool:
    if is_self(actor, staff_id):
        return True
    if actor.tenant_id is None:
        return False
    root = await require_county_center(session)
    return await can(session, actor, "staff.phone", "unmask", root.id)
