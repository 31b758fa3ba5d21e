"""Who may read a staff record and who sees personal data unmasked (个人信息).

- ``staff:read`` at a site where the person is placed today (or at the county centre) lets a
  township head, a department administrator or the supervisor read the record;
- a window worker reads its own record (its account's ``staff_id``);
- the phone is unmasked only for ``staff.phone:unmask`` at the county centre (county
  administrators) and for the person; the resident ID number is never shown unmasked.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import Forbidden
from authz.guard import Actor
from network.access import can, forbidden_at
from network.tree import require_county_center
from tenants.errors import refuse
from workforce.common import today
from workforce.models import Assignment, Staff
from workforce.placement import home_site, placements, regular_on


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


async def readable_staff(session: AsyncSession, actor: Actor, staff_id: uuid.UUID) -> Staff | None:
    """The record for ``node(id:)``: None when there is none, FORBIDDEN when not readable."""
    staff = await session.get(Staff, staff_id)
    if staff is not None:
        await require_read_staff(session, actor, staff)
    return staff


async def readable_assignment(
    session: AsyncSession, actor: Actor, assignment_id: uuid.UUID
) -> Assignment | None:
    """An assignment is read by who reads staff at its site, or who reads its person."""
    assignment = await session.get(Assignment, assignment_id)
    if assignment is None:
        return None
    staff = await session.get(Staff, assignment.staff_id)
    if not (
        await can(session, actor, "staff", "read", assignment.site_id)
        or (staff is not None and await can_read_staff(session, actor, staff))
    ):
        raise await forbidden_at(session, "staff:read", assignment.site_id)
    return assignment


async def can_unmask_county(session: AsyncSession, actor: Actor) -> bool:
    """``staff.phone:unmask`` at the county centre: every phone in the county in full."""
    if actor.tenant_id is None:
        return False
    root = await require_county_center(session)
    return await can(session, actor, "staff.phone", "unmask", root.id)


async def can_unmask_phone(session: AsyncSession, actor: Actor, staff_id: uuid.UUID) -> bool:
    return is_self(actor, staff_id) or await can_unmask_county(session, actor)


async def phones_unmasked(
    session: AsyncSession, actor: Actor, staff_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, bool]:
    """For each person, whether ``actor`` sees the phone in full (one check for the batch)."""
    county_wide = await can_unmask_county(session, actor)
    return {staff_id: county_wide or is_self(actor, staff_id) for staff_id in staff_ids}


async def check_account_link(session: AsyncSession, actor: Actor, staff_id: uuid.UUID) -> None:
    """A new account may be linked to a staff record of the county that the actor may create
    accounts for: ``user:create`` where the person works today (the pool: the county centre).
    Someone else's person reads as not found, as a random id does."""
    staff = await session.get(Staff, staff_id)
    if staff is None:
        raise refuse("staffId", "NOT_FOUND", "人员不存在")
    site = await home_site(session, staff.id, today())
    if not await can(session, actor, "user", "create", site.id):
        raise refuse("staffId", "NOT_FOUND", "人员不存在")
