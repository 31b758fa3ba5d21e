"""好差评 (once per case, after issue, with the receipt code) and the follow-up of a bad one
(verify in 3 working days, rectify in 15, revisit; item 4.4 against who served); 办不成事
complaints (a tracker from the site's managers; item 2.1 against who was at fault); who may;
racing ratings (PostgreSQL)."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from sqlalchemy import select

from assessment.models import AssessmentEvent
from authz.errors import Forbidden
from casework import complaints, ratings
from casework.models import (
    ComplaintChannel,
    ComplaintStatus,
    FollowUpStatus,
    Rating,
    RatingFollowUp,
    RatingLevel,
)
from tests.casework.world import World, build_world
from tests.support.casework import CIPHER, accept, at, decide, issue, person
from tests.support.catalog import PENSION
from tests.support.errors import refused
from workforce.models import Post

COUNTY_NAME = "评价县"
MON = date(2025, 3, 3)


@pytest.fixture(scope="module")
async def world(county) -> World:
    return await build_world(county)


async def _run(county, call):
    async with county.db.transaction(county.tenant_id) as session:
        return await call(session)


async def issued_case(world: World, day: date = MON, *, town: bool = False):
    """A case accepted, approved and issued on ``day``: (case, receipt code)."""
    county = world.county
    if town:
        accepted = await accept(
            county,
            world.town_desk,
            world.town_counter,
            at(day, 9),
            matter=PENSION,
            received=["居民身份证", "户口簿"],
        )
        case = await decide(county, world.town_approver, accepted.case, at(day, 11))
        case = await issue(county, world.town_issuer, case, world.town_issue, at(day, 15))
    else:
        accepted = await accept(county, world.desk, world.counter, at(day, 9))
        case = await decide(county, world.approver, accepted.case, at(day, 11))
        case = await issue(county, world.issuer, case, world.issue_window, at(day, 15))
    return case, accepted.receipt_code


def rate(world, case, receipt, level, day=MON, comment=None):
    return _run(
        world.county,
        lambda s: ratings.rate_case(s, CIPHER, case.number, receipt, level, comment, at(day, 16)),
    )


async def follow_up_of(county, rating: Rating) -> RatingFollowUp | None:
    async with county.db.session(county.tenant_id) as session:
        found = await session.execute(
            select(RatingFollowUp).where(RatingFollowUp.rating_id == rating.id)
        )
        return found.scalar_one_or_none()


async def step(county, username, call):
    actor = await county.actor(username)
    return await _run(county, lambda s: call(s, actor))


async def events_for(county, source_id) -> list[AssessmentEvent]:
    async with county.db.session(county.tenant_id) as session:
        rows = await session.execute(
            select(AssessmentEvent).where(AssessmentEvent.source_id == source_id)
        )
        return list(rows.scalars())


async def test_a_good_rating_once_per_case_after_issue(world):
    county = world.county
    accepted = await accept(county, world.desk, world.counter, at(MON))
    early = rate(world, accepted.case, accepted.receipt_code, RatingLevel.SATISFIED)
    assert await refused(early) == [("number", "NOT_ISSUED")]

    case, receipt = await issued_case(world)
    wrong = rate(world, case, "ABCDEFGH", RatingLevel.SATISFIED)
    assert await refused(wrong) == [("receiptCode", "NOT_FOUND")]
    too_long = rate(world, case, receipt, RatingLevel.SATISFIED, comment="好" * 501)
    assert await refused(too_long) == [("comment", "TOO_LONG")]

    rating = await rate(world, case, receipt.lower(), RatingLevel.VERY_SATISFIED, comment=" 很好 ")
    assert (rating.level, rating.bad, rating.comment) == (RatingLevel.VERY_SATISFIED, False, "很好")
    assert rating.staff_id == world.desk.staff.id  # who accepted the case served the applicant
    assert await follow_up_of(county, rating) is None
    again = rate(world, case, receipt, RatingLevel.DISSATISFIED)
    assert await refused(again) == [("number", "ALREADY_RATED")]


async def test_a_bad_rating_is_verified_rectified_and_revisited(world):
    county = world.county
    case, receipt = await issued_case(world)
    rating = await rate(world, case, receipt, RatingLevel.VERY_DISSATISFIED, comment="态度差")
    follow_up = await follow_up_of(county, rating)
    assert follow_up is not None and follow_up.status is FollowUpStatus.VERIFYING
    # Rated on Monday 2025-03-03: verify by Thursday (3 working days), rectify in 15.
    assert (follow_up.verify_due, follow_up.rectify_due) == (date(2025, 3, 6), date(2025, 3, 24))
    assert ratings.current_due(follow_up) == date(2025, 3, 6)

    # Not the township head's (the case is the county centre's); no finding: refused.
    with pytest.raises(Forbidden):
        await step(
            county,
            "head_a",
            lambda s, a: ratings.verify_rating(s, a, follow_up.id, True, "属实", at(MON)),
        )
    blank = step(
        county, "admin", lambda s, a: ratings.verify_rating(s, a, follow_up.id, True, " ", at(MON))
    )
    assert await refused(blank) == [("finding", "REQUIRED")]
    early_rectify = step(
        county, "admin", lambda s, a: ratings.rectify_rating(s, a, follow_up.id, "培训", at(MON))
    )
    assert await refused(early_rectify) == [("followUpId", "INVALID_STATUS")]

    tue = date(2025, 3, 4)
    verified = await step(
        county,
        "admin",
        lambda s, a: ratings.verify_rating(s, a, follow_up.id, True, "经核实属实", at(tue)),
    )
    assert verified.status is FollowUpStatus.RECTIFYING and verified.substantiated is True
    assert ratings.current_due(verified) == date(2025, 3, 24)
    events = await events_for(county, rating.id)
    assert [(e.item_code, e.staff_id, e.occurred_on, e.points) for e in events] == [
        ("4.4", world.desk.staff.id, MON, -2)
    ]
    again = step(
        county,
        "admin",
        lambda s, a: ratings.verify_rating(s, a, follow_up.id, True, "再核实", at(tue)),
    )
    assert await refused(again) == [("followUpId", "INVALID_STATUS")]

    rectified = await step(
        county,
        "admin",
        lambda s, a: ratings.rectify_rating(s, a, follow_up.id, "批评教育,重新培训", at(tue)),
    )
    assert rectified.status is FollowUpStatus.REVISITING
    assert rectified.revisit_due == date(2025, 3, 7)
    closed = await step(
        county,
        "admin",
        lambda s, a: ratings.revisit_rating(s, a, follow_up.id, True, "电话回访,满意", at(tue)),
    )
    assert closed.status is FollowUpStatus.CLOSED and closed.applicant_satisfied is True
    assert ratings.current_due(closed) is None
    assert len(await events_for(county, rating.id)) == 1


async def test_an_unsubstantiated_bad_rating_skips_rectification(world):
    county = world.county
    case, receipt = await issued_case(world, town=True)
    rating = await rate(world, case, receipt, RatingLevel.DISSATISFIED)
    assert rating.staff_id == world.town_desk.staff.id
    follow_up = await follow_up_of(county, rating)
    # The township head follows up its own township's ratings.
    verified = await step(
        county,
        "head_a",
        lambda s, a: ratings.verify_rating(s, a, follow_up.id, False, "系误解", at(MON)),
    )
    assert verified.status is FollowUpStatus.REVISITING and verified.substantiated is False
    assert verified.revisit_due == date(2025, 3, 6)
    assert await events_for(county, rating.id) == []
    with pytest.raises(Forbidden):  # supervisors read, never act
        await step(
            county,
            "supervisor",
            lambda s, a: ratings.revisit_rating(s, a, follow_up.id, True, "回访", at(MON)),
        )

    supervisor = await county.actor("supervisor")
    async with county.db.session(county.tenant_id) as session:
        listed, total = await ratings.list_follow_ups(
            session, supervisor, FollowUpStatus.REVISITING, offset=0, limit=50
        )
        head_rows, _ = await ratings.list_follow_ups(
            session, await county.actor("head_a"), None, offset=0, limit=50
        )
        with pytest.raises(Forbidden):
            await ratings.list_follow_ups(
                session, await county.actor("staff_a1"), None, offset=0, limit=50
            )
    assert follow_up.id in {f.id for f in listed} and total == len(listed)
    assert {f.site_id for f in head_rows} == {county.sites["town_a"].id}


async def test_a_complaint_is_tracked_and_resolved(world):
    county = world.county
    manager = await person(county, "town_a", Post.MANAGEMENT, name="镇中心主任")
    data = complaints.NewComplaint(
        site_id=county.sites["town_a"].id,
        description="多次来办未办成",
        contact_phone="13800001234",
    )

    async def report(who, payload=data):
        return await _run(
            county,
            lambda s: _as(
                who, lambda a: complaints.report_unresolved(s, a, CIPHER, payload, at(MON))
            ),
        )

    complaint = await report(world.town_desk)
    assert complaint.status is ComplaintStatus.TRACKING
    assert complaint.channel is ComplaintChannel.WINDOW
    assert complaint.tracker_id == manager.staff.id
    assert complaint.number == f"{county.code}-B20250303-0001"
    assert complaint.contact_phone_masked == "138****1234"
    # Someone on duty elsewhere may not report here; a bad phone and an unknown matter are refused.
    with pytest.raises(Forbidden):
        await report(world.desk)
    bad = complaints.NewComplaint(
        site_id=county.sites["town_a"].id, description=" ", contact_phone="123", matter_code="X"
    )
    assert await refused(report(world.town_desk, bad)) == [
        ("description", "REQUIRED"),
        ("contactPhone", "INVALID_PHONE"),
        ("matterCode", "NOT_FOUND"),
    ]

    async def resolve(who, substantiated, at_fault, outcome="已协调办结"):
        return await _run(
            county,
            lambda s: _as(
                who,
                lambda a: complaints.resolve_complaint(
                    s, a, complaint.id, outcome, substantiated, at_fault, at(MON)
                ),
            ),
        )

    with pytest.raises(Forbidden):  # neither the tracker nor a manager of the site
        await resolve(world.desk, False, None)
    assert await refused(resolve(manager, True, None)) == [("staffAtFaultId", "REQUIRED")]
    done = await resolve(manager, True, world.town_desk.staff.id)
    assert (done.status, done.substantiated, done.staff_at_fault_id) == (
        ComplaintStatus.RESOLVED,
        True,
        world.town_desk.staff.id,
    )
    events = await events_for(county, complaint.id)
    assert [(e.item_code, e.staff_id, e.points) for e in events] == [
        ("2.1", world.town_desk.staff.id, -10)
    ]
    assert await refused(resolve(manager, False, None)) == [("complaintId", "ALREADY_RESOLVED")]


async def test_a_site_without_a_manager_hands_the_complaint_up(world):
    """A village station without a manager: its township centre's manager tracks it; the
    township head, who manages both, reports from the app."""
    county = world.county
    data = complaints.NewComplaint(
        site_id=county.sites["village_a2"].id,
        description="证明开不出来",
        contact_phone="13800005678",
    )
    head = await county.actor("head_a")
    complaint = await _run(
        county, lambda s: complaints.report_unresolved(s, head, CIPHER, data, at(MON))
    )
    assert complaint.channel is ComplaintChannel.APP
    async with county.db.session(county.tenant_id) as session:
        tracker = await complaints.choose_tracker(session, county.sites["town_a"], MON)
    assert tracker is not None and complaint.tracker_id == tracker.id
    nowhere = complaints.NewComplaint(
        site_id=county.sites["village_b1"].id, description="无人", contact_phone="13800005678"
    )
    admin = await county.actor("admin")
    no_tracker = _run(
        county, lambda s: complaints.report_unresolved(s, admin, CIPHER, nowhere, at(MON))
    )
    assert await refused(no_tracker) == [("siteId", "NO_TRACKER")]


async def _as(who, call):
    return await call(await who.actor())


@pytest.mark.postgresql_only
async def test_two_racing_ratings_keep_one(world, backend):
    county = world.county
    case, receipt = await issued_case(world, date(2025, 3, 5))
    outcomes = await asyncio.gather(
        *(
            _attempt(rate(world, case, receipt, level, date(2025, 3, 5)))
            for level in (RatingLevel.SATISFIED, RatingLevel.DISSATISFIED, RatingLevel.SATISFIED)
        )
    )
    assert sorted(outcomes, key=str).count("ALREADY_RATED") == 2
    async with county.db.session(county.tenant_id) as session:
        rows = (await session.execute(select(Rating).where(Rating.case_id == case.id))).all()
    assert len(rows) == 1


async def _attempt(call):
    try:
        await call
        return "rated"
    except Exception as exc:  # UserErrors: the loser
        return getattr(exc, "errors", [None])[0].code
