"""更正 (corrections): history is a record, so a past assignment is changed only by the county
office's explicit correction, which names its reason and is audited with the old and the new
values. The correction is checked like any assignment (an end never before the start, no two
of one kind on one day, not before the hire date) but may reach into the past.
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from tenants import audit
from tenants.base import utcnow
from tenants.errors import Collector, check_length, refuse
from tenants.values import UNSET
from workforce.assignments import REASON_MAX
from workforce.common import check_date, lock_staff, require_at_county
from workforce.models import Assignment, Staff
from workforce.placement import overlaps


def _shown(assignment: Assignment) -> dict[str, str | None]:
    return {
        "start": assignment.start_date.isoformat(),
        "end": assignment.end_date.isoformat() if assignment.end_date else None,
        "cancelled": "yes" if assignment.cancelled_at else None,
    }


async def correct_assignment(
    session: AsyncSession,
    actor: Actor,
    assignment_id: uuid.UUID,
    *,
    reason: str,
    start_date: date | None = UNSET,
    end_date: date | None = UNSET,
    cancel: bool = False,
) -> Assignment:
    """County office only (``staff:correct`` at the county centre). ``UNSET`` keeps a date;
    ``end_date=None`` makes the assignment open; ``cancel`` takes it out of the record of who
    worked where (it stays, cancelled, in the audit)."""
    assignment = await session.get(Assignment, assignment_id)
    if assignment is None:
        raise refuse("assignmentId", "NOT_FOUND", "分配记录不存在")
    await require_at_county(session, actor, "staff", "correct")
    staff = (await lock_staff(session, [assignment.staff_id]))[assignment.staff_id]
    await session.refresh(assignment)
    errors = Collector()
    if not (reason or "").strip():
        errors.add("reason", "REQUIRED", "更正历史记录必须说明原因")
    check_length(errors, "reason", reason, REASON_MAX, "更正原因")
    if assignment.cancelled_at is not None:
        errors.add("assignmentId", "CANCELLED", "该分配已撤销")
    start = assignment.start_date if start_date is UNSET or start_date is None else start_date
    end = assignment.end_date if end_date is UNSET else end_date
    check_date(errors, "startDate", start, "开始日期")
    check_date(errors, "endDate", end, "结束日期")
    errors.raise_if_any()
    old = _shown(assignment)
    if cancel:
        assignment.cancelled_at = utcnow()
        assignment.cancelled_by = actor.label
    else:
        _check_dates(errors, staff, start, end)
        if start == assignment.start_date and end == assignment.end_date:
            errors.add("assignmentId", "NO_CHANGE", "更正前后相同")
        clash = await session.execute(
            select(Assignment.start_date).where(
                Assignment.staff_id == assignment.staff_id,
                Assignment.kind == assignment.kind,
                Assignment.id != assignment.id,
                overlaps(Assignment, start, end),
            )
        )
        other = clash.scalars().first()
        if other is not None:
            errors.add(
                "startDate",
                "OVERLAP",
                f"{staff.name}自 {other} 起已有同类分配,与更正后的期间重叠,请先更正那一项",
            )
        errors.raise_if_any()
        assignment.start_date = start
        assignment.end_date = end
        assignment.ended_by = actor.label if end is not None else None
    await session.flush()
    audit.record(
        session,
        actor.label,
        "staff.assignment_correct",
        "Assignment",
        assignment.id,
        {"old": old, "new": _shown(assignment), "staff": str(staff.id)},
        reason.strip(),
    )
    return assignment


def _check_dates(errors: Collector, staff: Staff, start: date, end: date | None) -> None:
    if end is not None and end < start:
        errors.add("endDate", "INVALID_DATES", "结束日期不能早于开始日期(两端均含当日)")
    if start < staff.hire_date:
        errors.add("startDate", "BEFORE_HIRE", "开始日期不能早于入职日期")
