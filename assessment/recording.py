"""Recording and voiding events (考核记录) by the people who manage the person's site today:
a township head for its township centre and villages, a department administrator for its
sub-centre, the county office everywhere (``assessment.event:record`` at the person's site,
checked up the site tree). The points come from the rubric version in force on the first day of
the event's month: an item's fixed points × count, or the recorder's points within its range or
among its variants. Events of a published month are final; an event recorded or voided in a
closed (not yet published) month sends it back to OPEN, to be closed again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from api.storage import key_belongs_to
from assessment.models import AssessmentEvent, AssessmentMonth, AssessmentStatus, EventSource
from assessment.monthly import month_row
from assessment.rubric import Item, rubric_in_force
from authz.errors import Forbidden
from authz.guard import Actor
from network.access import can
from tenants import audit
from tenants.base import utcnow
from tenants.errors import Collector, check_length, refuse
from workforce.common import check_date, get_staff, today
from workforce.models import Staff
from workforce.placement import home_site, placements

NOTE_MAX = 500
REASON_MAX = 500
COUNT_MAX = 31  # at most one a day for a month
RECORD = ("assessment.event", "record")


def month_of(day: date) -> date:
    return day.replace(day=1)


async def manager_sites(session: AsyncSession, staff_id: uuid.UUID, on: date) -> list[uuid.UUID]:
    """The sites at which managing the person is checked: where they are placed today and
    their regular site (the county centre for someone not placed)."""
    sites = [(await home_site(session, staff_id, on)).id]
    placed = (await placements(session, [staff_id], on)).get(staff_id)
    if placed is not None and placed.site_id not in sites:
        sites.append(placed.site_id)
    return sites


async def require_manager(
    session: AsyncSession, actor: Actor, staff: Staff, on: date, action: tuple[str, str] = RECORD
) -> None:
    actor.require_tenant_user()
    for site_id in await manager_sites(session, staff.id, on):
        if await can(session, actor, *action, site_id):
            return
    raise Forbidden(f"{action[0]}:{action[1]}", f"staff:{staff.id}", staff.name)


async def month_status(session: AsyncSession, month: date) -> AssessmentStatus:
    """The month's status, its row made and locked for the rest of the transaction: a change
    to its events and a close of the month take turns (``assessment.monthly.month_row``), so a
    close never misses an event that commits after it, and an event of a month being closed
    sends it back to OPEN once the close has committed."""
    return (await month_row(session, month, lock=True)).status


async def reopen_if_closed(session: AsyncSession, month: date) -> None:
    """A change to a closed month's events sends it back to OPEN (closed again before it is
    published); a published month is refused before this."""
    await session.execute(
        update(AssessmentMonth)
        .where(AssessmentMonth.month == month, AssessmentMonth.status == AssessmentStatus.CLOSED)
        .values(status=AssessmentStatus.OPEN)
    )


def event_points(
    item: Item, count: int, given: int | None, errors: Collector
) -> tuple[int, bool] | None:
    """(signed points of the event, grave) for ``count`` occurrences; the recorder's ``given``
    points (a magnitude; the sign is the category's) for a range or a variant."""
    sign = 1 if item.is_bonus else -1
    wanted = sign * abs(given) if given is not None else None
    allowed = {v["points"]: bool(v.get("grave")) for v in item.variants}
    if wanted is None:
        if item.points is None:
            errors.add("points", "POINTS_REQUIRED", f"细则项 {item.code} 为酌情扣分,须给出分值")
            return None
        per, grave = item.points, allowed.get(item.points, item.grave and not item.variants)
    elif item.is_range and min(item.min_points, item.max_points) <= wanted <= max(  # type: ignore[type-var]
        item.min_points,  # type: ignore[type-var]
        item.max_points,  # type: ignore[type-var]
    ):
        per, grave = wanted, item.grave and not item.variants
    elif wanted in allowed:
        per, grave = wanted, allowed[wanted]
    elif wanted == item.points and not item.is_range:
        per, grave = wanted, item.grave and not item.variants
    else:
        errors.add("points", "POINTS_OUT_OF_RANGE", f"分值不符合细则项 {item.code} 的规定")
        return None
    return per * count, grave


@dataclass
class NewEvent:
    staff_id: uuid.UUID
    item_code: str
    occurred_on: date
    count: int = 1
    points: int | None = None
    note: str | None = None
    evidence_key: str | None = None
    source: EventSource = EventSource.MANUAL


async def record_event(session: AsyncSession, actor: Actor, data: NewEvent) -> AssessmentEvent:
    tenant_id = actor.require_tenant_user()
    errors = Collector()
    check_length(errors, "note", data.note, NOTE_MAX, "说明")
    check_date(errors, "occurredOn", data.occurred_on, "发生日期")
    if not 1 <= data.count <= COUNT_MAX:
        errors.add("count", "INVALID_COUNT", f"次数应为 1–{COUNT_MAX}")
    if data.evidence_key is not None and not key_belongs_to(data.evidence_key, tenant_id, "scan"):
        errors.add("evidenceKey", "INVALID_UPLOAD", "佐证材料不是本县上传的文件")
    errors.raise_if_any()
    staff = await get_staff(session, data.staff_id)
    await require_manager(session, actor, staff, today())
    day = today()
    if data.occurred_on > day:
        errors.add("occurredOn", "FUTURE_DATE", "发生日期不能晚于今天")
    if data.occurred_on < staff.hire_date or (staff.last_day and data.occurred_on > staff.last_day):
        errors.add("occurredOn", "NOT_IN_SERVICE", "该日期不在此人的在岗期间")
    month = month_of(data.occurred_on)
    if await month_status(session, month) is AssessmentStatus.PUBLISHED:
        errors.add("occurredOn", "MONTH_FINAL", "该月考核已公布,不能再记录")
    rubric = await rubric_in_force(session, month)
    item = rubric.items().get(data.item_code)
    if item is None:
        errors.add("itemCode", "UNKNOWN_ITEM", f"考核细则中没有 {data.item_code[:8]} 项")
    errors.raise_if_any()
    assert item is not None
    scored = event_points(item, data.count, data.points, errors)
    errors.raise_if_any()
    assert scored is not None
    points, grave = scored
    event = AssessmentEvent(
        id=uuid.uuid4(),
        staff_id=staff.id,
        item_code=item.code,
        category=item.category,
        rubric_version=rubric.version,
        occurred_on=data.occurred_on,
        count=data.count,
        points=points,
        grave=grave,
        source_kind=data.source,
        note=data.note,
        evidence_key=data.evidence_key,
        recorded_by=actor.label,
        recorded_by_user_id=actor.user_id,
    )
    session.add(event)
    await reopen_if_closed(session, month)
    audit.record(
        session,
        actor.label,
        "assessment.event.record",
        "AssessmentEvent",
        event.id,
        {"staff_id": str(staff.id), "item": item.code, "points": points, "on": str(month)},
        data.note,
    )
    await session.flush()
    return event


async def void_event(
    session: AsyncSession, actor: Actor, event_id: uuid.UUID, reason: str
) -> AssessmentEvent:
    actor.require_tenant_user()
    errors = Collector()
    if not (reason or "").strip():
        errors.add("reason", "REASON_REQUIRED", "作废须说明理由")
    check_length(errors, "reason", reason, REASON_MAX, "理由")
    errors.raise_if_any()
    event = await session.get(AssessmentEvent, event_id)
    if event is None:
        raise refuse("eventId", "NOT_FOUND", "考核记录不存在")
    staff = await get_staff(session, event.staff_id)
    await require_manager(session, actor, staff, today())
    month = month_of(event.occurred_on)
    if await month_status(session, month) is AssessmentStatus.PUBLISHED:
        raise refuse("eventId", "MONTH_FINAL", "该月考核已公布,记录不能作废")
    done = await session.execute(
        update(AssessmentEvent)
        .where(AssessmentEvent.id == event.id, AssessmentEvent.voided.is_(False))
        .values(voided=True, voided_at=utcnow(), voided_by=actor.label, void_reason=reason.strip())
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise refuse("eventId", "ALREADY_VOIDED", "该记录已作废")
    await reopen_if_closed(session, month)
    audit.record(
        session, actor.label, "assessment.event.void", "AssessmentEvent", event.id, None, reason
    )
    await session.refresh(event)
    return event
