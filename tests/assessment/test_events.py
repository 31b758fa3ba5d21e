"""The system's own events (casework: 4.4, 2.1) are recorded once per source, also when two
calls race (the unique constraint; PostgreSQL)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from assessment.events import record_system_event
from assessment.models import AssessmentEvent
from tests.assessment.world import pinned
from tests.support.factories import make_county
from tests.support.workforce import hire

COUNTY_NAME = "系统考核记录县"


@pytest.fixture(scope="module")
async def county(db):
    return await make_county(db, COUNTY_NAME)


async def _record(county, staff_id, source_id, code="4.4"):
    async with county.db.transaction(county.tenant_id) as session:
        return await record_system_event(
            session,
            tenant_id=county.tenant_id,
            staff_id=staff_id,
            item_code=code,
            occurred_on=date(2026, 1, 9),
            source_kind="RATING" if code == "4.4" else "COMPLAINT",
            source_id=source_id,
            note="差评核实属实",
        )


async def _count(county, source_id) -> int:
    async with county.db.session(county.tenant_id) as session:
        return await session.scalar(
            select(func.count())
            .select_from(AssessmentEvent)
            .where(AssessmentEvent.source_id == source_id)
        )


async def test_once_per_source(county):
    with pinned():
        person = await hire(county, "town_a", name="被评价人", hire_date=date(2024, 3, 4))
    source = uuid.uuid4()
    first = await _record(county, person.id, source)
    again = await _record(county, person.id, source)
    assert first.id == again.id and await _count(county, source) == 1
    assert (first.points, first.recorded_by, first.category) == (-2, "系统", "4.4"[0])
    complaint = await _record(county, person.id, uuid.uuid4(), "2.1")
    assert complaint.points == -10


@pytest.mark.postgresql_only
async def test_two_racing_calls_leave_one_event(county):
    with pinned():
        person = await hire(county, "town_b", name="并发被评价人", hire_date=date(2024, 3, 4))
    source = uuid.uuid4()
    results = await asyncio.gather(*(_record(county, person.id, source) for _ in range(4)))
    assert len({r.id for r in results}) == 1
    assert await _count(county, source) == 1
