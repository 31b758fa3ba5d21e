"""Authorization matrix of the workforce: every role × every workforce action × where the target
is relative to the role's own site, or in another county (``tests/support/matrix.py``).

Each cell runs the service behind the mutation (or the read check behind ``node(id:)`` of a
Staff) in a transaction rolled back afterwards. An allowed cell must succeed: the person hired,
assigned, moved or certified, the appointment proposed or reviewed, the roster's scope given, the
record read.
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from authz.errors import Forbidden
from tenants.errors import refuse
from tests.support.matrix import (
    ALLOWED,
    FORBIDDEN,
    INSIDE,
    NOT_FOUND,
    OTHER_COUNTY,
    ROLES,
    Cell,
    Expect,
    World,
    cells,
    check_in_transaction,
    refused_with,
    relations,
)
from tests.support.workforce import CIPHER, head_proposal, id_number, pin_today
from workforce import (
    assignments,
    certificates,
    corrections,
    heads,
    redeployment,
    roster,
    separation,
)
from workforce import staff as staff_service
from workforce.access import require_read_staff
from workforce.models import (
    Assignment,
    AssignmentKind,
    Education,
    EmploymentType,
    HeadAppointmentStatus,
    Post,
    SkillLevel,
    Staff,
)

ACTIONS = (
    "hireStaff",
    "assignStaff:REGULAR",
    "assignStaff:TEMPORARY_COVER",
    "assignStaff:VILLAGE_DISPATCH",
    "redeploy",
    "revokeRedeployment",
    "correctAssignment",
    "dismissStaff",
    "proposeHead",
    "reviewHeadAppointment",
    "recordCertificate",
    "exportRoster",
    "node:Staff",
)
READS = ("exportRoster", "node:Staff")
# 001 §四(二)1, §四(四)1: townships and departments staff their own centres (hire, move their
# own people between their centre and villages, certificates); the county office alone issues
# redeployment orders, corrects history and dismisses.
OWN_STAFFING = ("hireStaff", "assignStaff:REGULAR", "assignStaff:TEMPORARY_COVER")

# What each role may do where it holds (its own site and below), besides the county
# administrator (everything in its county).
MAY: dict[str, set[str]] = {
    "supervisor": set(READS),
    "township_head": {
        *OWN_STAFFING,
        "assignStaff:VILLAGE_DISPATCH",
        "recordCertificate",
        "proposeHead",
        *READS,
    },
    "department_admin": {*OWN_STAFFING, "recordCertificate", "proposeHead", *READS},
}
# For a move inside a site's own township (or sub-centre): someone working next to it.
NEIGHBOUR = {
    "root": "town_a",
    "sub": "sub",
    "town_a": "village_a1",
    "town_b": "village_b1",
    "village_a1": "town_a",
    "village_a2": "town_a",
    "village_b1": "town_b",
}
TODAY = date(2025, 6, 1)  # the services' day: every change below is dated today or later
HEADED = ("sub", "town_a", "town_b")  # sites whose head the county appoints


def _targets(role: str, action: str) -> list[str]:
    return list(relations(role))


def _expect(role: str, action: str, target: str) -> Expect:
    if target == OTHER_COUNTY:
        return NOT_FOUND
    if role != "county_admin" and not (target in INSIDE and action in MAY.get(role, set())):
        return FORBIDDEN
    site = relations(role)[target]
    if action == "assignStaff:VILLAGE_DISPATCH" and not site.startswith("village"):
        return refused_with("DISPATCH_NOT_VILLAGE")
    if action == "proposeHead" and site not in HEADED:
        return refused_with("NOT_HEADED_SITE")
    return ALLOWED


CELLS = cells(ROLES, ACTIONS, _targets, _expect)


def _action(cell: Cell, world: World, actor):
    """The service call behind ``cell.action``, returning what it did (``None``: nothing)."""
    county = world.county(cell)
    key = relations(cell.role)[cell.target]
    site = county.sites[key]
    at_target = world.person(county, key)
    # Someone placed elsewhere, to be moved or sent to the target …
    elsewhere = world.person(county, "town_b" if key != "town_b" else "town_a")
    # … and, for a village, someone of its own township (dispatch stays in the township).
    township = world.person(county, "town_b" if key == "village_b1" else "town_a")
    neighbour = world.person(county, NEIGHBOUR[key])

    async def hire(session):
        return await staff_service.hire_staff(
            session,
            actor,
            CIPHER,
            staff_service.NewStaff(
                name="新人",
                id_number=id_number(),
                phone=None,
                education=Education.COLLEGE,
                employment_type=EmploymentType.TEMPORARY,
                employer="县政务办",
                hire_date=date(2025, 5, 1),
                site_id=site.id,
                post=Post.INTAKE,
            ),
        )

    async def assign(session):
        kind = AssignmentKind[cell.action.partition(":")[2]]
        dispatch = kind is AssignmentKind.VILLAGE_DISPATCH
        return await assignments.assign_staff(
            session,
            actor,
            assignments.NewAssignment(
                staff_id=(township if dispatch else neighbour).id,
                site_id=site.id,
                post=Post.AGENCY,
                kind=kind,
                start_date=date(2025, 6, 2),
                end_date=None if kind is AssignmentKind.REGULAR else date(2025, 6, 3),
            ),
        )

    async def redeploy(session):
        return await redeployment.redeploy(
            session,
            actor,
            effective_date=date(2025, 7, 1),
            reason="测试",
            moves=[redeployment.Move(elsewhere.id, site.id, Post.ISSUE)],
        )

    async def revoke(session):
        if cell.elsewhere:
            order_id = uuid.uuid4()  # no order of the other county exists for the caller
        else:  # issued first by the county office, so that there is something to revoke
            order = await redeployment.redeploy(
                session,
                await world.home.actor("admin"),
                effective_date=date(2025, 7, 1),
                reason="测试",
                moves=[redeployment.Move(elsewhere.id, site.id, Post.ISSUE)],
            )
            await session.flush()
            order_id = order.id
        revoked = await redeployment.revoke_order(session, actor, order_id, "误发")
        return revoked if revoked.revoked_at is not None else None

    async def correct(session):
        if cell.elsewhere:
            assignment_id = uuid.uuid4()
        else:
            found = await session.execute(
                select(Assignment.id).where(Assignment.staff_id == at_target.id)
            )
            assignment_id = found.scalars().first()
        return await corrections.correct_assignment(
            session, actor, assignment_id, reason="入职日期登记有误", start_date=date(2025, 1, 7)
        )

    async def dismiss(session):
        return await separation.dismiss(session, actor, at_target.id, "年度考核不合格", None)

    async def propose_head(session):
        return await heads.propose_head(
            session,
            actor,
            site_id=site.id,
            staff_id=None,
            person_name="某人",
            effective_date=date(2025, 8, 1),
            reason=None,
        )

    async def review_head(session):
        if cell.elsewhere:
            appointment_id = world.appointments[key]
        else:  # proposed first, so that there is something to review
            proposed = head_proposal(site, f"负责人{key}")
            session.add(proposed)
            await session.flush()
            appointment_id = proposed.id
        reviewed = await heads.review_head(
            session, actor, appointment_id, agree=False, reason="理由"
        )
        return reviewed if reviewed.status is HeadAppointmentStatus.OBJECTED else None

    async def record_certificate(session):
        certified = await certificates.record_certificate(
            session,
            actor,
            None,
            staff_id=at_target.id,
            level=SkillLevel.LEVEL_5,
            number=f"C-{uuid.uuid4().hex[:8]}",
            issued_on=date(2025, 5, 1),
            scan_key=None,
        )
        return certified if certified.skill_level is SkillLevel.LEVEL_5 else None

    async def export_roster(session):
        return await roster.export_scope(session, actor, site.id)

    async def read_staff(session):
        row = await session.get(Staff, at_target.id)
        if row is None:
            raise refuse("id", "NOT_FOUND", "人员不存在")
        await require_read_staff(session, actor, row)
        return row

    return {
        "hireStaff": hire,
        "assignStaff": assign,
        "redeploy": redeploy,
        "revokeRedeployment": revoke,
        "correctAssignment": correct,
        "dismissStaff": dismiss,
        "proposeHead": propose_head,
        "reviewHeadAppointment": review_head,
        "recordCertificate": record_certificate,
        "exportRoster": export_roster,
        "node": read_staff,
    }[cell.action.partition(":")[0]]


@pytest.mark.parametrize("cell", CELLS)
async def test_workforce_matrix(db, matrix_world, cell: Cell, monkeypatch):
    pin_today(monkeypatch, TODAY)
    await check_in_transaction(db, matrix_world, cell, _action)


async def test_window_staff_reads_only_their_own_record(db, matrix_world):
    home = matrix_world.home
    me = matrix_world.person(home, "village_a1")
    colleague = matrix_world.person(home, "village_a2")
    actor = await home.actor("staff_a1")
    actor.staff_id = me.id  # the account is linked to the person's record
    async with db.session(home.tenant_id) as session:
        await require_read_staff(session, actor, await session.get(Staff, me.id))
        with pytest.raises(Forbidden):
            await require_read_staff(session, actor, await session.get(Staff, colleague.id))
