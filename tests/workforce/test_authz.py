"""Authorization matrix of the workforce: role × action × where the target is relative to the
role's own site (own / descendant / sibling / parent) or in another county.

Outcomes: ``ok`` (authorization passed; a business rule may still refuse), ``forbidden``
(``Forbidden`` → GraphQL FORBIDDEN), ``missing`` (another county's objects do not exist here).
"""

from __future__ import annotations

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from authz.errors import Forbidden
from tenants.errors import UserErrors
from tests.factories import make_county
from tests.workforce.helpers import CIPHER, hire, id_number
from workforce import assignments, certificates, heads, redeployment, roster
from workforce import staff as staff_service
from workforce.access import require_read_staff
from workforce.models import (
    AssignmentKind,
    Education,
    EmploymentType,
    HeadAppointment,
    Post,
    SkillLevel,
    Staff,
)

HOME = {
    "admin": "root",
    "supervisor": "root",
    "head_a": "town_a",
    "dept": "sub",
    "manager_a1": "village_a1",
    "staff_a1": "village_a1",
}
POSITIONS = {
    "root": {"own": "root", "descendant": "town_a"},
    "town_a": {"own": "town_a", "descendant": "village_a1", "sibling": "town_b", "parent": "root"},
    "sub": {"own": "sub", "sibling": "town_a", "parent": "root"},
    "village_a1": {"own": "village_a1", "sibling": "village_a2", "parent": "town_a"},
}
ACTIONS = (
    "hire",
    "assign",
    "dispatch",
    "redeploy",
    "propose_head",
    "review_head",
    "certificate",
    "export",
    "read",
)


def expected(role: str, action: str, position: str) -> str:
    if position == "other_county":
        return "missing"
    if role == "admin":
        return "ok"
    inside = position in ("own", "descendant")
    if role == "supervisor":
        return "ok" if action in ("export", "read") else "forbidden"
    if role == "head_a":
        return (
            "ok"
            if inside and action in ("dispatch", "propose_head", "export", "read")
            else ("forbidden")
        )
    if role == "dept":
        return "ok" if inside and action in ("propose_head", "export", "read") else "forbidden"
    return "forbidden"


CASES = [
    (role, action, position)
    for role in HOME
    for action in ACTIONS
    for position in [*POSITIONS[HOME[role]], "other_county"]
]


@pytest.fixture(scope="module")
async def world(db):
    county = await make_county(db, "授权县")
    other = await make_county(db, "外县")
    people: dict[tuple[str, str], Staff] = {}
    for c, label in ((county, "a"), (other, "b")):
        for key in c.sites:
            people[(label, key)] = await hire(c, key, name=f"{label}{key}")
        async with c.db.transaction(c.tenant_id) as session:
            for key, site in c.sites.items():
                session.add(
                    HeadAppointment(
                        site_id=site.id,
                        person_name=f"负责人{key}",
                        effective_date=date(2025, 1, 1),
                        proposed_by="test",
                    )
                )
    return county, other, people


async def attempt(county, role: str, action: str, site_key: str, target_county, people) -> str:
    actor = await county.actor(role)
    label = "a" if target_county is county else "b"
    site = target_county.sites[site_key]
    person = people[(label, site_key)]
    async with county.db.session(county.tenant_id) as session:
        await session.begin()
        try:
            if action == "hire":
                await staff_service.hire_staff(
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
            elif action in ("assign", "dispatch"):
                kind = (
                    AssignmentKind.VILLAGE_DISPATCH
                    if action == "dispatch"
                    else AssignmentKind.TEMPORARY_COVER
                )
                await assignments.assign_staff(
                    session,
                    actor,
                    assignments.NewAssignment(
                        staff_id=people[(label, "town_a")].id,
                        site_id=site.id,
                        post=Post.AGENCY,
                        kind=kind,
                        start_date=date(2025, 6, 2),
                        end_date=date(2025, 6, 3),
                    ),
                )
            elif action == "redeploy":
                await redeployment.redeploy(
                    session,
                    actor,
                    effective_date=date(2025, 7, 1),
                    reason="测试",
                    moves=[redeployment.Move(people[(label, "root")].id, site.id, Post.ISSUE)],
                )
            elif action == "propose_head":
                await heads.propose_head(
                    session,
                    actor,
                    site_id=site.id,
                    staff_id=None,
                    person_name="某人",
                    effective_date=date(2025, 8, 1),
                    reason=None,
                )
            elif action == "review_head":
                found = (
                    await session.execute(
                        select(HeadAppointment.id).where(HeadAppointment.site_id == site.id)
                    )
                ).scalar_one_or_none()
                await heads.review_head(
                    session, actor, found or uuid.uuid4(), agree=False, reason="理由"
                )
            elif action == "certificate":
                await certificates.record_certificate(
                    session,
                    actor,
                    None,
                    staff_id=person.id,
                    level=SkillLevel.LEVEL_5,
                    number=f"C-{uuid.uuid4().hex[:8]}",
                    issued_on=date(2025, 9, 1),
                    scan_key=None,
                )
            elif action == "export":
                await roster.export_scope(session, actor, site.id)
            elif action == "read":
                row = await session.get(Staff, person.id)
                if row is None:
                    return "missing"
                await require_read_staff(session, actor, row)
            return "ok"
        except Forbidden:
            return "forbidden"
        except UserErrors as refused:
            codes = {e.code for e in refused.errors}
            if target_county is not county and codes & {"NOT_FOUND"}:
                return "missing"
            return "ok"  # authorized; a business rule refused
        finally:
            await session.rollback()


@pytest.mark.parametrize(("role", "action", "position"), CASES, ids="-".join)
async def test_matrix(world, role, action, position):
    county, other, people = world
    if position == "other_county":
        site_key, target = HOME[role], other
    else:
        site_key, target = POSITIONS[HOME[role]][position], county
    assert await attempt(county, role, action, site_key, target, people) == expected(
        role, action, position
    )


async def test_window_staff_reads_only_their_own_record(world, db):
    county, _other, people = world
    me = people[("a", "village_a1")]
    from accounts.models import User

    async with db.transaction(county.tenant_id) as session:
        user = await session.get(User, county.users["staff_a1"].id)
        user.staff_id = me.id
    actor = await county.actor("staff_a1")
    actor.staff_id = me.id
    async with db.session(county.tenant_id) as session:
        await require_read_staff(session, actor, await session.get(Staff, me.id))
        colleague = await session.get(Staff, people[("a", "village_a2")].id)
        with pytest.raises(Forbidden):
            await require_read_staff(session, actor, colleague)
