"""Authorization matrix of 好差评's follow-up, 办不成事 and the county's calendar: every role ×
verifyRating, rectifyRating, revisitRating, reportUnresolved, resolveComplaint (and
setCalendarDay, removeCalendarDay: the county office's alone) × where it is aimed
(``tests/support/matrix.py``), through the services in transactions rolled back afterwards.

Whoever manages a site follows up its ratings and reports and resolves its complaints: the
county office everywhere, a township head in its township and villages, a department
administrator at its sub-centre, a station manager at its station. Window staff, approvers
(none of them on duty in the matrix's county) and the supervisors (read-only) may not. An
allowed cell must move the follow-up on, or record (or resolve) the complaint.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

import pytest
from sqlalchemy import select

from casework import complaints, county_calendar, ratings
from casework.common import CHINA_TZ
from casework.models import (
    ApplicantKind,
    CalendarDay,
    Case,
    CaseStatus,
    Channel,
    Complaint,
    ComplaintChannel,
    ComplaintStatus,
    FollowUpStatus,
    Rating,
    RatingFollowUp,
    RatingLevel,
    Route,
    Window,
    WindowKind,
)
from catalog.models import Department, HandlingKind
from tests.support.casework import CIPHER
from tests.support.matrix import (
    ALLOWED,
    FORBIDDEN,
    NOT_FOUND,
    OTHER_COUNTY,
    ROLES,
    Cell,
    Expect,
    World,
    cells,
    check_in_transaction,
    relations,
)
from workforce.models import HeadAppointment, HeadAppointmentStatus

NOW = datetime.combine(date(2025, 6, 2), time(10, 0), tzinfo=CHINA_TZ)
STEP = {
    "verifyRating": FollowUpStatus.VERIFYING,
    "rectifyRating": FollowUpStatus.RECTIFYING,
    "revisitRating": FollowUpStatus.REVISITING,
}
ACTIONS = (*STEP, "reportUnresolved", "resolveComplaint")
# Where each role manages, besides the county office (everywhere in its county).
MANAGES = {
    "township_head": ("own", "child"),
    "department_admin": ("own",),
    "station_manager": ("own",),
}


def _expect(role: str, action: str, target: str) -> Expect:
    if target == OTHER_COUNTY:
        return NOT_FOUND
    if role == "county_admin" or target in MANAGES.get(role, ()):
        return ALLOWED
    return FORBIDDEN


CELLS = cells(ROLES, ACTIONS, lambda role, action: list(relations(role)), _expect)


async def _seed(session, world: World, county, site_key: str) -> dict[str, uuid.UUID]:
    """At ``site_key``: a head (the complaint's tracker), an issued case with a bad rating and a
    follow-up in each step, and a complaint being tracked."""
    site = county.sites[site_key]
    person = world.person(county, site_key)
    session.add(
        HeadAppointment(
            site_id=site.id,
            staff_id=person.id,
            person_name=person.name,
            effective_date=date(2025, 1, 1),
            proposed_by="matrix",
            status=HeadAppointmentStatus.AGREED,
        )
    )
    department = (await session.execute(select(Department).limit(1))).scalar_one()
    window = Window(
        id=uuid.uuid4(),
        site_id=site.id,
        number=f"M{uuid.uuid4().hex[:6]}",
        kind=WindowKind.COMPREHENSIVE,
        matter_codes=[],
        opened_by="matrix",
    )
    session.add(window)
    await session.flush()
    made: dict[str, uuid.UUID] = {}
    for status in STEP.values():
        case = Case(
            id=uuid.uuid4(),
            number=f"M-{uuid.uuid4().hex[:12]}",
            receipt_hash="x",
            site_id=site.id,
            window_id=window.id,
            matter_code="MZ-001",
            matter_name="婚姻登记",
            department_id=department.id,
            handling_kind=HandlingKind.PROMISED,
            limit_days=10,
            channel=Channel.COUNTER,
            received=[],
            deferred=[],
            commitment=False,
            committed=[],
            first_receiver_id=person.id,
            status=CaseStatus.ISSUED,
            accepted_at=NOW,
            accepted_on=NOW.date(),
            accepted_by_id=person.id,
            route=Route.DEPARTMENT,
            processing_site_id=site.id,
            clock_started_on=NOW.date(),
            days_used=0,
            supplement_items=[],
            applicant_kind=ApplicantKind.PERSON,
            applicant_name="矩阵",
            applicant_id_cipher="x",
            applicant_id_hash="x",
            applicant_id_masked="x",
        )
        rating = Rating(
            id=uuid.uuid4(),
            case_id=case.id,
            site_id=site.id,
            staff_id=person.id,
            level=RatingLevel.DISSATISFIED,
            bad=True,
            rated_at=NOW,
            rated_on=NOW.date(),
        )
        follow_up = RatingFollowUp(
            id=uuid.uuid4(),
            rating_id=rating.id,
            case_id=case.id,
            site_id=site.id,
            staff_id=person.id,
            status=status,
            opened_on=NOW.date(),
            verify_due=NOW.date(),
            rectify_due=NOW.date(),
            revisit_due=NOW.date(),
        )
        session.add_all([case])
        await session.flush()
        session.add(rating)
        await session.flush()
        session.add(follow_up)
        made[status.value] = follow_up.id
    complaint = Complaint(
        id=uuid.uuid4(),
        number=f"M-{uuid.uuid4().hex[:12]}",
        site_id=site.id,
        channel=ComplaintChannel.APP,
        description="矩阵",
        contact_phone_cipher="x",
        contact_phone_masked="x",
        tracker_id=person.id,
        status=ComplaintStatus.TRACKING,
        reported_at=NOW,
        reported_on=NOW.date(),
        reported_by="matrix",
    )
    session.add(complaint)
    await session.flush()
    made["complaint"] = complaint.id
    return made


@pytest.fixture(scope="module")
async def elsewhere(matrix_world: World) -> dict[str, dict[str, uuid.UUID]]:
    """The other county's rows, committed once (aimed at from the home county: not found)."""
    other = matrix_world.other
    made = {}
    async with other.db.transaction(other.tenant_id) as session:
        for key in other.sites:
            made[key] = await _seed(session, matrix_world, other, key)
    return made


def _action(elsewhere):
    def action_for(cell: Cell, world: World, actor):
        county = world.county(cell)
        key = relations(cell.role)[cell.target]

        async def run(session):
            rows = elsewhere[key] if cell.elsewhere else await _seed(session, world, county, key)
            match cell.action:
                case "verifyRating":
                    row = await ratings.verify_rating(
                        session, actor, rows["VERIFYING"], False, "矩阵核实", NOW
                    )
                    return row if row.status is FollowUpStatus.REVISITING else None
                case "rectifyRating":
                    row = await ratings.rectify_rating(
                        session, actor, rows["RECTIFYING"], "矩阵整改", NOW
                    )
                    return row if row.status is FollowUpStatus.REVISITING else None
                case "revisitRating":
                    row = await ratings.revisit_rating(
                        session, actor, rows["REVISITING"], True, "矩阵回访", NOW
                    )
                    return row if row.status is FollowUpStatus.CLOSED else None
                case "reportUnresolved":
                    return await complaints.report_unresolved(
                        session,
                        actor,
                        CIPHER,
                        complaints.NewComplaint(
                            site_id=county.sites[key].id,
                            description="矩阵反映",
                            contact_phone="13800001111",
                        ),
                        NOW,
                    )
                case "resolveComplaint":
                    row = await complaints.resolve_complaint(
                        session, actor, rows["complaint"], "矩阵办结", False, None, NOW
                    )
                    return row if row.status is ComplaintStatus.RESOLVED else None
            raise AssertionError(cell.action)

        return run

    return action_for


@pytest.mark.parametrize("cell", CELLS)
async def test_feedback_matrix(db, matrix_world, elsewhere, cell: Cell):
    await check_in_transaction(db, matrix_world, cell, _action(elsewhere))


CALENDAR_CELLS = cells(
    ROLES,
    ("setCalendarDay", "removeCalendarDay"),
    lambda role, action: ["county"],
    lambda role, action, target: ALLOWED if role == "county_admin" else FORBIDDEN,
)


def _calendar_action(cell: Cell, world: World, actor):
    day = date(2025, 10, 9)

    async def run(session):
        if cell.action == "setCalendarDay":
            return await county_calendar.set_calendar_day(session, actor, day, False, "矩阵")
        session.add(CalendarDay(day=day, working=True, reason="矩阵", set_by="matrix"))
        await session.flush()
        return await county_calendar.remove_calendar_day(session, actor, day)

    return run


@pytest.mark.parametrize("cell", CALENDAR_CELLS)
async def test_calendar_matrix(db, matrix_world, cell: Cell):
    """The county's calendar is the county office's alone."""
    await check_in_transaction(db, matrix_world, cell, _calendar_action)
