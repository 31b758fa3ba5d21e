"""培训 (001 §四(二)4): programs, sessions, attendance, hours, and the quarterly check that
everyone in force attended at least one centralised training (集中培训) in the quarter."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import and_, extract, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import BadRequest
from authz.guard import Actor
from tenants import audit
from tenants.errors import Collector, check_length, refuse
from tenants.values import group_by
from workforce.common import check_date, grouped_rows, page_of, require_at_county, today
from workforce.models import (
    Assignment,
    Staff,
    TrainingAttendance,
    TrainingKind,
    TrainingProgram,
    TrainingSession,
)
from workforce.placement import in_force

MAX_HOURS = Decimal("24")
MAX_ATTENDEES = 1000


async def _require_training(session: AsyncSession, actor: Actor, act: str) -> None:
    """Training is the county office's: every check is at the county centre."""
    await require_at_county(session, actor, "training", act)


async def create_program(
    session: AsyncSession,
    actor: Actor,
    *,
    kind: TrainingKind,
    title: str,
    year: int,
    centralised: bool,
    organizer: str | None,
) -> TrainingProgram:
    await _require_training(session, actor, "manage")
    errors = Collector()
    if not (title or "").strip():
        errors.add("title", "REQUIRED", "请填写培训名称")
    check_length(errors, "title", title, 100, "培训名称")
    check_length(errors, "organizer", organizer, 100, "主办单位")
    if not 2000 <= year <= 2100:
        errors.add("year", "INVALID_YEAR", "年度无效")
    errors.raise_if_any()
    program = TrainingProgram(
        id=uuid.uuid4(),
        kind=kind,
        title=title.strip(),
        year=year,
        centralised=centralised,
        organizer=organizer,
    )
    session.add(program)
    audit.record(session, actor.label, "training.program", "TrainingProgram", program.id)
    return program


async def add_session(
    session: AsyncSession,
    actor: Actor,
    *,
    program_id: uuid.UUID,
    held_on: date,
    hours: str | Decimal,
    place: str | None,
    online: bool,
    topics: str,
    trainer: str,
) -> TrainingSession:
    await _require_training(session, actor, "manage")
    program = await session.get(TrainingProgram, program_id)
    if program is None:
        raise refuse("programId", "NOT_FOUND", "培训计划不存在")
    errors = Collector()
    try:
        value = Decimal(str(hours))
        if not (Decimal(0) < value <= MAX_HOURS) or value != value.quantize(Decimal("0.1")):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors.add("hours", "INVALID_HOURS", "学时应为 0.1 到 24 之间、最多一位小数")
        value = Decimal(0)
    if not check_date(errors, "heldOn", held_on, "培训日期"):
        pass
    elif held_on.year != program.year:
        errors.add("heldOn", "OUTSIDE_PROGRAM_YEAR", f"培训日期应在 {program.year} 年内")
    if not online and not (place or "").strip():
        errors.add("place", "REQUIRED", "线下培训请填写地点")
    if not (topics or "").strip():
        errors.add("topics", "REQUIRED", "请填写培训内容")
    if not (trainer or "").strip():
        errors.add("trainer", "REQUIRED", "请填写授课人")
    check_length(errors, "place", place, 200, "地点")
    check_length(errors, "topics", topics, 500, "培训内容")
    check_length(errors, "trainer", trainer, 64, "授课人")
    errors.raise_if_any()
    row = TrainingSession(
        id=uuid.uuid4(),
        program_id=program.id,
        held_on=held_on,
        hours=value,
        place=(place or "").strip() or None,
        online=online,
        topics=topics.strip(),
        trainer=trainer.strip(),
    )
    session.add(row)
    audit.record(session, actor.label, "training.session", "TrainingSession", row.id)
    return row


async def record_attendance(
    session: AsyncSession,
    actor: Actor,
    *,
    session_id: uuid.UUID,
    staff_ids: Sequence[uuid.UUID],
) -> TrainingSession:
    """签到: idempotent per person (a second record of the same person is ignored)."""
    await _require_training(session, actor, "record")
    training = await session.get(TrainingSession, session_id)
    if training is None:
        raise refuse("sessionId", "NOT_FOUND", "培训课不存在")
    if training.held_on > today():
        raise refuse(
            "sessionId", "FUTURE_SESSION", f"培训课在 {training.held_on} 举行,届时才能签到"
        )
    errors = Collector()
    if len(staff_ids) > MAX_ATTENDEES:
        raise refuse("staffIds", "TOO_MANY", f"一次最多登记 {MAX_ATTENDEES} 人")
    present = set(
        (
            await session.execute(
                select(TrainingAttendance.staff_id).where(
                    TrainingAttendance.session_id == training.id
                )
            )
        ).scalars()
    )
    for index, staff_id in enumerate(staff_ids):
        staff = await session.get(Staff, staff_id)
        if staff is None:
            errors.add(f"staffIds[{index}]", "NOT_FOUND", f"第 {index + 1} 人不存在")
            continue
        if staff.hire_date > training.held_on:
            errors.add(f"staffIds[{index}]", "BEFORE_HIRE", f"{staff.name}在培训日尚未入职")
            continue
        if staff_id in present:
            continue
        present.add(staff_id)
        session.add(TrainingAttendance(session_id=training.id, staff_id=staff_id))
    errors.raise_if_any()
    audit.record(
        session,
        actor.label,
        "training.attendance",
        "TrainingSession",
        training.id,
        {"staff": len(staff_ids)},
    )
    return training


async def training_hours(
    session: AsyncSession, staff_ids: Sequence[uuid.UUID], year: int
) -> dict[uuid.UUID, Decimal]:
    rows = await session.execute(
        select(TrainingAttendance.staff_id, func.sum(TrainingSession.hours))
        .join(TrainingSession, TrainingSession.id == TrainingAttendance.session_id)
        .where(
            TrainingAttendance.staff_id.in_(staff_ids),
            extract("year", TrainingSession.held_on) == year,
        )
        .group_by(TrainingAttendance.staff_id)
    )
    found = {sid: Decimal(str(h or 0)) for sid, h in rows.all()}
    return {sid: found.get(sid, Decimal("0")) for sid in staff_ids}


async def hours_of(
    session: AsyncSession, keys: Sequence[tuple[uuid.UUID, int]]
) -> dict[tuple[uuid.UUID, int], Decimal]:
    """Training hours for ``(staff id, year)`` pairs: one query a year asked for."""
    years = group_by(sorted({year for _, year in keys}), keys, lambda key: key[1])
    found: dict[tuple[uuid.UUID, int], Decimal] = {}
    for year, pairs in years.items():
        hours = await training_hours(session, [staff_id for staff_id, _ in pairs], year)
        found.update(((staff_id, year), value) for staff_id, value in hours.items())
    return found


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    """The first and last day of a quarter; a quarter that does not exist is a BAD_REQUEST."""
    if quarter not in (1, 2, 3, 4) or not 2000 <= year <= 2099:
        raise BadRequest("季度应为 2000–2099 年的 1 到 4 季度", "BAD_REQUEST")
    start = date(year, 3 * quarter - 2, 1)
    end = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


async def noncompliance_page(
    session: AsyncSession, actor: Actor, *, year: int, quarter: int, offset: int, limit: int
) -> tuple[list[Staff], int]:
    """``quarterly_noncompliance`` a page at a time (a connection)."""
    found = await quarterly_noncompliance(session, actor, year, quarter)
    return found[offset : offset + limit], len(found)


async def attendees_page(
    session: AsyncSession, actor: Actor, *, session_id: uuid.UUID, offset: int, limit: int
) -> tuple[list[Staff], int]:
    """Who signed in at a session, by name (who reads training reads this)."""
    await _require_training(session, actor, "read")
    query = (
        select(Staff)
        .join(TrainingAttendance, TrainingAttendance.staff_id == Staff.id)
        .where(TrainingAttendance.session_id == session_id)
        .order_by(Staff.name, Staff.id)
    )
    return await page_of(session, query, offset=offset, limit=limit)


async def quarterly_noncompliance(
    session: AsyncSession, actor: Actor, year: int, quarter: int
) -> list[Staff]:
    """Staff with an assignment in force on the quarter's last day (hired before it) who
    attended no centralised training in the quarter."""
    start, end = quarter_bounds(year, quarter)
    await _require_training(session, actor, "read")
    in_force_then = select(Assignment.staff_id).where(in_force(Assignment, end))
    attended = (
        select(TrainingAttendance.staff_id)
        .join(TrainingSession, TrainingSession.id == TrainingAttendance.session_id)
        .join(TrainingProgram, TrainingProgram.id == TrainingSession.program_id)
        .where(
            and_(
                TrainingProgram.centralised.is_(True),
                TrainingSession.held_on >= start,
                TrainingSession.held_on <= end,
            )
        )
    )
    rows = await session.execute(
        select(Staff)
        .where(Staff.id.in_(in_force_then), Staff.id.not_in(attended), Staff.hire_date <= end)
        .order_by(Staff.name, Staff.id)
    )
    return list(rows.scalars())


async def list_programs(
    session: AsyncSession, actor: Actor, *, year: int | None, offset: int, limit: int
) -> tuple[list[TrainingProgram], int]:
    """培训计划 (of ``year`` when given), latest year first, then by title."""
    await _require_training(session, actor, "read")
    query = select(TrainingProgram)
    if year is not None:
        query = query.where(TrainingProgram.year == year)
    query = query.order_by(TrainingProgram.year.desc(), TrainingProgram.title)
    return await page_of(session, query, offset=offset, limit=limit)


async def readable_program(
    session: AsyncSession, actor: Actor, program_id: uuid.UUID
) -> TrainingProgram | None:
    await _require_training(session, actor, "read")
    return await session.get(TrainingProgram, program_id)


async def readable_session(
    session: AsyncSession, actor: Actor, session_id: uuid.UUID
) -> TrainingSession | None:
    await _require_training(session, actor, "read")
    return await session.get(TrainingSession, session_id)


async def sessions_of(
    session: AsyncSession, program_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[TrainingSession]]:
    """Each program's sessions, by date."""
    return await grouped_rows(
        session, TrainingSession.program_id, program_ids, TrainingSession.held_on
    )


async def attendee_counts(
    session: AsyncSession, session_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """How many people signed in at each session."""
    rows = await session.execute(
        select(TrainingAttendance.session_id, func.count())
        .where(TrainingAttendance.session_id.in_(session_ids))
        .group_by(TrainingAttendance.session_id)
    )
    counts = dict(rows.all())
    return {sid: counts.get(sid, 0) for sid in session_ids}
