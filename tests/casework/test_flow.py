"""After intake: 补正 stops and restarts the clock, the decision, the issue, withdrawal;
separation of duties for every pair; who may act; concurrent decisions (PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import select

from authz.errors import Forbidden
from casework import flow
from casework.calendar import CHINA
from casework.models import Case, CaseEvent, CaseStatus, Delivery, EventKind
from tenants.errors import UserErrors
from tests.casework.world import World, build_world
from tests.support.casework import (
    ALLOWANCE,
    accept,
    at,
    decide,
    issue,
    move,
    person,
)
from tests.support.catalog import PENSION
from tests.support.errors import refused
from workforce.models import Post

COUNTY_NAME = "审批县"
MON = date(2025, 3, 3)


@pytest.fixture(scope="module")
async def world(county) -> World:
    return await build_world(county)


async def _run(county, call):
    async with county.db.transaction(county.tenant_id) as session:
        return await call(session)


async def request(world, who, case, day, items=("收入证明原件",), note="请补充"):
    return await _run(
        world.county,
        lambda s: _with_actor(
            who, lambda a: flow.request_supplement(s, a, case.id, list(items), note, at(day))
        ),
    )


async def receive(world, who, case, day, items=("收入证明原件",)):
    return await _run(
        world.county,
        lambda s: _with_actor(
            who, lambda a: flow.receive_supplement(s, a, case.id, list(items), at(day))
        ),
    )


async def _with_actor(who, call):
    return await call(await who.actor())


async def test_a_case_from_intake_to_issue(world):
    county = world.county
    accepted = await accept(county, world.desk, world.counter, at(MON))
    case = accepted.case
    assert case.due_date == CHINA.add_working_days(MON, 10) == date(2025, 3, 17)

    # Back office asks for more on Wednesday (2 working days spent: Tue, Wed); the clock stops.
    case = await request(world, world.approver, case, date(2025, 3, 5))
    assert case.status is CaseStatus.AWAITING_SUPPLEMENT
    assert (case.days_used, case.stopped_on, case.due_date) == (2, date(2025, 3, 5), None)
    # Received the next Monday: 8 working days left from then.
    case = await receive(world, world.desk2, case, date(2025, 3, 10))
    assert case.status is CaseStatus.ACCEPTED
    assert case.due_date == CHINA.add_working_days(date(2025, 3, 10), 8) == date(2025, 3, 20)
    assert case.stopped_on is None and case.supplement_items == []
    assert "收入证明原件" in case.received

    case = await decide(county, world.approver, case, at(date(2025, 3, 12)))
    assert case.status is CaseStatus.APPROVED
    assert (case.decided_by_id, case.decided_on, case.days_used) == (
        world.approver.staff.id,
        date(2025, 3, 12),
        4,
    )
    case = await issue(county, world.issuer, case, world.issue_window, at(date(2025, 3, 13)))
    assert case.status is CaseStatus.ISSUED
    assert (case.issued_by_id, case.delivery) == (world.issuer.staff.id, Delivery.COUNTER)

    async with county.db.session(county.tenant_id) as session:
        events = (
            (
                await session.execute(
                    select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at)
                )
            )
            .scalars()
            .all()
        )
    assert [(e.kind, e.from_status, e.to_status) for e in events] == [
        (EventKind.ACCEPTED, None, CaseStatus.ACCEPTED),
        (EventKind.SUPPLEMENT_REQUESTED, CaseStatus.ACCEPTED, CaseStatus.AWAITING_SUPPLEMENT),
        (EventKind.SUPPLEMENT_RECEIVED, CaseStatus.AWAITING_SUPPLEMENT, CaseStatus.ACCEPTED),
        (EventKind.APPROVED, CaseStatus.ACCEPTED, CaseStatus.APPROVED),
        (EventKind.ISSUED, CaseStatus.APPROVED, CaseStatus.ISSUED),
    ]
    assert [e.actor_staff_id for e in events] == [
        world.desk.staff.id,
        world.approver.staff.id,
        world.desk2.staff.id,
        world.approver.staff.id,
        world.issuer.staff.id,
    ]


async def test_refusal_needs_an_opinion_and_is_issued_by_mail(world):
    county = world.county
    case = (await accept(county, world.desk, world.counter, at(MON))).case

    async def refuse_without(session):
        return await flow.decide_case(
            session, await world.approver.actor(), case.id, False, "  ", None, at(MON)
        )

    assert await refused(_run(county, refuse_without)) == [("opinion", "OPINION_REQUIRED")]
    case = await decide(county, world.approver, case, at(MON), approve=False)
    assert case.status is CaseStatus.REFUSED and case.opinion == "不符合条件"

    async def mail(tracking):
        async def call(session):
            return await flow.issue_result(
                session,
                await world.issuer.actor(),
                case.id,
                world.issue_window.id,
                Delivery.MAIL,
                tracking,
                at(MON),
            )

        return await _run(county, call)

    assert await refused(mail(None)) == [("trackingNumber", "TRACKING_REQUIRED")]
    assert await refused(mail("顺丰!")) == [("trackingNumber", "INVALID_TRACKING")]
    mailed = await mail("SF1234567890")
    assert (mailed.status, mailed.delivery, mailed.tracking_number) == (
        CaseStatus.ISSUED,
        Delivery.MAIL,
        "SF1234567890",
    )
    assert await refused(mail("SF1234567890")) == [("caseId", "INVALID_STATUS")]


async def test_separation_of_duties_for_every_pair(world):
    """受理不审批 (accept → decide, and the supplement request), 审批不出件 (decide → issue);
    accepting and issuing one case is allowed (both are the front desk's)."""
    county = world.county
    # Someone accepts on Monday, then is posted to the 民政局's back office from Tuesday.
    mover = await person(county, "root", Post.INTAKE, employer=f"{county.name}民政局")
    case = (await accept(county, mover, world.counter, at(MON))).case
    await move(county, mover, "root", Post.APPROVAL, date(2025, 3, 4))
    tue = date(2025, 3, 4)
    assert await refused(decide(county, mover, case, at(tue))) == [
        ("caseId", "SEPARATION_OF_DUTIES")
    ]
    assert await refused(request(world, mover, case, tue)) == [("caseId", "SEPARATION_OF_DUTIES")]

    # An approver decides on Tuesday, then is posted to the issue window from Wednesday.
    decider = await person(county, "root", Post.APPROVAL, employer=f"{county.name}民政局")
    other = (await accept(county, world.desk, world.counter, at(MON))).case
    other = await decide(county, decider, other, at(tue))
    wed = date(2025, 3, 5)
    await move(county, decider, "root", Post.ISSUE, wed)
    assert await refused(issue(county, decider, other, world.issue_window, at(wed))) == [
        ("caseId", "SEPARATION_OF_DUTIES")
    ]

    # Who accepted may issue (the same front desk): allowed.
    both = await person(county, "root", Post.ISSUE)
    third = (await accept(county, both, world.counter, at(MON))).case
    third = await decide(county, world.approver, third, at(tue))
    issued = await issue(county, both, third, world.issue_window, at(tue))
    assert issued.accepted_by_id == issued.issued_by_id == both.staff.id


async def test_who_may_decide(world):
    county = world.county
    case = (await accept(county, world.desk, world.counter, at(MON))).case
    # Another department's approver at the same site, the front desk, an administrator and the
    # HR bureau's approver (another site) may not.
    for who in (world.market_approver, world.desk2, world.hr_approver, world.town_approver):
        with pytest.raises(Forbidden):
            await decide(county, who, case, at(MON))
    admin = await county.actor("admin")
    with pytest.raises(Forbidden):
        await _run(county, lambda s: flow.decide_case(s, admin, case.id, True, None, None, at(MON)))
    decided = await decide(county, world.approver2, case, at(MON))
    assert decided.decided_by_id == world.approver2.staff.id
    # Issue only at an ISSUE window of the case's own site, by its front desk.
    with pytest.raises(Forbidden):
        await issue(county, world.town_issuer, decided, world.issue_window, at(MON))
    assert await refused(issue(county, world.issuer, decided, world.counter, at(MON))) == [
        ("windowId", "NOT_ISSUE_WINDOW")
    ]
    assert await refused(issue(county, world.town_issuer, decided, world.town_issue, at(MON))) == [
        ("windowId", "WRONG_SITE")
    ]


async def test_a_township_decides_what_it_processes(world):
    county = world.county
    case = (
        await accept(
            county,
            world.town_desk,
            world.town_counter,
            at(MON),
            matter=PENSION,
            received=["居民身份证", "户口簿"],
        )
    ).case
    with pytest.raises(Forbidden):
        await decide(county, world.hr_approver, case, at(MON))
    decided = await decide(county, world.town_approver, case, at(MON))
    issued = await issue(county, world.town_issuer, decided, world.town_issue, at(MON))
    assert issued.status is CaseStatus.ISSUED


async def test_supplement_rules(world):
    county = world.county
    case = (await accept(county, world.desk, world.counter, at(MON))).case
    with pytest.raises(Forbidden):
        await request(world, world.desk2, case, MON)  # the front desk does not ask
    assert await refused(request(world, world.approver, case, MON, items=())) == [
        ("items", "REQUIRED")
    ]
    case = await request(world, world.approver, case, MON, items=("甲", "乙"))
    assert await refused(decide(county, world.approver, case, at(MON))) == [
        ("caseId", "SUPPLEMENT_PENDING")
    ]
    assert await refused(request(world, world.approver, case, MON)) == [
        ("caseId", "INVALID_STATUS")
    ]
    assert await refused(receive(world, world.desk, case, MON, items=("甲",))) == [
        ("items", "SUPPLEMENT_INCOMPLETE")
    ]
    assert await refused(receive(world, world.desk, case, MON, items=("甲", "乙", "丙"))) == [
        ("items[2]", "NOT_EXPECTED")
    ]
    with pytest.raises(Forbidden):
        await receive(world, world.town_desk, case, MON, items=("甲", "乙"))
    # Received the same day: nothing was spent, the whole limit is left.
    case = await receive(world, world.approver, case, MON, items=("甲", "乙"))
    assert case.due_date == CHINA.add_working_days(MON, 10)


async def test_deferred_materials_hold_the_issue_until_they_arrive(world):
    county = world.county
    case = (
        await accept(
            county,
            world.desk,
            world.counter,
            at(MON),
            matter=ALLOWANCE,
            received=["居民身份证", "申请表", "户籍证明"],
            deferred=["收入证明"],
        )
    ).case
    case = await decide(county, world.approver, case, at(MON))
    assert await refused(issue(county, world.issuer, case, world.issue_window, at(MON))) == [
        ("caseId", "DEFERRED_OUTSTANDING")
    ]
    case = await receive(world, world.desk, case, date(2025, 3, 4), items=("收入证明",))
    assert case.deferred == [] and case.status is CaseStatus.APPROVED
    issued = await issue(county, world.issuer, case, world.issue_window, at(date(2025, 3, 4)))
    assert issued.status is CaseStatus.ISSUED


async def test_withdrawal_before_a_decision_only(world):
    county = world.county
    case = (await accept(county, world.desk, world.counter, at(MON))).case

    async def withdraw(who, target):
        return await _run(
            county,
            lambda s: _with_actor(
                who, lambda a: flow.withdraw_case(s, a, target.id, "申请人主动撤回", at(MON))
            ),
        )

    with pytest.raises(Forbidden):
        await withdraw(world.approver, case)
    withdrawn = await withdraw(world.desk2, case)
    assert withdrawn.status is CaseStatus.WITHDRAWN
    assert await refused(decide(county, world.approver, withdrawn, at(MON))) == [
        ("caseId", "INVALID_STATUS")
    ]
    decided = await decide(
        county,
        world.approver,
        (await accept(county, world.desk, world.counter, at(MON))).case,
        at(MON),
    )
    assert await refused(withdraw(world.desk, decided)) == [("caseId", "INVALID_STATUS")]


@pytest.mark.postgresql_only
async def test_two_concurrent_decisions_one_wins(world, backend):
    county = world.county
    case = (await accept(county, world.desk, world.counter, at(MON))).case
    results = await asyncio.gather(
        decide(county, world.approver, case, at(MON), approve=True),
        decide(county, world.approver2, case, at(MON), approve=False),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, Exception)]
    losers = [r for r in results if isinstance(r, Exception)]
    assert len(winners) == 1 and len(losers) == 1
    # Read before the winner wrote: the conditional update finds nothing; read after: the
    # status check refuses. Either way nothing of the loser is kept.
    assert [(e.field, e.code) for e in losers[0].errors] in (
        [("caseId", "STATUS_CHANGED")],
        [("caseId", "INVALID_STATUS")],
    )
    async with county.db.session(county.tenant_id) as session:
        events = (
            (
                await session.execute(
                    select(CaseEvent.kind).where(
                        CaseEvent.case_id == case.id, CaseEvent.kind != EventKind.ACCEPTED
                    )
                )
            )
            .scalars()
            .all()
        )
    assert len(events) == 1


@pytest.mark.postgresql_only
async def test_a_stale_read_cannot_change_the_status(world, backend):
    """Two transactions read the case while it is ACCEPTED; the first decides and commits; the
    second's conditional update changes nothing and is refused."""
    county = world.county
    case = (await accept(county, world.desk, world.counter, at(MON))).case
    async with county.db.transaction(county.tenant_id) as late:
        stale = await late.get(Case, case.id)
        assert stale.status is CaseStatus.ACCEPTED
        async with county.db.transaction(county.tenant_id) as first:
            fresh = await first.get(Case, case.id)
            await flow.transition(first, fresh, (CaseStatus.ACCEPTED,), {"status": "APPROVED"})
        with pytest.raises(UserErrors) as caught:
            await flow.transition(late, stale, (CaseStatus.ACCEPTED,), {"status": "REFUSED"})
    assert caught.value.errors[0].code == "STATUS_CHANGED"
    async with county.db.session(county.tenant_id) as session:
        assert (await session.get(Case, case.id)).status is CaseStatus.APPROVED
