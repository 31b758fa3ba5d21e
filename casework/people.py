"""Who may act on a case today, from the workforce's assignments: the front desk of a site
(受理、出件) and the approvers of a department or a site (审批).

- front desk: the caller's account is linked to a staff record placed today at the site in a
  front-desk post (咨询、导办、帮办代办、网办、收件、出件);
- approver of a department's back office: placed today in the APPROVAL post at the
  department's site, and employed by that department (``Staff.employer`` names it — approvers
  are the department's civil servants, 000);
- approver of a site holding the processing right (委托下放, or a township matter): placed
  today in the APPROVAL post at that site.

A caller who is none of these is FORBIDDEN (the action and the site are named); separation of
duties between the people of one case is a business rule, a user error (``casework.flow``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import Forbidden
from authz.guard import Actor
from casework.common import core_rows
from catalog.models import Department
from network.models import Site
from tenants.context import session_tenant
from workforce.common import effective_status, status_on
from workforce.models import Assignment, Post, Staff, StaffStatus
from workforce.placement import placements, placing

FRONT_DESK_POSTS = frozenset(
    {Post.CONSULTATION, Post.GUIDANCE, Post.AGENCY, Post.ONLINE, Post.INTAKE, Post.ISSUE}
)


@dataclass(frozen=True)
class OnDuty:
    """The caller's staff record and where it is placed today."""

    staff: Staff
    placement: Assignment


async def on_duty(session: AsyncSession, actor: Actor, today: date) -> OnDuty | None:
    """The caller's placement today (None: no staff record, not placed, left or suspended)."""
    if actor.staff_id is None or actor.tenant_id is None:
        return None
    staff = await session.get(Staff, actor.staff_id)
    if staff is None:
        return None
    if effective_status(staff, today) in (StaffStatus.LEFT, StaffStatus.SUSPENDED):
        return None
    placed = (await placements(session, [staff.id], today)).get(staff.id)
    return OnDuty(staff, placed) if placed is not None else None


async def require_front_desk(
    session: AsyncSession, actor: Actor, site: Site, today: date, action: str
) -> Staff:
    actor.require_tenant_user()
    duty = await on_duty(session, actor, today)
    if (
        duty is None
        or duty.placement.site_id != site.id
        or duty.placement.post not in FRONT_DESK_POSTS
    ):
        raise Forbidden(action, f"site:{site.id}", f"{site.official_name}(今日不在该场所前台岗位)")
    return duty.staff


@lru_cache(maxsize=4)
def _placed_today(today: date) -> Select:
    """The person's status columns and the post that places them on ``today``, built once per
    day (``placing`` is), naming the county as ``tenant_id``."""
    tenant = bindparam("tenant_id")
    return (
        select(
            Staff.status,
            Staff.probation_end,
            Staff.last_day,
            Assignment.site_id,
            Assignment.post,
            Staff.employer,
        )
        .join(Assignment, Assignment.staff_id == Staff.id)
        .where(
            Staff.id == bindparam("staff_id"),
            Staff.tenant_id == tenant,
            Assignment.tenant_id == tenant,
            placing(today, tenant),
        )
    )


@dataclass(frozen=True)
class Placed:
    """Where and in which post a person is placed today, and who employs them: what
    ``on_duty`` finds, as columns (for readers that need no record)."""

    site_id: uuid.UUID
    post: Post
    employer: str | None


async def placed_today(
    session: AsyncSession, tenant_id: uuid.UUID, staff_id: uuid.UUID, today: date
) -> Placed | None:
    """``on_duty``'s answer in one statement of columns (None: not placed, left or
    suspended)."""
    rows = await core_rows(
        session, _placed_today(today), {"tenant_id": tenant_id, "staff_id": staff_id}
    )
    if not rows:
        return None
    # as ``placements``: one row per person is expected; were there several, the last wins
    status, probation_end, last_day, site_id, post, employer = rows[-1]
    if status_on(status, probation_end, last_day, today) in (
        StaffStatus.LEFT,
        StaffStatus.SUSPENDED,
    ):
        return None
    return Placed(site_id, post, employer)


async def front_desk_post(
    session: AsyncSession, tenant_id: uuid.UUID, staff_id: uuid.UUID, today: date
) -> tuple[uuid.UUID, Post] | None:
    """Where and in which post the person is placed today (intake needs neither record)."""
    placed = await placed_today(session, tenant_id, staff_id, today)
    return (placed.site_id, placed.post) if placed is not None else None


_SITE_DEPARTMENTS = select(Department.id, Department.name).where(
    Department.site_id == bindparam("site_id"), Department.tenant_id == bindparam("tenant_id")
)


async def departments_staffed(
    session: AsyncSession, tenant_id: uuid.UUID, placed: Placed
) -> list[uuid.UUID]:
    """``approver_departments`` for a ``Placed`` person, in one statement of columns."""
    if placed.post is not Post.APPROVAL:
        return []
    rows = await core_rows(
        session, _SITE_DEPARTMENTS, {"tenant_id": tenant_id, "site_id": placed.site_id}
    )
    return [id_ for id_, name in rows if employs(placed.employer, name)]


async def require_front_desk_post(
    session: AsyncSession, actor: Actor, site: Site, today: date, action: str
) -> None:
    """``require_front_desk`` for a caller whose staff record is not needed (intake)."""
    actor.require_tenant_user()
    placed = None
    tenant_id = session_tenant(session)  # the county the ORM's filter would have named
    if actor.staff_id is not None and actor.tenant_id is not None and tenant_id is not None:
        placed = await front_desk_post(session, tenant_id, actor.staff_id, today)
    if placed is None or placed[0] != site.id or placed[1] not in FRONT_DESK_POSTS:
        raise Forbidden(action, f"site:{site.id}", f"{site.official_name}(今日不在该场所前台岗位)")


def employed_by(staff: Staff, department: Department) -> bool:
    return employs(staff.employer, department.name)


def employs(employer: str | None, department_name: str | None) -> bool:
    """Whether a person's employer (``Staff.employer``, free text) names the department."""
    return bool(department_name) and department_name in (employer or "")


async def approver_departments(session: AsyncSession, duty: OnDuty) -> list[uuid.UUID]:
    """The departments whose back office the person staffs today (APPROVAL post at the
    department's site, employed by it)."""
    if duty.placement.post is not Post.APPROVAL:
        return []
    rows = await session.execute(
        select(Department).where(Department.site_id == duty.placement.site_id)
    )
    return [d.id for d in rows.scalars() if employed_by(duty.staff, d)]


async def is_approver_for(
    session: AsyncSession,
    duty: OnDuty | None,
    *,
    route_site: bool,
    processing_site_id: uuid.UUID,
    department_id: uuid.UUID,
) -> bool:
    if duty is None or duty.placement.post is not Post.APPROVAL:
        return False
    if duty.placement.site_id != processing_site_id:
        return False
    if route_site:
        return True
    department = await session.get(Department, department_id)
    return department is not None and employed_by(duty.staff, department)
