"""Effective-dated assignments: both ends inclusive; what counts where on a day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from network import service as network
from tests.support.errors import refused
from tests.support.factories import make_county
from tests.support.workforce import hire, pin_today
from workforce import assignments, placement
from workforce import staff as staff_service
from workforce.assignments import NewAssignment
from workforce.models import AssignmentKind, Post

COUNTY_NAME = "分配县"
D = date(2025, 3, 10)


@pytest.fixture(autouse=True)
def _on_d(monkeypatch):
    """The services' day is D: these assignments are made on or after it (history is a
    record: nothing starts before the day it is made)."""
    pin_today(monkeypatch, D)


async def assign(
    county,
    staff_id,
    site,
    *,
    kind=AssignmentKind.REGULAR,
    start=D,
    end=None,
    post=Post.INTAKE,
    actor="admin",
):
    async with county.db.transaction(county.tenant_id) as session:
        return await assignments.assign_staff(
            session,
            await county.actor(actor),
            NewAssignment(
                staff_id=staff_id,
                site_id=county.sites[site].id,
                post=post,
                kind=kind,
                start_date=start,
                end_date=end,
            ),
        )


async def where(county, staff_id, on: date) -> str | None:
    """The site key the person counts at on ``on``."""
    async with county.db.session(county.tenant_id) as session:
        placed = (await placement.placements(session, [staff_id], on)).get(staff_id)
    if placed is None:
        return None
    return next(k for k, s in county.sites.items() if s.id == placed.site_id)


async def test_hire_places_from_the_hire_date_inclusive(county):
    person = await hire(county, "town_a", hire_date=D)
    assert await where(county, person.id, D - timedelta(days=1)) is None
    assert await where(county, person.id, D) == "town_a"
    assert person.masked_id_number if False else person.id_number_masked.count("*") == 8


async def test_new_regular_closes_the_previous_one_the_day_before(county):
    person = await hire(county, "town_a", hire_date=D)
    move = D + timedelta(days=20)
    await assign(county, person.id, "town_b", start=move)
    assert await where(county, person.id, move - timedelta(days=1)) == "town_a"
    assert await where(county, person.id, move) == "town_b"
    async with county.db.session(county.tenant_id) as session:
        history = (await placement.history(session, [person.id]))[person.id]
    assert [(a.start_date, a.end_date) for a in history] == [
        (D, move - timedelta(days=1)),
        (move, None),
    ]


async def test_same_site_and_post_is_a_no_op_error_not_a_duplicate(county):
    person = await hire(county, "town_a", hire_date=D)
    errors = await refused(assign(county, person.id, "town_a", start=D + timedelta(days=3)))
    assert errors == [("siteId", "NO_CHANGE")]
    # Another post at the same site is a real change.
    await assign(county, person.id, "town_a", start=D + timedelta(days=3), post=Post.ISSUE)


async def test_regular_cannot_overlap_a_later_regular(county):
    person = await hire(county, "town_a", hire_date=D)
    await assign(county, person.id, "town_b", start=D + timedelta(days=30))
    errors = await refused(assign(county, person.id, "sub", start=D + timedelta(days=10)))
    assert errors == [("startDate", "OVERLAP")]


async def test_cover_counts_at_the_cover_site_for_exactly_its_days(county):
    person = await hire(county, "root", hire_date=D)
    start, end = D + timedelta(days=5), D + timedelta(days=9)
    await assign(
        county, person.id, "town_b", kind=AssignmentKind.TEMPORARY_COVER, start=start, end=end
    )
    assert await where(county, person.id, start - timedelta(days=1)) == "root"
    assert await where(county, person.id, start) == "town_b"
    assert await where(county, person.id, end) == "town_b"
    assert await where(county, person.id, end + timedelta(days=1)) == "root"
    async with county.db.session(county.tenant_id) as session:
        at_town, total = await placement.assignments_on(
            session, county.sites["town_b"].id, end, offset=0, limit=50
        )
        at_root, _ = await placement.assignments_on(
            session, county.sites["root"].id, end, offset=0, limit=50
        )
    assert person.id in {s.id for _a, s in at_town} and total == len(at_town)
    assert person.id not in {s.id for _a, s in at_root}
    # A second cover overlapping on a single boundary day is refused.
    errors = await refused(
        assign(
            county,
            person.id,
            "sub",
            kind=AssignmentKind.TEMPORARY_COVER,
            start=end,
            end=end + timedelta(days=3),
        )
    )
    assert errors == [("startDate", "OVERLAP")]
    # The day after is fine.
    await assign(
        county,
        person.id,
        "sub",
        kind=AssignmentKind.TEMPORARY_COVER,
        start=end + timedelta(days=1),
        end=end + timedelta(days=2),
    )


async def test_cover_must_be_bounded_and_short(county):
    person = await hire(county, "root", hire_date=D)
    assert await refused(
        assign(county, person.id, "town_a", kind=AssignmentKind.TEMPORARY_COVER, start=D)
    ) == [("endDate", "COVER_NEEDS_END")]
    assert await refused(
        assign(
            county,
            person.id,
            "town_a",
            kind=AssignmentKind.TEMPORARY_COVER,
            start=D,
            end=D + timedelta(days=200),
        )
    ) == [("endDate", "COVER_TOO_LONG")]
    assert await refused(
        assign(
            county,
            person.id,
            "town_a",
            kind=AssignmentKind.TEMPORARY_COVER,
            start=D + timedelta(days=2),
            end=D + timedelta(days=1),
        )
    ) == [("endDate", "INVALID_DATES")]


async def test_village_dispatch_only_within_own_township(county):
    person = await hire(county, "town_a", hire_date=D)
    await assign(
        county,
        person.id,
        "village_a1",
        kind=AssignmentKind.VILLAGE_DISPATCH,
        start=D + timedelta(days=1),
        post=Post.AGENCY,
        actor="head_a",
    )
    assert await where(county, person.id, D) == "town_a"
    assert await where(county, person.id, D + timedelta(days=1)) == "village_a1"
    assert await refused(
        assign(
            county,
            person.id,
            "village_b1",
            kind=AssignmentKind.VILLAGE_DISPATCH,
            start=D + timedelta(days=2),
        )
    ) == [("staffId", "DISPATCH_NOT_OWN_TOWNSHIP")]
    assert await refused(
        assign(
            county,
            person.id,
            "town_b",
            kind=AssignmentKind.VILLAGE_DISPATCH,
            start=D + timedelta(days=2),
        )
    ) == [("siteId", "DISPATCH_NOT_VILLAGE")]
    # Moving the person to another township ends the dispatch the day before.
    move = D + timedelta(days=40)
    await assign(county, person.id, "town_b", start=move)
    assert await where(county, person.id, move - timedelta(days=1)) == "village_a1"
    assert await where(county, person.id, move) == "town_b"


async def test_left_or_suspended_people_cannot_be_assigned(county):
    person = await hire(county, "town_a", hire_date=D)
    admin = await county.actor("admin")
    async with county.db.transaction(county.tenant_id) as session:
        await staff_service.suspend(session, admin, person.id, "接受调查")
    assert await refused(assign(county, person.id, "town_b", start=D + timedelta(days=5))) == [
        ("staffId", "STAFF_NOT_ASSIGNABLE")
    ]
    async with county.db.transaction(county.tenant_id) as session:
        await staff_service.reinstate(session, admin, person.id)
    notice = D  # recorded the day it is received
    async with county.db.transaction(county.tenant_id) as session:
        resigned = await staff_service.resign(session, admin, person.id, notice, "个人原因")
    assert resigned.last_day == notice + timedelta(days=30)
    assert await where(county, person.id, resigned.last_day) == "town_a"
    assert await where(county, person.id, resigned.last_day + timedelta(days=1)) is None
    assert await refused(
        assign(county, person.id, "town_b", start=resigned.last_day + timedelta(days=1))
    ) == [("staffId", "STAFF_NOT_ASSIGNABLE")]
    from workforce.common import effective_status
    from workforce.models import StaffStatus

    assert effective_status(resigned, resigned.last_day) is StaffStatus.NOTICE_GIVEN
    assert effective_status(resigned, resigned.last_day + timedelta(days=1)) is StaffStatus.LEFT


async def test_closed_site_receives_nobody(db):
    county = await make_county(db, "撤站县")
    person = await hire(county, "town_b", hire_date=D)
    async with county.db.transaction(county.tenant_id) as session:
        await network.close_site(
            session, await county.actor("admin"), county.sites["village_b1"].id, "合并"
        )
    assert await refused(
        assign(
            county,
            person.id,
            "village_b1",
            kind=AssignmentKind.VILLAGE_DISPATCH,
            start=D + timedelta(days=1),
        )
    ) == [("siteId", "SITE_CLOSED")]


async def test_staff_count_is_what_is_in_force_today(db):
    county = await make_county(db, "计数县")
    today = date(2026, 11, 30)
    one = await hire(county, "town_a", hire_date=today - timedelta(days=10))
    await hire(county, "town_a", hire_date=today - timedelta(days=10))
    await hire(county, "town_a", hire_date=today + timedelta(days=1))  # not yet
    await assign(
        county, one.id, "town_b", kind=AssignmentKind.TEMPORARY_COVER, start=today, end=today
    )
    sites = [county.sites["town_a"].id, county.sites["town_b"].id]
    async with county.db.session(county.tenant_id) as session:
        counts = await placement.staff_counts(session, sites, today)
        after = await placement.staff_counts(session, sites, today + timedelta(days=1))
    assert counts == {county.sites["town_a"].id: 1, county.sites["town_b"].id: 1}
    assert after == {county.sites["town_a"].id: 3, county.sites["town_b"].id: 0}
