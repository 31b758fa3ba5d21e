"""The maintained case counts (``casework.counts``): every intake and status change keeps them
equal to ``count(*)`` per site, processing site and status; a rolled-back intake leaves them
alone; bulk inserts add theirs in one statement; the case list's ``totalCount`` reads them
and equals a count; concurrent intakes and opposite moves race on PostgreSQL and lose no
count (and do not deadlock)."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, date

import pytest
from sqlalchemy import func, select, update

from authz.errors import Forbidden
from casework import counts, flow, intake, reading
from casework.common import local_day
from casework.deadlines import DeadlineState
from casework.models import Case, CaseCount, CaseDay, CaseStatus
from tests.casework.world import World, build_world
from tests.support.casework import CIPHER, accept, applicant, at, decide, issue
from tests.support.catalog import PENSION

COUNTY_NAME = "计数县"
MON = date(2025, 3, 3)
TUE = date(2025, 3, 4)
NO_FILTER = {
    "statuses": None,
    "deadline_state": None,
    "accepted_from": None,
    "accepted_to": None,
    "search": None,
}


@pytest.fixture(scope="module")
async def world(county) -> World:
    return await build_world(county)


def town_intake(world):
    return accept(
        world.county,
        world.town_desk,
        world.town_counter,
        at(MON),
        matter=PENSION,
        received=["居民身份证", "户口簿"],
    )


async def counted(county) -> dict[tuple, int]:
    async with county.db.session(county.tenant_id) as session:
        rows = await session.execute(
            select(
                CaseCount.site_id, CaseCount.processing_site_id, CaseCount.status, CaseCount.cases
            )
        )
        return {(s, p, st): n for s, p, st, n in rows.tuples() if n != 0}


async def actual(county) -> dict[tuple, int]:
    async with county.db.session(county.tenant_id) as session:
        rows = await session.execute(
            select(Case.site_id, Case.processing_site_id, Case.status, func.count()).group_by(
                Case.site_id, Case.processing_site_id, Case.status
            )
        )
        return {(s, p, st): n for s, p, st, n in rows.tuples()}


async def days_counted(county) -> dict[tuple, tuple[int, ...]]:
    async with county.db.session(county.tenant_id) as session:
        rows = await session.execute(
            select(
                CaseDay.site_id,
                CaseDay.day,
                CaseDay.accepted,
                CaseDay.issued,
                CaseDay.decided,
                CaseDay.decided_late,
            )
        )
        return {(s, d): tuple(n) for s, d, *n in rows.tuples() if any(n)}


async def days_actual(county) -> dict[tuple, tuple[int, ...]]:
    """What the report's days must say, worked out from the cases in Python."""
    days: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    async with county.db.session(county.tenant_id) as session:
        for case in (await session.execute(select(Case))).scalars():
            days[(case.site_id, case.accepted_on)][0] += 1
            if case.issued_at is not None:
                instant = case.issued_at
                if instant.tzinfo is None:  # SQLite gives back naive UTC
                    instant = instant.replace(tzinfo=UTC)
                days[(case.site_id, local_day(instant))][1] += 1
            if case.decided_on is not None and case.due_date is not None:
                days[(case.site_id, case.decided_on)][2] += 1
                days[(case.site_id, case.decided_on)][3] += case.decided_on > case.due_date
    return {key: tuple(n) for key, n in days.items()}


async def assert_counts_exact(county) -> None:
    assert await counted(county) == await actual(county)
    assert await days_counted(county) == await days_actual(county)


async def _act(county, who, change):
    async with county.db.transaction(county.tenant_id) as session:
        return await change(session, await who.actor())


async def test_every_step_moves_the_count(world):
    county = world.county
    root_case = (await accept(county, world.desk, world.counter, at(MON))).case
    town_case = (await town_intake(world)).case
    await assert_counts_exact(county)

    await _act(
        county,
        world.approver,
        lambda s, a: flow.request_supplement(s, a, root_case.id, ["户口簿"], None, at(MON)),
    )
    await assert_counts_exact(county)
    await _act(
        county,
        world.desk2,
        lambda s, a: flow.receive_supplement(s, a, root_case.id, ["户口簿"], at(MON)),
    )
    await assert_counts_exact(county)
    decided = await decide(county, world.approver, root_case, at(MON))
    assert decided.status is CaseStatus.APPROVED
    await assert_counts_exact(county)
    # 07:00 in China is the day before in UTC: the issue counts on China's day.
    await issue(county, world.issuer, root_case, world.issue_window, at(TUE, 7))
    await assert_counts_exact(county)
    await _act(
        county,
        world.town_desk,
        lambda s, a: flow.withdraw_case(s, a, town_case.id, "申请人撤回", at(MON)),
    )
    await assert_counts_exact(county)
    refused = (await accept(county, world.desk, world.counter, at(MON))).case
    await decide(county, world.approver, refused, at(MON), approve=False)
    await assert_counts_exact(county)
    assert sum((await counted(county)).values()) == sum((await actual(county)).values()) >= 3


async def test_a_refused_change_moves_nothing(world):
    county = world.county
    case = (await accept(county, world.desk, world.counter, at(MON))).case
    before = await counted(county)
    with pytest.raises(Forbidden):  # a front desk does not decide
        await decide(county, world.desk, case, at(MON))
    assert await counted(county) == before


async def test_a_rolled_back_intake_is_not_counted(world):
    county = world.county
    before = await counted(county)

    class Abandon(Exception):
        pass

    with pytest.raises(Abandon):
        async with county.db.transaction(county.tenant_id) as session:
            await intake.accept_case(
                session,
                await world.desk.actor(),
                CIPHER,
                intake.NewCase(
                    window_id=world.counter.id,
                    matter_code="MZ-001",
                    applicant=applicant(),
                    received=["居民身份证", "户口簿", "近期半身免冠合影照片"],
                ),
                at(MON),
            )
            raise Abandon()
    assert await counted(county) == before
    await assert_counts_exact(county)


async def test_bulk_inserts_add_their_counts_and_recount_repairs(world):
    """Rows written behind the rules' back (a loader's bulk insert) are counted by
    ``add_cases``; ``recount`` rebuilds a county's counts from its cases."""
    county = world.county
    case = (await accept(county, world.desk, world.counter, at(MON))).case
    async with county.db.transaction(county.tenant_id) as session:
        # As a bulk loader would: a status written without moving the count …
        await session.execute(
            update(Case)
            .where(Case.id == case.id)
            .values(status=CaseStatus.ISSUED)
            .execution_options(synchronize_session=False)
        )
    assert await counted(county) != await actual(county)
    async with county.db.transaction(county.tenant_id) as session:
        await counts.recount(session)
    await assert_counts_exact(county)

    async with county.db.transaction(county.tenant_id) as session:
        await session.execute(
            update(CaseCount).values(cases=0).execution_options(synchronize_session=False)
        )
        await session.execute(
            update(CaseDay)
            .values(accepted=0, issued=0, decided=0, decided_late=0)
            .execution_options(synchronize_session=False)
        )
        await counts.add_cases(session, Case.id == case.id)
        await counts.add_cases(session, Case.id != case.id)
    await assert_counts_exact(county)


async def test_the_case_list_total_is_the_count(world):
    county = world.county
    for _ in range(4):  # cases of its own: the test holds whichever tests ran before it
        await town_intake(world)
    admin = await county.actor("admin")
    head = await county.actor("head_a")
    town = county.sites["town_a"].id
    cases = [
        (admin, None, NO_FILTER),
        (admin, None, {**NO_FILTER, "statuses": [CaseStatus.ACCEPTED, CaseStatus.ISSUED]}),
        (head, town, NO_FILTER),
        (head, town, {**NO_FILTER, "statuses": [CaseStatus.WITHDRAWN]}),
        (admin, county.sites["sub"].id, NO_FILTER),
        # Answered by a count over the cases:
        (admin, None, {**NO_FILTER, "accepted_from": MON, "accepted_to": MON}),
        (admin, None, {**NO_FILTER, "deadline_state": DeadlineState.OVERDUE}),
        (admin, None, {**NO_FILTER, "search": "李四"}),
    ]
    for actor, site_id, filters in cases:
        async with county.db.transaction(county.tenant_id) as session:
            rows, total = await reading.list_cases(
                session, actor, CIPHER, MON, site_id=site_id, offset=0, limit=500, **filters
            )
        assert total == len(rows), (site_id, filters)
    async with county.db.transaction(county.tenant_id) as session:
        _rows, everything = await reading.list_cases(
            session, admin, CIPHER, MON, site_id=None, offset=0, limit=1, **NO_FILTER
        )
        assert everything == await session.scalar(select(func.count()).select_from(Case)) > 3


@pytest.mark.postgresql_only
async def test_concurrent_intakes_and_opposite_moves_lose_no_count(world, backend):
    """Twelve intakes at one window, and at the same time supplements asked for four running
    cases while four others' supplements arrive (the two moves take the same two count rows,
    in opposite directions): every change commits and the counts equal ``count(*)``."""
    county = world.county
    day = date(2025, 4, 1)
    running = [(await accept(county, world.desk, world.counter, at(day))).case for _ in range(8)]
    waiting, asked = running[:4], running[4:]
    for case in waiting:
        await _act(
            county,
            world.approver,
            lambda s, a, c=case: flow.request_supplement(s, a, c.id, ["户口簿"], None, at(day)),
        )

    async def receive(case):
        return await _act(
            county,
            world.desk2,
            lambda s, a: flow.receive_supplement(s, a, case.id, ["户口簿"], at(day)),
        )

    async def ask(case):
        return await _act(
            county,
            world.approver2,
            lambda s, a: flow.request_supplement(s, a, case.id, ["户口簿"], None, at(day)),
        )

    results = await asyncio.gather(
        *(accept(county, world.desk, world.counter, at(day)) for _ in range(12)),
        *(receive(case) for case in waiting),
        *(ask(case) for case in asked),
        return_exceptions=True,
    )
    failures = [r for r in results if isinstance(r, BaseException)]
    assert not failures, failures
    await assert_counts_exact(county)
    async with county.db.session(county.tenant_id) as session:
        rows = await session.execute(
            select(Case.id, Case.status).where(Case.id.in_([c.id for c in running]))
        )
        statuses = dict(rows.tuples().all())
    assert {statuses[c.id] for c in waiting} == {CaseStatus.ACCEPTED}
    assert {statuses[c.id] for c in asked} == {CaseStatus.AWAITING_SUPPLEMENT}
