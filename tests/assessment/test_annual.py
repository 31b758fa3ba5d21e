"""The annual close through the services: two consecutive POOR months are a FAIL, with its
reasons, and the person is on workforce's review list (with repeated absence from 旷工 events)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

import assessment.dismissal  # noqa: F401  (its triggers, as the API registers them)
from assessment import annual, monthly, recording
from assessment.models import AnnualGrade, AnnualGradeRow
from tests.assessment.world import pinned
from tests.support.factories import make_county
from tests.support.workforce import hire
from workforce.review import review_list

COUNTY_NAME = "年度考核县"


@pytest.fixture(scope="module")
async def county(db):
    return await make_county(db, COUNTY_NAME)


async def test_two_poor_months_in_a_row_fail_and_are_reviewed(county):
    with pinned():
        bad = await hire(county, "town_a", name="连续差", hire_date=date(2024, 1, 2))
        fine = await hire(county, "town_a", name="平稳", hire_date=date(2024, 1, 2))
        admin = await county.actor("admin")
        async with county.db.transaction(county.tenant_id) as session:
            for on in (date(2026, 1, 9), date(2026, 2, 9)):
                await recording.record_event(
                    session, admin, recording.NewEvent(bad.id, "1.2", on, count=3)
                )
                await recording.record_event(session, admin, recording.NewEvent(bad.id, "2.2", on))
    async with county.db.transaction(county.tenant_id) as session:
        for month in (date(2026, 1, 1), date(2026, 2, 1)):
            await monthly.close_month(session, "admin", month)
            await monthly.publish_month(session, "admin", month)
        year = await annual.close_year(session, "admin", 2026)
    assert year.assessed_count == 2 and year.excellent_quota == 0
    async with county.db.session(county.tenant_id) as session:
        rows = await session.execute(select(AnnualGradeRow))
        grades = {r.staff_id: r for r in rows.scalars()}
    assert grades[bad.id].grade is AnnualGrade.FAIL and grades[bad.id].poor_months == 2
    assert grades[bad.id].reasons == ["连续两个月考核为“差”(1 月、2 月)"]
    assert grades[fine.id].grade is AnnualGrade.BASIC  # no GOOD in two months of the year

    with pinned(date(2027, 1, 10)):
        async with county.db.session(county.tenant_id) as session:
            entries = await review_list(session, admin, date(2027, 1, 10))
    flagged = {e.staff.id: {f.code for f in e.flags} for e in entries}
    assert "ANNUAL_FAIL" in flagged[bad.id]
    assert "ANNUAL_FAIL" not in flagged.get(fine.id, set())
    with pinned(date(2026, 3, 1)):
        async with county.db.session(county.tenant_id) as session:
            entries = await review_list(session, admin, date(2026, 3, 1))
    absent = {e.staff.id: e.flags for e in entries}
    assert [f.detail for f in absent[bad.id] if f.code == "REPEATED_ABSENCE"] == [
        "近 12 个月旷工 6 次"
    ]
