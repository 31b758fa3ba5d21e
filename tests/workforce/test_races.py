"""Two changes racing on one person or one appointment: the database lets exactly one win.

Each race runs two changes at once, each in its own transaction the way a mutation runs
(``api.gql.errors.run_change``: a refusal, or an integrity error from a lost race, becomes
``userErrors``; anything else would be a 500 and fails the test). Every race is run ``TRIALS``
times with a new person. On PostgreSQL the two transactions interleave statement by statement;
on SQLite writers take turns, which the person's lock (``workforce.common.lock_staff``) makes
cover the checks too.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from api.gql.errors import run_change
from tenants.base import utcnow
from tenants.database import Database
from tenants.models import AuditEvent
from tests.support.factories import County
from tests.support.workforce import head_proposal, hire, pin_today
from workforce import assignments, certificates, heads, redeployment
from workforce import staff as staff_service
from workforce.assignments import NewAssignment
from workforce.common import lock_staff
from workforce.models import (
    Assignment,
    AssignmentKind,
    HeadAppointment,
    HeadAppointmentStatus,
    Post,
    RedeploymentMove,
    SkillLevel,
    Staff,
    StaffStatus,
)

COUNTY_NAME = "并发县"
TRIALS = 8
HIRED = date(2025, 1, 6)
EFFECTIVE = date(2025, 4, 1)

Change = Callable[[AsyncSession], Awaitable[object]]


@pytest.fixture(autouse=True)
def _before_it_all(monkeypatch):
    """The changes are made before their dates (orders, covers, opinions take effect later)."""
    pin_today(monkeypatch, date(2024, 12, 31))


async def attempt(county: County, change: Change) -> list[str]:
    """Run ``change`` in its own transaction as a mutation does: ``[]`` when it committed, else
    the codes of its ``userErrors``."""
    _, errors = await run_change(lambda: county.db.transaction(county.tenant_id), change)
    return [e.code for e in errors]


async def race(county: County, first: Change, second: Change) -> list[list[str]]:
    return list(await asyncio.gather(attempt(county, first), attempt(county, second)))


def one_winner(outcomes: list[list[str]], loser_codes: set[str]) -> None:
    winners = [codes for codes in outcomes if not codes]
    losers = [codes for codes in outcomes if codes]
    assert len(winners) == 1, f"expected exactly one winner: {outcomes}"
    assert len(losers[0]) == 1 and losers[0][0] in loser_codes, outcomes


async def kind_rows(county: County, staff_id, kind: AssignmentKind) -> list[Assignment]:
    async with county.db.session(county.tenant_id) as session:
        rows = await session.execute(
            select(Assignment)
            .where(Assignment.staff_id == staff_id, Assignment.kind == kind)
            .order_by(Assignment.start_date, Assignment.created_at)
        )
        return list(rows.scalars())


def assert_no_overlap(rows: list[Assignment]) -> None:
    """No two of the rows share a day (both ends inclusive, no end: open)."""
    for earlier, later in itertools.pairwise(rows):
        assert earlier.end_date is not None and earlier.end_date < later.start_date, [
            (r.site_id, r.start_date, r.end_date) for r in rows
        ]


async def test_racing_redeployment_orders_leave_one_regular_post(county: County):
    admin = await county.actor("admin")

    def order_to(person: Staff, site: str) -> Change:
        return lambda session: redeployment.redeploy(
            session,
            admin,
            effective_date=EFFECTIVE,
            reason="窗口忙闲不均",
            moves=[redeployment.Move(person.id, county.sites[site].id, Post.INTAKE)],
        )

    for trial in range(TRIALS):
        person = await hire(county, "town_a", name=f"调配{trial}", hire_date=HIRED)
        outcomes = await race(county, order_to(person, "town_b"), order_to(person, "sub"))
        one_winner(outcomes, {"OVERLAP", "CONFLICT"})
        regular = await kind_rows(county, person.id, AssignmentKind.REGULAR)
        assert [r.end_date for r in regular].count(None) == 1
        assert_no_overlap(regular)
        async with county.db.session(county.tenant_id) as session:
            moves = await session.execute(
                select(func.count()).where(RedeploymentMove.staff_id == person.id)
            )
            assert moves.scalar_one() == 1


async def test_racing_covers_leave_one_cover(county: County):
    admin = await county.actor("admin")

    def cover_at(person: Staff, site: str) -> Change:
        return lambda session: assignments.assign_staff(
            session,
            admin,
            NewAssignment(
                staff_id=person.id,
                site_id=county.sites[site].id,
                post=Post.GUIDANCE,
                kind=AssignmentKind.TEMPORARY_COVER,
                start_date=EFFECTIVE,
                end_date=EFFECTIVE + timedelta(days=4),
                reason="病假顶岗",
            ),
        )

    for trial in range(TRIALS):
        person = await hire(county, "town_a", name=f"顶岗{trial}", hire_date=HIRED)
        outcomes = await race(county, cover_at(person, "village_a1"), cover_at(person, "town_b"))
        one_winner(outcomes, {"OVERLAP", "CONFLICT"})
        covers = await kind_rows(county, person.id, AssignmentKind.TEMPORARY_COVER)
        assert len(covers) == 1


async def test_racing_village_dispatches_leave_one_dispatch(county: County):
    head = await county.actor("head_a")

    def dispatch_to(person: Staff, site: str) -> Change:
        return lambda session: assignments.assign_staff(
            session,
            head,
            NewAssignment(
                staff_id=person.id,
                site_id=county.sites[site].id,
                post=Post.AGENCY,
                kind=AssignmentKind.VILLAGE_DISPATCH,
                start_date=EFFECTIVE,
            ),
        )

    for trial in range(TRIALS):
        person = await hire(county, "town_a", name=f"派驻{trial}", hire_date=HIRED)
        outcomes = await race(
            county, dispatch_to(person, "village_a1"), dispatch_to(person, "village_a2")
        )
        one_winner(outcomes, {"OVERLAP", "CONFLICT"})
        dispatches = await kind_rows(county, person.id, AssignmentKind.VILLAGE_DISPATCH)
        assert len(dispatches) == 1


async def test_racing_move_and_dispatch_leave_no_dispatch_behind(county: County):
    """A move away from the township ends the person's dispatch the day before; a dispatch
    racing the move either comes first (and is ended by it) or sees the move (and ends with the
    regular post it follows)."""
    admin, head = await county.actor("admin"), await county.actor("head_a")
    for trial in range(TRIALS):
        person = await hire(county, "town_a", name=f"调走{trial}", hire_date=HIRED)
        move = lambda session, person=person: redeployment.redeploy(  # noqa: E731
            session,
            admin,
            effective_date=EFFECTIVE,
            reason="调往乙镇",
            moves=[redeployment.Move(person.id, county.sites["town_b"].id, Post.INTAKE)],
        )
        dispatch = lambda session, person=person: assignments.assign_staff(  # noqa: E731
            session,
            head,
            NewAssignment(
                staff_id=person.id,
                site_id=county.sites["village_a1"].id,
                post=Post.AGENCY,
                kind=AssignmentKind.VILLAGE_DISPATCH,
                start_date=EFFECTIVE - timedelta(days=10),
            ),
        )
        assert await race(county, move, dispatch) == [[], []]
        (row,) = await kind_rows(county, person.id, AssignmentKind.VILLAGE_DISPATCH)
        assert row.end_date == EFFECTIVE - timedelta(days=1)


async def test_racing_opinions_on_one_appointment_one_wins(county: County):
    admin = await county.actor("admin")
    site = county.sites["town_a"]

    def opinion(appointment: HeadAppointment, agree: bool) -> Change:
        return lambda session: heads.review_head(
            session, admin, appointment.id, agree=agree, reason=None if agree else "人选不合适"
        )

    for trial in range(TRIALS):
        async with county.db.transaction(county.tenant_id) as session:
            appointment = head_proposal(site, f"负责人{trial}")
            session.add(appointment)
        outcomes = await race(county, opinion(appointment, True), opinion(appointment, False))
        one_winner(outcomes, {"ALREADY_REVIEWED"})
        async with county.db.session(county.tenant_id) as session:
            reviewed = await session.get(HeadAppointment, appointment.id)
            agreed = outcomes[0] == []
            assert reviewed.status is (
                HeadAppointmentStatus.AGREED if agreed else HeadAppointmentStatus.OBJECTED
            )
            assert (reviewed.opinion_reason is None) is agreed
            audits = await session.execute(
                select(AuditEvent.detail).where(
                    AuditEvent.action == "head.review", AuditEvent.object_id == str(appointment.id)
                )
            )
            assert audits.scalars().all() == [{"agree": agreed}]


async def test_racing_proposals_for_one_site_one_pending(county: County):
    head, admin = await county.actor("head_a"), await county.actor("admin")
    site = county.sites["town_a"]

    def proposal(name: str) -> Change:
        return lambda session: heads.propose_head(
            session,
            head,
            site_id=site.id,
            staff_id=None,
            person_name=name,
            effective_date=date(2025, 7, 1),
            reason=None,
        )

    for trial in range(TRIALS):
        outcomes = await race(county, proposal(f"甲{trial}"), proposal(f"乙{trial}"))
        one_winner(outcomes, {"PROPOSAL_PENDING", "CONFLICT"})
        async with county.db.transaction(county.tenant_id) as session:
            pending = (
                await session.execute(
                    select(HeadAppointment).where(
                        HeadAppointment.site_id == site.id,
                        HeadAppointment.status == HeadAppointmentStatus.PROPOSED,
                    )
                )
            ).scalars()
            (only,) = list(pending)
            await heads.review_head(session, admin, only.id, agree=False, reason="下一轮")


async def test_racing_suspensions_one_wins(county: County):
    admin = await county.actor("admin")
    for trial in range(TRIALS):
        person = await hire(county, "town_a", name=f"暂停{trial}", hire_date=HIRED)
        suspend = lambda session, person=person: staff_service.suspend(  # noqa: E731
            session, admin, person.id, "接受调查"
        )
        outcomes = await race(county, suspend, suspend)
        one_winner(outcomes, {"ALREADY_SUSPENDED"})
        async with county.db.session(county.tenant_id) as session:
            audits = await session.execute(
                select(func.count()).where(
                    AuditEvent.action == "staff.suspend", AuditEvent.object_id == str(person.id)
                )
            )
            assert audits.scalar_one() == 1


async def test_racing_resignation_and_suspension_keep_both(county: County, monkeypatch):
    """Whichever comes first, the person ends up suspended with the notice kept underneath."""
    pin_today(monkeypatch, date(2025, 3, 1))
    admin = await county.actor("admin")
    for trial in range(TRIALS):
        person = await hire(county, "town_a", name=f"辞职{trial}", hire_date=HIRED)
        resign = lambda session, person=person: staff_service.resign(  # noqa: E731
            session, admin, person.id, date(2025, 3, 1), None
        )
        suspend = lambda session, person=person: staff_service.suspend(  # noqa: E731
            session, admin, person.id, "接受调查"
        )
        outcomes = await race(county, resign, suspend)
        assert outcomes == [[], []], outcomes
        async with county.db.session(county.tenant_id) as session:
            after = await session.get(Staff, person.id)
            assert after.status is StaffStatus.SUSPENDED
            assert after.status_before_suspension is StaffStatus.NOTICE_GIVEN
            assert after.last_day is not None


async def test_racing_certificates_keep_the_highest_level(county: County):
    admin = await county.actor("admin")

    def certificate(person: Staff, level: SkillLevel, number: str) -> Change:
        return lambda session: certificates.record_certificate(
            session,
            admin,
            None,
            staff_id=person.id,
            level=level,
            number=number,
            issued_on=date(2025, 3, 1),
            scan_key=None,
            on=date(2025, 3, 2),
        )

    for trial in range(TRIALS):
        person = await hire(county, "town_a", name=f"持证{trial}", hire_date=HIRED)
        # The higher one starts first: without the lock the lower one's write lands last.
        outcomes = await race(
            county,
            certificate(person, SkillLevel.LEVEL_3, f"C3-{county.code}-{trial}"),
            certificate(person, SkillLevel.LEVEL_5, f"C5-{county.code}-{trial}"),
        )
        assert outcomes == [[], []], outcomes
        async with county.db.session(county.tenant_id) as session:
            assert (await session.get(Staff, person.id)).skill_level is SkillLevel.LEVEL_3


@pytest.mark.postgresql_only
async def test_the_database_refuses_overlapping_assignments_of_one_kind(county: County):
    """Behind the checks: the exclusion constraint, tried with rows the services would refuse."""
    person = await hire(county, "town_a", name="重叠", hire_date=HIRED)
    site = county.sites["town_b"].id

    def row(kind: AssignmentKind, start: date, end: date | None) -> Assignment:
        return Assignment(
            staff_id=person.id,
            site_id=site,
            post=Post.INTAKE,
            kind=kind,
            start_date=start,
            end_date=end,
            created_by="test",
        )

    # Allowed: other kinds over the same days, a period right after another one ends, and a
    # cancelled assignment over the same days (it takes part in nothing).
    async with county.db.transaction(county.tenant_id) as session:
        session.add(row(AssignmentKind.TEMPORARY_COVER, HIRED, HIRED + timedelta(days=3)))
        later = HIRED + timedelta(days=4)
        session.add(row(AssignmentKind.TEMPORARY_COVER, later, later + timedelta(days=2)))
        session.add(row(AssignmentKind.VILLAGE_DISPATCH, HIRED, None))
        cancelled = row(AssignmentKind.REGULAR, HIRED, None)
        cancelled.cancelled_at, cancelled.cancelled_by = utcnow(), "test"
        session.add(cancelled)
    for kind, start, end in [
        (AssignmentKind.REGULAR, HIRED + timedelta(days=100), None),  # the hire's is open
        (AssignmentKind.TEMPORARY_COVER, HIRED + timedelta(days=3), HIRED + timedelta(days=3)),
        (AssignmentKind.VILLAGE_DISPATCH, date(2030, 1, 1), date(2030, 1, 1)),
    ]:
        with pytest.raises(IntegrityError, match="ex_staff_assignments_no_overlap"):
            async with county.db.transaction(county.tenant_id) as session:
                session.add(row(kind, start, end))


@asynccontextmanager
async def short_lock_wait(backend, county: County) -> AsyncIterator[Database]:
    """A ``Database`` of the county whose transactions wait ~0.1 s for a lock, not 30 s (SQLite:
    busy timeout) or for ever (PostgreSQL: lock_timeout)."""
    impatient = Database(backend.app_url)

    @event.listens_for(impatient.engine.sync_engine, "connect")
    def _wait_briefly(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        if backend.name == "sqlite":
            cursor.execute("PRAGMA busy_timeout = 100")
        else:
            cursor.execute("SET lock_timeout = '100ms'")
        cursor.close()

    try:
        yield impatient
    finally:
        await impatient.dispose()


async def test_a_change_that_cannot_get_the_lock_in_time_is_a_conflict(backend, county: County):
    """Waiting for another change to the person ran out: a CONFLICT userError, never a 500."""
    admin = await county.actor("admin")
    person = await hire(county, "town_a", name="等锁", hire_date=HIRED)
    holding, release = asyncio.Event(), asyncio.Event()

    async def hold_the_person() -> None:
        async with county.db.transaction(county.tenant_id) as session:
            await lock_staff(session, [person.id])
            holding.set()
            await release.wait()

    holder = asyncio.create_task(hold_the_person())
    try:
        await holding.wait()
        async with short_lock_wait(backend, county) as impatient:
            _, errors = await run_change(
                lambda: impatient.transaction(county.tenant_id),
                lambda session: staff_service.suspend(session, admin, person.id, "接受调查"),
            )
    finally:
        release.set()
        await holder
    assert [e.code for e in errors] == ["CONFLICT"]
    async with county.db.session(county.tenant_id) as session:
        assert (await session.get(Staff, person.id)).status is not StaffStatus.SUSPENDED
