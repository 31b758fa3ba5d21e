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

SYSTEM_LABEL = "系统"

# The rubric's points for the items the system records (the "dissatisfied" variant of 4.4).
# Replaced by the county's rubric version in force once the rubric is seeded.
_SYSTEM_POINTS = {"4.4": -2, "2.1": -10}


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
    """(points, grave, rubric version) of a system item on ``occurred_on``."""
    if item_code not in _SYSTEM_POINTS:
        raise ValueError(f"the system records only {sorted(_SYSTEM_POINTS)}, not {item_code!r}")
    return _SYSTEM_POINTS[item_code], False, 1
