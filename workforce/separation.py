"""辞退 / 调离窗口 (001 §四(四)1): when a person on the review list (``workforce.review``) is
dismissed by the employer or removed from window work, they leave the county's pool.

Both name their reason and are audited; the last day is today or later (history is a record);
every assignment running past it ends on it, and one that would start later is refused first.
By default only the county office (``staff:dismiss``) takes this step.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from network.access import require
from tenants import audit
from tenants.errors import Collector, check_length, refuse
from workforce.common import check_date, effective_status, lock_person, today
from workforce.models import Assignment, Separation, Staff, StaffStatus
from workforce.placement import home_site

REASON_MAX = 500
LABEL = {Separation.DISMISSED: "辞退", Separation.REMOVED: "调离窗口工作岗位"}


async def separate(
    session: AsyncSession,
    actor: Actor,
    staff_id: uuid.UUID,
    *,
    kind: Separation,
    reason: str,
    last_day: date | None = None,
) -> Staff:
    """``kind`` is DISMISSED (辞退) or REMOVED (调离窗口); ``last_day`` defaults to today."""
    staff = await lock_person(session, staff_id)
    site = await home_site(session, staff.id, today())
    await require(session, actor, "staff", "dismiss", site.id, site.official_name)
    errors = Collector()
    if not (reason or "").strip():
        errors.add("reason", "REQUIRED", f"{LABEL[kind]}必须说明原因")
    check_length(errors, "reason", reason, REASON_MAX, "原因")
    last = last_day or today()
    if check_date(errors, "lastDay", last, "最后工作日") and last < today():
        errors.add("lastDay", "PAST_DATE", "最后工作日不能早于今天")
    if effective_status(staff, today()) is StaffStatus.LEFT or staff.separation in LABEL:
        errors.add("staffId", "STAFF_LEFT", f"{staff.name}已离岗")
    errors.raise_if_any()
    later = await session.execute(
        select(Assignment.id).where(
            Assignment.staff_id == staff.id,
            Assignment.cancelled_at.is_(None),
            Assignment.start_date > last,
        )
    )
    if later.first() is not None:
        raise refuse("lastDay", "FUTURE_ASSIGNMENT", "该人员在最后工作日之后已有分配,请先调整")
    running = await session.execute(
        select(Assignment).where(
            Assignment.staff_id == staff.id,
            Assignment.cancelled_at.is_(None),
            (Assignment.end_date.is_(None)) | (Assignment.end_date > last),
        )
    )
    for assignment in running.scalars():
        assignment.end_date = last
        assignment.ended_by = actor.label
    if staff.status is StaffStatus.SUSPENDED:
        staff.status_before_suspension = None
        staff.suspension_reason = None
    # Out of the pool at once (no new assignment); their posts end on the last day.
    staff.status = StaffStatus.LEFT
    staff.last_day = last
    staff.separation = kind
    staff.separation_reason = reason.strip()
    audit.record(
        session,
        actor.label,
        "staff.dismiss" if kind is Separation.DISMISSED else "staff.remove_from_window",
        "Staff",
        staff.id,
        {"lastDay": last.isoformat(), "separation": kind.value},
        reason.strip(),
    )
    return staff


async def dismiss(
    session: AsyncSession, actor: Actor, staff_id: uuid.UUID, reason: str, last_day: date | None
) -> Staff:
    return await separate(
        session, actor, staff_id, kind=Separation.DISMISSED, reason=reason, last_day=last_day
    )


async def remove_from_window(
    session: AsyncSession, actor: Actor, staff_id: uuid.UUID, reason: str, last_day: date | None
) -> Staff:
    return await separate(
        session, actor, staff_id, kind=Separation.REMOVED, reason=reason, last_day=last_day
    )
