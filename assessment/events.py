"""Events the system records itself (casework): a verified bad rating (4.4), a substantiated
办不成事 complaint (2.1). Idempotent per (source_kind, source_id, item_code): the database's
unique constraint settles two racing calls, the loser reads the winner's row."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.models import AssessmentEvent, EventSource
from assessment.recording import month_status, reopen_if_closed
from assessment.rubric import rubric_in_force

SYSTEM_LABEL = "系统"

# The items the system records, and the case of each it is (4.4: a "dissatisfied" rating, −2).
SYSTEM_ITEMS = {"4.4": "“好差评”出现“不满意”", "2.1": None}


async def record_system_event(
    session: AsyncSession,
    *,
    tenant_id: uuid.UUID,
    staff_id: uuid.UUID,
    item_code: str,
    occurred_on: date,
    source_kind: str,
    source_id: uuid.UUID,
    note: str | None = None,
) -> AssessmentEvent:
    """Record (once) the system's event for ``source_kind``/``source_id`` against
    ``item_code``; a second call with the same source returns the first call's event."""
    kind = EventSource(source_kind)
    await month_status(session, occurred_on.replace(day=1))  # takes turns with a close
    found = await _find(session, kind, source_id, item_code)
    if found is not None:
        return found
    points, grave, version = await _system_item(session, item_code, occurred_on)
    values = {
        "id": uuid.uuid4(),
        "tenant_id": tenant_id,
        "staff_id": staff_id,
        "item_code": item_code,
        "category": item_code.split(".", 1)[0],
        "rubric_version": version,
        "occurred_on": occurred_on,
        "count": 1,
        "points": points,
        "grave": grave,
        "source_kind": kind,
        "source_id": source_id,
        "note": note,
        "recorded_by": SYSTEM_LABEL,
        "voided": False,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = (
        insert(AssessmentEvent)
        .values(**values)
        .on_conflict_do_nothing(
            index_elements=["tenant_id", "source_kind", "source_id", "item_code"]
        )
    )
    await session.execute(stmt)
    await reopen_if_closed(session, occurred_on.replace(day=1))
    event = await _find(session, kind, source_id, item_code)
    assert event is not None
    return event


async def _find(
    session: AsyncSession, kind: EventSource, source_id: uuid.UUID, item_code: str
) -> AssessmentEvent | None:
    return (
        await session.execute(
            select(AssessmentEvent).where(
                AssessmentEvent.source_kind == kind,
                AssessmentEvent.source_id == source_id,
                AssessmentEvent.item_code == item_code,
            )
        )
    ).scalar_one_or_none()


async def _system_item(
    session: AsyncSession, item_code: str, occurred_on: date
) -> tuple[int, bool, int]:
    """(points, grave, rubric version) of a system item, from the county's rubric version in
    force on the first day of the event's month."""
    if item_code not in SYSTEM_ITEMS:
        raise ValueError(f"the system records only {sorted(SYSTEM_ITEMS)}, not {item_code!r}")
    rubric = await rubric_in_force(session, occurred_on.replace(day=1))
    item = rubric.items()[item_code]
    wanted = SYSTEM_ITEMS[item_code]
    for variant in item.variants:
        if variant.get("label") == wanted:
            return int(variant["points"]), bool(variant.get("grave")), rubric.version
    assert item.points is not None
    return item.points, item.grave, rubric.version
