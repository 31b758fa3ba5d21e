"""The demo county's workforce (``workforce.demo``), as loaded by ``onewindow demo``."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from network.models import Site, SiteLevel
from tenants.models import Tenant
from tests.support.graphql import gql, login
from workforce.models import (
    Assignment,
    AssignmentKind,
    HeadAppointment,
    HeadAppointmentStatus,
    RedeploymentOrder,
    Staff,
    TrainingProgram,
)
from workforce.placement import placements, staff_counts


async def _tenant(db, code: str):
    async with db.session(None) as session:
        return (await session.execute(select(Tenant).where(Tenant.code == code))).scalar_one()


async def test_lianshui_has_a_realistic_pool(demo_db):
    tenant = await _tenant(demo_db, "320826")
    today = date.today()  # clock-ok: the demo is built around the real day it is loaded
    async with demo_db.session(tenant.id) as session:
        people = list((await session.execute(select(Staff))).scalars())
        # The pool (~450-510) and the back offices' approvers of the casework history (~35).
        assert 420 <= len(people) <= 580
        assert set(Counter(p.employment_type for p in people)) == {
            "CIVIL_SERVANT",
            "LABOUR_DISPATCH",
            "PURCHASED_SERVICE",
            "TEMPORARY",
        }
        assert sum(1 for p in people if p.skill_level is None) > 20
        sites = list((await session.execute(select(Site))).scalars())
        counts = await staff_counts(session, [s.id for s in sites], today)
        towns = [s for s in sites if s.level is SiteLevel.TOWNSHIP_CENTER]
        villages = [s for s in sites if s.level is SiteLevel.VILLAGE_STATION]
        root = next(s for s in sites if s.level is SiteLevel.COUNTY_CENTER)
        assert 18 <= counts[root.id] <= 45  # with the county departments' approvers
        assert all(2 <= counts[t.id] <= 12 for t in towns)
        assert sum(1 for v in villages if counts[v.id]) > 250
        kinds = Counter((await session.execute(select(Assignment.kind))).scalars())
        assert kinds[AssignmentKind.TEMPORARY_COVER] >= 3
        placed = await placements(session, [p.id for p in people], today)
        assert sum(1 for a in placed.values() if a.kind == "TEMPORARY_COVER") >= 1
        orders = await session.execute(select(func.count()).select_from(RedeploymentOrder))
        assert orders.scalar_one() >= 3
        programs = await session.execute(select(func.count()).select_from(TrainingProgram))
        assert programs.scalar_one() >= 4
        statuses = Counter((await session.execute(select(HeadAppointment.status))).scalars())
        assert statuses[HeadAppointmentStatus.AGREED] >= 20
        assert statuses[HeadAppointmentStatus.PROPOSED] == 1


async def test_lanling_pool_is_small(demo_db):
    tenant = await _tenant(demo_db, "371324")
    async with demo_db.session(tenant.id) as session:
        total = (await session.execute(select(func.count()).select_from(Staff))).scalar_one()
    assert 10 <= total <= 80


async def test_demo_accounts_see_the_workforce(demo_client):
    admin = await login(demo_client, "county-admin")
    warnings = await gql(
        demo_client, "{ certificateWarnings(first: 200) { edges { node { level } } } }", token=admin
    )
    edges = warnings["data"]["certificateWarnings"]["edges"]
    levels = Counter(e["node"]["level"] for e in edges)
    assert levels["OVERDUE"] >= 1 and levels["DUE_SOON"] >= 1
    me = await login(demo_client, "yandian-staff")
    mine = await gql(
        demo_client,
        "{ me { username staff { name currentAssignment { kind site { name } } "
        "assignments { kind } certificates { level } trainingHours(year: 2026) } } }",
        token=me,
    )
    assert "errors" not in mine, mine
    assert mine["data"]["me"]["username"] == "yandian-staff"
    assert mine["data"]["me"]["staff"]["currentAssignment"] == {
        "kind": "VILLAGE_DISPATCH",
        "site": {"name": "盐店村"},
    }
    head = await login(demo_client, "gaogou-head")
    listing = await gql(demo_client, "{ staff(first: 200) { totalCount } }", token=head)
    assert listing["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # county-wide list
    centre = await gql(demo_client, "{ countyCenter { id staffCount } }", token=admin)
    site_staff = await gql(
        demo_client,
        "query($id: ID!) { node(id: $id) { ... on Site { assignmentsOn(first: 200) { totalCount "
        "edges { node { staff { name skillLevel } } } } } } }",
        {"id": centre["data"]["countyCenter"]["id"]},
        admin,
    )
    page = site_staff["data"]["node"]["assignmentsOn"]
    assert page["totalCount"] == centre["data"]["countyCenter"]["staffCount"] == len(page["edges"])


async def test_demo_shows_the_review_list_and_an_unstaffed_site(demo_client):
    admin = await login(demo_client, "county-admin")
    found = await gql(
        demo_client,
        "{ reviewList(first: 50) { totalCount edges { node { staff { name skillLevel "
        "certificateDeadlineMissed certificateWarning { level } } flags { code detail } } } } "
        "unstaffedSites(first: 200) { totalCount edges { node { name level } } } }",
        token=admin,
    )
    assert "errors" not in found, found
    entries = [
        e["node"]
        for e in found["data"]["reviewList"]["edges"]
        if "CERTIFICATE_DEADLINE_MISSED" in {f["code"] for f in e["node"]["flags"]}
    ]
    assert len(entries) >= 2
    assert all(e["staff"]["certificateDeadlineMissed"] for e in entries)
    # One got the certificate after the deadline: no warning any more, the fact stays.
    late = [e for e in entries if e["staff"]["skillLevel"] == "LEVEL_5"]
    assert late and late[0]["staff"]["certificateWarning"] is None
    assert {f["code"] for e in entries for f in e["flags"]} >= {"CERTIFICATE_DEADLINE_MISSED"}
    unstaffed = found["data"]["unstaffedSites"]
    assert unstaffed["totalCount"] >= 1
    assert {e["node"]["level"] for e in unstaffed["edges"]} <= {"VILLAGE_STATION", "SUB_CENTER"}
