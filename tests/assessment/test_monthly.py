"""Events, the monthly close, adjustments and publication through the services, on both
databases: the 91-point month, 1.5 → POOR, the quota of 3 among 10, suspension, idempotence."""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from assessment import monthly, recording, rubric
from assessment.models import AssessmentStatus, MonthlyGrade, MonthlyScore
from assessment.recording import NewEvent
from authz.errors import Forbidden
from tenants.errors import UserErrors
from tenants.models import AuditEvent
from tests.assessment.world import FEB, JAN, build_world, pinned
from tests.support.factories import make_county
from workforce.models import Staff, StaffStatus

COUNTY_NAME = "考核测试县"


@pytest.fixture(scope="module")
async def world(db):
    return await build_world(await make_county(db, COUNTY_NAME))


async def record(county, who: str, staff: Staff, code: str, on: date, **kw):
    with pinned():
        async with county.db.transaction(county.tenant_id) as session:
            actor = await county.actor(who)
            return await recording.record_event(
                session, actor, NewEvent(staff_id=staff.id, item_code=code, occurred_on=on, **kw)
            )


async def close(county, month: date):
    async with county.db.transaction(county.tenant_id) as session:
        return await monthly.close_month(session, "admin", month)


async def scores(county, month: date) -> dict:
    async with county.db.session(county.tenant_id) as session:
        row = await monthly.find_month(session, month)
        rows = await session.execute(select(MonthlyScore).where(MonthlyScore.month_id == row.id))
        return {s.staff_id: s for s in rows.scalars()}


def refused(exc: pytest.ExceptionInfo) -> list[str]:
    return [e.code for e in exc.value.errors]


async def test_january(world):
    county, people = world.county, world.town_a
    first, grave = people[0], people[1]
    # the 91-point month, recorded by the township head of 甲镇
    await record(county, "head_a", first, "1.1", date(2026, 1, 5), count=2)
    await record(county, "head_a", first, "1.4", date(2026, 1, 8))
    await record(county, "head_a", first, "4.4", date(2026, 1, 9))
    await record(county, "head_a", first, "6.2", date(2026, 1, 20), points=5, note="锦旗")
    # 1.5 once: POOR whatever the rest (and a bonus that would make it 90)
    await record(county, "head_a", grave, "1.5", date(2026, 1, 12))
    await record(county, "admin", grave, "6.1", date(2026, 1, 13), points=20)
    # people[2..5] keep 100 points; [6..9] lose some and stay FAIR
    for i, person in enumerate(people[6:]):
        await record(county, "head_a", person, "3.1", date(2026, 1, 14), count=i + 3)
    month = await close(county, JAN)
    assert month.status is AssessmentStatus.CLOSED
    assert month.assessed_count == 12  # ten at 甲镇, one at 乙镇, one at the centre
    assert month.good_quota == 3  # ⌊30% × 12⌋
    s = await scores(county, JAN)
    assert s[first.id].total == 91
    assert s[first.id].categories == {"1": 18, "2": 20, "3": 20, "4": 13, "5": 15, "6": 5}
    assert s[grave.id].total == 90 and s[grave.id].grade is MonthlyGrade.POOR
    assert s[grave.id].reward == Decimal("0.00")
    goods = [p for p in s.values() if p.grade is MonthlyGrade.GOOD]
    assert len(goods) == 3 == month.good_count
    # six people with 100 (2..5, 乙镇, centre), the earliest hired win the ties
    assert {g.staff_id for g in goods} == {people[2].id, people[3].id, people[4].id}
    assert s[people[5].id].grade is MonthlyGrade.FAIR
    assert s[first.id].grade is MonthlyGrade.FAIR and s[first.id].reward == Decimal("273.00")
    assert s[people[2].id].reward == Decimal("300.00")
    assert s[first.id].site_id == county.sites["town_a"].id

    # closing again recomputes: one result per person
    await close(county, JAN)
    async with county.db.session(county.tenant_id) as session:
        count = await session.scalar(select(func.count()).select_from(MonthlyScore))
    assert count == 12


async def test_who_records(world):
    county = world.county
    with pytest.raises(Forbidden):
        await record(county, "head_a", world.town_b, "1.1", date(2026, 2, 2))
    with pytest.raises(Forbidden):
        await record(county, "staff_a1", world.town_a[0], "1.1", date(2026, 2, 2))
    with pytest.raises(Forbidden):
        await record(county, "dept", world.town_a[0], "1.1", date(2026, 2, 2))
    await record(county, "admin", world.town_b, "1.1", date(2026, 2, 2))
    with pytest.raises(UserErrors) as exc:
        await record(county, "head_a", world.town_a[0], "9.9", date(2026, 2, 2))
    assert refused(exc) == ["UNKNOWN_ITEM"]
    with pytest.raises(UserErrors) as exc:
        await record(county, "head_a", world.town_a[0], "2.4", date(2026, 2, 2))
    assert refused(exc) == ["POINTS_REQUIRED"]
    with pytest.raises(UserErrors) as exc:
        await record(county, "head_a", world.town_a[0], "1.1", date(2026, 3, 20))
    assert refused(exc) == ["FUTURE_DATE"]


async def test_adjust_publish_and_correct(world):
    county, people = world.county, world.town_a
    await close(county, JAN)

    async def adjust(staff, grade, reason=None):
        async with county.db.transaction(county.tenant_id) as session:
            return await monthly.adjust_grade(session, "admin", JAN, staff.id, grade, reason)

    with pytest.raises(UserErrors) as exc:
        await adjust(people[5], MonthlyGrade.GOOD)
    assert refused(exc) == ["GOOD_QUOTA_FULL"]
    with pytest.raises(UserErrors) as exc:
        await adjust(people[2], MonthlyGrade.POOR)
    assert refused(exc) == ["REASON_REQUIRED"]
    with pytest.raises(UserErrors) as exc:
        await adjust(people[1], MonthlyGrade.FAIR)  # 1.5: the rules make it POOR
    assert refused(exc) == ["RULE_POOR"]
    # a GOOD given up frees a place in the quota
    await adjust(people[2], MonthlyGrade.FAIR, "复核")
    score = await adjust(people[5], MonthlyGrade.GOOD)
    assert score.grade is MonthlyGrade.GOOD and score.reward == Decimal("300.00")

    async with county.db.transaction(county.tenant_id) as session:
        month = await monthly.publish_month(session, "admin", JAN)
    assert month.status is AssessmentStatus.PUBLISHED and month.good_count == 3
    with pytest.raises(UserErrors) as exc:
        await close(county, JAN)
    assert refused(exc) == ["MONTH_FINAL"]
    with pytest.raises(UserErrors) as exc:
        await record(county, "head_a", people[0], "1.1", date(2026, 1, 30))
    assert refused(exc) == ["MONTH_FINAL"]
    with pytest.raises(UserErrors) as exc:
        await adjust(people[6], MonthlyGrade.POOR)
    assert refused(exc) == ["REASON_REQUIRED"]
    # after publication: a correction, with its reason, on the record
    await adjust(people[6], MonthlyGrade.POOR, "复查发现违纪")
    async with county.db.session(county.tenant_id) as session:
        audits = await session.execute(
            select(AuditEvent.note).where(AuditEvent.action == "assessment.grade.correct")
        )
        assert audits.scalars().all() == ["复查发现违纪"]


async def test_void_and_suspension(world):
    county, people = world.county, world.town_a
    event = await record(county, "head_a", people[3], "1.2", date(2026, 2, 3))
    await close(county, FEB)
    assert (await scores(county, FEB))[people[3].id].total == 90
    with pytest.raises(UserErrors) as exc:
        async with county.db.transaction(county.tenant_id) as session:
            await recording.void_event(session, await county.actor("head_a"), event.id, " ")
    assert refused(exc) == ["REASON_REQUIRED"]
    with pinned():
        async with county.db.transaction(county.tenant_id) as session:
            voided = await recording.void_event(
                session, await county.actor("head_a"), event.id, "考勤机故障"
            )
    assert voided.voided
    async with county.db.session(county.tenant_id) as session:
        # a change in a closed month sends it back to OPEN
        assert (await monthly.find_month(session, FEB)).status is AssessmentStatus.OPEN
    # under investigation: the month is suspended until the case ends
    async with county.db.transaction(county.tenant_id) as session:
        person = await session.get(Staff, people[4].id)
        person.status_before_suspension, person.status = person.status, StaffStatus.SUSPENDED
    await close(county, FEB)
    s = await scores(county, FEB)
    assert s[people[3].id].total == 100
    assert s[people[4].id].suspended and s[people[4].id].grade is None
    assert s[people[4].id].reward == Decimal("0.00")
    with pytest.raises(UserErrors) as exc:
        async with county.db.transaction(county.tenant_id) as session:
            await monthly.adjust_grade(session, "admin", FEB, people[4].id, MonthlyGrade.FAIR, None)
    assert refused(exc) == ["UNDER_INVESTIGATION"]
    async with county.db.transaction(county.tenant_id) as session:
        person = await session.get(Staff, people[4].id)
        person.status = StaffStatus.ACTIVE
    async with county.db.transaction(county.tenant_id) as session:
        settled = await monthly.adjust_grade(
            session, "admin", FEB, people[4].id, MonthlyGrade.FAIR, "结案:不予处分"
        )
    assert not settled.suspended and settled.reward == Decimal("300.00")


async def test_an_edited_rubric_is_a_new_version_from_a_month_not_yet_closed(world):
    county = world.county
    async with county.db.session(county.tenant_id) as session:
        current = await rubric.rubric_in_force(session, JAN)
    document = copy.deepcopy(current.document)
    document["categories"][0]["items"][0]["points"] = -3  # 1.1: −3 instead of −5
    with pytest.raises(UserErrors) as exc:
        async with county.db.transaction(county.tenant_id) as session:
            await rubric.new_version(session, "admin", document, JAN, "试行")
    assert refused(exc) == ["MONTH_CLOSED"]
    bad = copy.deepcopy(document)
    bad["categories"][5]["items"][0]["points"] = -10  # a bonus that deducts
    with pytest.raises(UserErrors) as exc:
        async with county.db.transaction(county.tenant_id) as session:
            await rubric.new_version(session, "admin", bad, date(2026, 3, 1), None)
    assert refused(exc) == ["INVALID_POINTS"]
    async with county.db.transaction(county.tenant_id) as session:
        row = await rubric.new_version(session, "admin", document, date(2026, 3, 1), "修订")
    assert row.version == 2
    march = await record(county, "head_a", world.town_a[8], "1.1", date(2026, 3, 2))
    assert (march.points, march.rubric_version) == (-3, 2)
    async with county.db.session(county.tenant_id) as session:
        assert (await rubric.rubric_in_force(session, FEB)).version == 1
