"""Intake's reads built once per process (``casework.intake``, ``casework.people``): they name
their county themselves instead of going through the ORM's tenant filter, so these tests check
that they see exactly what the filtered reads saw — in their county only, and the same person
on duty as ``casework.people.on_duty``."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from authz.errors import Forbidden
from casework import intake
from casework.models import Case
from casework.people import (
    approver_departments,
    departments_staffed,
    front_desk_post,
    on_duty,
    placed_today,
)
from tests.casework.world import World, build_world
from tests.support.casework import CIPHER, accept, applicant, at, move
from tests.support.catalog import PENSION
from tests.support.errors import refused
from tests.support.workforce import id_number
from workforce import staff as staff_service
from workforce.models import Post

COUNTY_NAMES = ("查询甲县", "查询乙县")
DAY = date(2025, 3, 4)  # a Tuesday


@pytest.fixture(scope="module")
async def worlds(two_counties) -> tuple[World, World]:
    first, second = two_counties
    return await build_world(first), await build_world(second)


async def test_another_countys_window_is_not_found(worlds):
    ours, theirs = worlds
    assert await refused(accept(ours.county, ours.desk, theirs.counter, at(DAY))) == [
        ("windowId", "NOT_FOUND")
    ]
    # and their own window still takes their case
    accepted = await accept(theirs.county, theirs.desk, theirs.counter, at(DAY))
    assert accepted.case.number.startswith(f"{theirs.county.code}-20250304-")


async def test_a_notice_of_another_county_is_not_the_first_receivers(worlds):
    ours, theirs = worlds
    number = id_number(date(1986, 5, 1))  # the same person in both counties: the same hash
    async with theirs.county.db.transaction(theirs.county.tenant_id) as session:
        notice = await intake.notify_missing(
            session,
            await theirs.desk2.actor(),
            CIPHER,
            intake.NewNotice(
                window_id=theirs.counter.id,
                matter_code="MZ-001",
                applicant=applicant(number=number),
                missing=["户口簿"],
            ),
            at(DAY, 9),
        )
    accepted = await accept(
        ours.county, ours.desk, ours.counter, at(DAY), applicant=applicant(number=number)
    )
    assert accepted.case.notice_id is None
    assert accepted.case.first_receiver_id == ours.desk.staff.id
    # in its own county the notice is found, once
    answered = await accept(
        theirs.county, theirs.desk, theirs.counter, at(DAY), applicant=applicant(number=number)
    )
    assert answered.case.notice_id == notice.id
    assert answered.case.first_receiver_id == theirs.desk2.staff.id
    again = await accept(
        theirs.county, theirs.desk, theirs.counter, at(DAY), applicant=applicant(number=number)
    )
    assert again.case.notice_id is None
    async with theirs.county.db.session(theirs.county.tenant_id) as session:
        linked = await session.execute(select(Case.id).where(Case.notice_id == notice.id))
        assert [row[0] for row in linked] == [answered.case.id]


async def _both(world: World, who, day: date):
    county = world.county
    actor = await who.actor()
    async with county.db.session(county.tenant_id) as session:
        duty = await on_duty(session, actor, day)
        placed = await front_desk_post(session, county.tenant_id, who.staff.id, day)
        # the work queue's plan reads the same as columns, with the departments staffed
        columns = await placed_today(session, county.tenant_id, who.staff.id, day)
        if duty is None:
            assert columns is None
        else:
            assert columns is not None
            assert (columns.site_id, columns.post) == (duty.placement.site_id, duty.placement.post)
            staffed = await departments_staffed(session, county.tenant_id, columns)
            assert staffed == await approver_departments(session, duty)
            return duty, placed, staffed
    return duty, placed, []


async def test_front_desk_post_is_who_is_on_duty(worlds):
    ours, theirs = worlds
    people = [
        ours.desk,
        ours.issuer,
        ours.approver,
        ours.hr_approver,
        ours.town_desk,
        ours.town_approver,
    ]
    moved = ours.desk2
    await move(ours.county, moved, "town_a", Post.ISSUE, date(2025, 4, 1))
    staffed: list[bool] = []
    for day in (DAY, date(2025, 4, 1)):
        for who in [*people, moved]:
            duty, placed, departments = await _both(ours, who, day)
            staffed.append(bool(departments))
            assert duty is not None
            assert placed == (duty.placement.site_id, duty.placement.post)
    assert (await _both(ours, moved, DAY))[1] == (ours.county.sites["root"].id, Post.INTAKE)
    assert (await _both(ours, moved, date(2025, 4, 1)))[1] == (
        ours.county.sites["town_a"].id,
        Post.ISSUE,
    )
    assert any(staffed), "no department's approver was compared"
    # a staff id of another county is nobody here
    async with ours.county.db.session(ours.county.tenant_id) as session:
        assert (
            await front_desk_post(session, ours.county.tenant_id, theirs.desk.staff.id, DAY) is None
        )
    # the moved clerk may no longer accept at the county centre, and may at 甲镇
    with pytest.raises(Forbidden):
        await accept(ours.county, moved, ours.counter, at(date(2025, 4, 2)))
    accepted = await accept(
        ours.county,
        moved,
        ours.town_counter,
        at(date(2025, 4, 2)),
        matter=PENSION,
        received=["居民身份证", "户口簿"],
    )
    assert accepted.case.accepted_by_id == moved.staff.id


async def test_a_suspended_clerk_is_not_on_duty(worlds):
    _ours, theirs = worlds
    county = theirs.county
    clerk = theirs.desk2
    before = await accept(county, clerk, theirs.counter, at(DAY))
    assert before.case.accepted_by_id == clerk.staff.id
    async with county.db.transaction(county.tenant_id) as session:
        await staff_service.suspend(session, await county.actor("admin"), clerk.staff.id, "调查")
    duty, placed, _departments = await _both(theirs, clerk, DAY)
    assert duty is None and placed is None
    with pytest.raises(Forbidden):
        await accept(county, clerk, theirs.counter, at(DAY))


def test_the_intakes_writes_can_run_by_the_driver():
    """On PostgreSQL an intake's writes run straight on asyncpg after their first execution
    (``tenants.prepared``): every column given, nothing computed per execution. One that could
    not would quietly pay SQLAlchemy's path again."""
    from sqlalchemy.dialects import postgresql

    from casework import counts, intake_rows, numbers
    from tenants import prepared

    dialect = postgresql.asyncpg.dialect()
    (write,) = intake_rows.write_statements("postgresql")  # the case, its step, its audit row: one
    hot = {
        "case, first step, audit row": write,
        "sequence": numbers.advance("postgresql"),
        "count": counts._count_upsert("postgresql"),
        "day": counts._day_upsert("postgresql", ("accepted",)),
        "number and audit head": intake_rows.number_and_link_statements("postgresql")[0],
    }
    for label, statement in hot.items():
        assert prepared.takeable(statement, dialect), label
    assert len(intake_rows.write_statements("sqlite")) == 4  # no data-modifying WITH there
    assert len(intake_rows.number_and_link_statements("sqlite")) == 2
