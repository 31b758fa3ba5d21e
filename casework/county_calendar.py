"""The county's own calendar (``CalendarDay``): a closure (a local holiday, a day off of a
holiday schedule published after the library's release) or a working day (a 补班 it does not
know). Edited by the county office (``calendar:edit`` at the county centre).

A change moves the due dates of the running cases whose clock spans the day (started before it,
due on or after it): each is recomputed from its clock (``limit_days - days_used`` working days
after ``clock_started_on``) on the new calendar, in one statement per batch.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from casework.deadlines import county_calendar
from casework.models import CalendarDay, Case, CaseStatus
from network.access import require
from network.tree import require_county_center
from tenants import audit
from tenants.context import session_tenant
from tenants.errors import Collector, check_length, refuse

REASON_MAX = 100


async def _require_editor(session: AsyncSession, actor: Actor) -> None:
    county = await require_county_center(session)
    await require(session, actor, "calendar", "edit", county.id, county.name)


async def set_calendar_day(
    session: AsyncSession, actor: Actor, day: date, working: bool, reason: str | None
) -> CalendarDay:
    await _require_editor(session, actor)
    errors = Collector()
    text = (reason or "").strip()
    if not text:
        errors.add("reason", "REQUIRED", "请填写原因(如:某节日调休安排、本地停止办公)")
    check_length(errors, "reason", text, REASON_MAX, "原因")
    if not date(2000, 1, 1) <= day <= date(2100, 12, 31):
        errors.add("day", "OUT_OF_RANGE", "日期超出范围")
    errors.raise_if_any()
    row = (
        await session.execute(select(CalendarDay).where(CalendarDay.day == day))
    ).scalar_one_or_none()
    if row is None:
        row = CalendarDay(day=day, working=working, reason=text, set_by=actor.label)
        session.add(row)
    else:
        row.working, row.reason, row.set_by = working, text, actor.label
    await session.flush()
    moved = await recompute_due_dates(session, day)
    audit.record(
        session,
        actor.label,
        "calendar.set",
        "CalendarDay",
        row.id,
        {"day": day.isoformat(), "working": working, "casesMoved": moved},
        text,
    )
    return row


async def remove_calendar_day(session: AsyncSession, actor: Actor, day: date) -> date:
    await _require_editor(session, actor)
    row = (
        await session.execute(select(CalendarDay).where(CalendarDay.day == day))
    ).scalar_one_or_none()
    if row is None:
        raise refuse("day", "NOT_FOUND", "该日期没有本县的调整")
    await session.execute(delete(CalendarDay).where(CalendarDay.id == row.id))
    moved = await recompute_due_dates(session, day)
    audit.record(
        session,
        actor.label,
        "calendar.remove",
        "CalendarDay",
        row.id,
        {"day": day.isoformat(), "casesMoved": moved},
    )
    return day


async def recompute_due_dates(session: AsyncSession, day: date) -> int:
    """New due dates for the running cases whose clock spans ``day``; how many moved."""
    calendar = await county_calendar(session)
    rows = (
        await session.execute(
            select(Case.id, Case.clock_started_on, Case.limit_days, Case.days_used, Case.due_date)
            .where(
                Case.status == CaseStatus.ACCEPTED,
                Case.clock_started_on < day,
                Case.due_date >= day,
            )
            .with_for_update()
        )
    ).all()
    changes = []
    for case_id, started, limit, used, due in rows:
        new_due = calendar.add_working_days(started, max(limit - used, 0))
        if new_due != due:
            changes.append({"case_id": case_id, "new_due": new_due})
    if changes:
        table = Case.__table__
        await session.execute(
            update(table)
            .where(table.c.id == bindparam("case_id"), table.c.tenant_id == session_tenant(session))
            .values(due_date=bindparam("new_due")),
            changes,
        )
    return len(changes)


async def calendar_days(session: AsyncSession, start: date, end: date) -> list[CalendarDay]:
    rows = await session.execute(
        select(CalendarDay)
        .where(CalendarDay.day >= start, CalendarDay.day <= end)
        .order_by(CalendarDay.day)
    )
    return list(rows.scalars())
