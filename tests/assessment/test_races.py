"""What two concurrent requests could break, held by the database (PostgreSQL): the GOOD quota
when the office adjusts several grades at once, and one result per person when two closes of a
month (a retried job) run together."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import func, select

from assessment import monthly
from assessment.models import AssessmentMonth, MonthlyGrade, MonthlyScore
from tenants.errors import UserErrors
from tests.assessment.world import build_world
from tests.support.factories import make_county

pytestmark = pytest.mark.postgresql_only
MONTH = date(2026, 1, 1)


async def _close(county):
    async with county.db.transaction(county.tenant_id) as session:
        return await monthly.close_month(session, "admin", MONTH)


async def test_two_closes_leave_one_result_and_the_quota_holds(db):
    county = await make_county(db, "并发考核县")
    world = await build_world(county)
    await asyncio.gather(_close(county), _close(county), return_exceptions=False)
    async with county.db.session(county.tenant_id) as session:
        assert await session.scalar(select(func.count()).select_from(MonthlyScore)) == 12
        month = (await session.execute(select(AssessmentMonth))).scalar_one()
    assert (month.good_quota, month.good_count) == (3, 3)

    # every GOOD given up, then five people raised to GOOD at once: three win
    async def adjust(staff_id, grade, reason=None):
        async with county.db.transaction(county.tenant_id) as session:
            return await monthly.adjust_grade(session, "admin", MONTH, staff_id, grade, reason)

    async with county.db.session(county.tenant_id) as session:
        goods = (
            (
                await session.execute(
                    select(MonthlyScore.staff_id).where(MonthlyScore.grade == MonthlyGrade.GOOD)
                )
            )
            .scalars()
            .all()
        )
    for staff_id in goods:
        await adjust(staff_id, MonthlyGrade.FAIR, "复核")
    everyone = [p.id for p in world.town_a[2:7]]
    results = await asyncio.gather(
        *(adjust(sid, MonthlyGrade.GOOD) for sid in everyone), return_exceptions=True
    )
    won = [r for r in results if not isinstance(r, Exception)]
    lost = [r for r in results if isinstance(r, UserErrors)]
    assert len(won) == 3 and len(lost) == 2
    assert all(e.errors[0].code == "GOOD_QUOTA_FULL" for e in lost)
    async with county.db.session(county.tenant_id) as session:
        good = await session.scalar(
            select(func.count())
            .select_from(MonthlyScore)
            .where(MonthlyScore.grade == MonthlyGrade.GOOD)
        )
        month = (await session.execute(select(AssessmentMonth))).scalar_one()
    assert good == 3 == month.good_count
