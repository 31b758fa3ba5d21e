"""The date-sensitive workforce rules on awkward days: a month's last day, 29 February, the
year's last day and the first of March. Every expected date below is worked out by hand.

Month arithmetic clamps to the month's end (``add_months``): the 18- and 24-month certificate
marks of a hire on the 29th–31st can fall on the same day as a hire a day or two earlier, and
some days are nobody's mark (no hire reaches 18 months on 2026-12-31: 2025-06-31 does not exist).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tenants.errors import UserErrors
from tests.support.factories import make_county
from tests.support.workforce import hire, id_number, pin_today
from workforce import assignments, certificates, heads, placement
from workforce import staff as staff_service
from workforce.assignments import NewAssignment
from workforce.certificates import CertificateWarningLevel, warning_for
from workforce.common import acting_on, effective_status
from workforce.models import AssignmentKind, Post, SkillLevel, Staff, StaffStatus
from workforce.personal import InvalidIdNumber, parse_id_number

DUE, OVERDUE = CertificateWarningLevel.DUE_SOON, CertificateWarningLevel.OVERDUE
DAYS = [
    date(2026, 11, 30),
    date(2026, 1, 31),
    date(2028, 2, 29),
    date(2026, 12, 31),
    date(2027, 3, 1),
]

# On each day: hire date -> (warning level, the day it was reached), None for no warning.
WARNINGS: dict[date, dict[date, tuple[CertificateWarningLevel, date] | None]] = {
    date(2026, 11, 30): {
        date(2024, 11, 30): (OVERDUE, date(2026, 11, 30)),  # 24 months today
        date(2024, 12, 1): (DUE, date(2026, 6, 1)),  # 24 months tomorrow
        date(2025, 5, 30): (DUE, date(2026, 11, 30)),  # 18 months today
        date(2025, 5, 31): (DUE, date(2026, 11, 30)),  # 18 months: 11-31 clamps to today
        date(2025, 6, 1): None,  # 18 months tomorrow
    },
    date(2026, 1, 31): {
        date(2024, 1, 31): (OVERDUE, date(2026, 1, 31)),
        date(2024, 2, 1): (DUE, date(2025, 8, 1)),
        date(2024, 7, 31): (DUE, date(2026, 1, 31)),
        date(2024, 8, 1): None,
    },
    date(2028, 2, 29): {
        date(2026, 2, 28): (OVERDUE, date(2028, 2, 28)),  # nobody reaches 24 months on 02-29
        date(2026, 3, 1): (DUE, date(2027, 9, 1)),
        date(2026, 8, 28): (DUE, date(2028, 2, 28)),
        date(2026, 8, 29): (DUE, date(2028, 2, 29)),
        date(2026, 8, 31): (DUE, date(2028, 2, 29)),  # 02-31 clamps to the leap day
        date(2026, 9, 1): None,
    },
    date(2026, 12, 31): {
        date(2024, 12, 31): (OVERDUE, date(2026, 12, 31)),
        date(2025, 1, 1): (DUE, date(2026, 7, 1)),
        date(2025, 6, 30): (DUE, date(2026, 12, 30)),  # nobody reaches 18 months on 12-31
        date(2025, 7, 1): None,
    },
    date(2027, 3, 1): {
        date(2025, 3, 1): (OVERDUE, date(2027, 3, 1)),
        date(2025, 3, 2): (DUE, date(2026, 9, 2)),
        date(2025, 8, 31): (DUE, date(2027, 2, 28)),  # 02-31 clamps to 02-28
        date(2025, 9, 1): (DUE, date(2027, 3, 1)),
        date(2025, 9, 2): None,
    },
}

# Hire day -> the last day of the 3-month probation (the day before the same day 3 months on,
# clamped first: a hire on 11-30 ends probation on 02-27, like one on 11-28).
PROBATION_END = {
    date(2026, 11, 30): date(2027, 2, 27),
    date(2026, 1, 31): date(2026, 4, 29),
    date(2028, 2, 29): date(2028, 5, 28),
    date(2026, 12, 31): date(2027, 3, 30),
    date(2027, 3, 1): date(2027, 5, 31),
}

# Written notice on the day -> the last day, 30 calendar days later.
LAST_DAY = {
    date(2026, 11, 30): date(2026, 12, 30),
    date(2026, 1, 31): date(2026, 3, 2),
    date(2028, 2, 29): date(2028, 3, 30),
    date(2026, 12, 31): date(2027, 1, 30),
    date(2027, 3, 1): date(2027, 3, 31),
}

# The day, 16 years earlier (the minimum working age): all exist, 2012-02-29 included.
SIXTEENTH_BIRTHDAY = {
    date(2026, 11, 30): date(2010, 11, 30),
    date(2026, 1, 31): date(2010, 1, 31),
    date(2028, 2, 29): date(2012, 2, 29),
    date(2026, 12, 31): date(2010, 12, 31),
    date(2027, 3, 1): date(2011, 3, 1),
}


def test_the_tables_cover_every_day():
    assert set(WARNINGS) == set(PROBATION_END) == set(LAST_DAY) == set(DAYS)
    assert set(SIXTEENTH_BIRTHDAY) == set(DAYS)


@pytest.fixture(scope="module")
async def county(db):
    return await make_county(db, "闰日县")


@pytest.fixture(params=DAYS, ids=str)
def day(request, monkeypatch) -> date:
    """Each awkward day in turn, and the services' own calendar (``today()``) reads it too."""
    return pin_today(monkeypatch, request.param)


def test_certificate_warning_levels(day):
    for hired, expected in WARNINGS[day].items():
        person = Staff(hire_date=hired, status=StaffStatus.ACTIVE)
        found = warning_for(person, False, day, 18, 24)
        assert ((found.level, found.since) if found else None) == expected, hired
        assert warning_for(person, True, day, 18, 24) is None


async def test_certificate_warnings_listed_and_cleared(county, day):
    db, admin = county.db, await county.actor("admin")
    hired = {}
    for hire_date in WARNINGS[day]:
        person = await hire(county, "sub", name="待证", hire_date=hire_date)
        hired[person.id] = hire_date
    expected = {hire_date: found for hire_date, found in WARNINGS[day].items() if found}
    async with db.session(county.tenant_id) as session:
        listed = await certificates.certificate_warnings(session, admin, day)
        batch = await certificates.staff_warnings(session, list(hired), day)
    mine = [w for w in listed if w.staff.id in hired]
    assert {hired[w.staff.id]: (w.level, w.since) for w in mine} == expected
    assert [w.level for w in mine] == sorted((w.level for w in mine), key=lambda v: v != OVERDUE)
    assert {hired[sid]: (w.level, w.since) for sid, w in batch.items()} == expected

    overdue = next(sid for sid, h in hired.items() if expected.get(h, (None,))[0] is OVERDUE)
    async with db.transaction(county.tenant_id) as session:
        await certificates.record_certificate(
            session,
            admin,
            None,
            staff_id=overdue,
            level=SkillLevel.LEVEL_5,
            number=f"{county.code}-{day:%Y%m%d}",
            issued_on=day,
            scan_key=None,
            on=day,
        )
    async with db.session(county.tenant_id) as session:
        listed = await certificates.certificate_warnings(session, admin, day)
    assert overdue not in {w.staff.id for w in listed}


async def test_a_certificate_may_be_issued_today_not_tomorrow(county, day):
    admin = await county.actor("admin")
    person = await hire(county, "sub", name="发证", hire_date=day - timedelta(days=400))
    async with county.db.transaction(county.tenant_id) as session:
        with pytest.raises(UserErrors) as caught:
            await certificates.record_certificate(
                session,
                admin,
                None,
                staff_id=person.id,
                level=SkillLevel.LEVEL_5,
                number=f"{county.code}-F{day:%Y%m%d}",
                issued_on=day + timedelta(days=1),
                scan_key=None,
                on=day,
            )
    assert [(e.field, e.code) for e in caught.value.errors] == [("issuedOn", "FUTURE_DATE")]


async def test_probation_ends_by_itself(county, day):
    person = await hire(county, "town_a", name="试用", hire_date=day)
    end = PROBATION_END[day]
    assert person.probation_end == end
    assert effective_status(person, day) is StaffStatus.PROBATION
    assert effective_status(person, end) is StaffStatus.PROBATION
    assert effective_status(person, end + timedelta(days=1)) is StaffStatus.ACTIVE


async def test_notice_period_and_last_day(county, day):
    admin = await county.actor("admin")
    person = await hire(county, "town_a", name="辞职", hire_date=day - timedelta(days=500))
    async with county.db.transaction(county.tenant_id) as session:
        resigned = await staff_service.resign(session, admin, person.id, day, "个人原因")
    last = LAST_DAY[day]
    assert resigned.last_day == last
    assert effective_status(resigned, last) is StaffStatus.NOTICE_GIVEN
    assert effective_status(resigned, last + timedelta(days=1)) is StaffStatus.LEFT
    async with county.db.session(county.tenant_id) as session:
        on_last = await placement.placements(session, [person.id], last)
        after = await placement.placements(session, [person.id], last + timedelta(days=1))
    assert person.id in on_last and after == {}


async def test_a_one_day_cover_counts_on_that_day_only(county, day):
    """Both ends inclusive, across the month's (and the year's) end."""
    person = await hire(county, "town_a", name="顶岗", hire_date=day - timedelta(days=60))
    async with county.db.transaction(county.tenant_id) as session:
        await assignments.assign_staff(
            session,
            await county.actor("admin"),
            NewAssignment(
                staff_id=person.id,
                site_id=county.sites["town_b"].id,
                post=Post.INTAKE,
                kind=AssignmentKind.TEMPORARY_COVER,
                start_date=day,
                end_date=day,
            ),
        )
    town_a, town_b = county.sites["town_a"].id, county.sites["town_b"].id
    async with county.db.session(county.tenant_id) as session:
        for on, site in (
            (day - timedelta(days=1), town_a),
            (day, town_b),
            (day + timedelta(days=1), town_a),
        ):
            placed = await placement.placements(session, [person.id], on)
            assert placed[person.id].site_id == site, on


async def test_a_head_takes_office_on_the_effective_day(db, day):
    county = await make_county(db, "任期县")
    admin, site = await county.actor("admin"), county.sites["town_a"].id
    head = await county.actor("head_a")  # the township proposes, the county office agrees
    for name, effective in (("前任", date(2025, 1, 1)), ("继任", day)):
        # Proposed and agreed the day before the appointment takes effect (prior opinion).
        with acting_on(effective - timedelta(days=1)):
            async with db.transaction(county.tenant_id) as session:
                proposed = await heads.propose_head(
                    session,
                    head,
                    site_id=site,
                    staff_id=None,
                    person_name=name,
                    effective_date=effective,
                    reason=None,
                )
                await session.flush()
                await heads.review_head(session, admin, proposed.id, agree=True, reason=None)
    async with db.session(county.tenant_id) as session:
        before = await heads.current_heads(session, [site], day - timedelta(days=1))
        on = await heads.current_heads(session, [site], day)
        history = await heads.appointments_of(session, site)
    assert before[site].person_name == "前任"
    assert on[site].person_name == "继任"
    assert history[-1].ended_on == day - timedelta(days=1)


def test_minimum_working_age_on_the_birthday(day):
    number = id_number(SIXTEENTH_BIRTHDAY[day])
    assert parse_id_number(number, today=day).birth_date == SIXTEENTH_BIRTHDAY[day]
    with pytest.raises(InvalidIdNumber):
        parse_id_number(number, today=day - timedelta(days=1))
