"""The demo county's workforce (``workforce.demo``), as loaded by ``onewindow demo``."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from network.models import Site, SiteLevel
from tenants.models import Tenant
from tests.support.graphql import gql, login
from workforce.assignments import placements, staff_counts
from workforce.models import (
    Assignment,
    AssignmentKind,
    HeadAppointment,
    HeadAppointmentStatus,
    RedeploymentOrder,
    Staff,
    TrainingProgram,
)


async def _tenant(db, code: str):
    async with db.session(None) as session:
        return (await session.execute(select(Tenant).where(Tenant.code == code))).scalar_one()


async def test_lianshui_has_a_realistic_pool(demo_db):
    tenant = await _tenant(demo_db, "320826")
    today = date.today()  # clock-ok: the demo is built around the real day it is loaded
    async with demo_db.session(tenant.id) as session:
        people = list((await session.execute(select(Staff))).scalars())
        assert 420 <= len(people) <= 520
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
        assert 18 <= counts[root.id] <= 30
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
    warnings = await gql(demo_client, "{ certificateWarnings { level } }", token=admin)
    levels = Counter(w["level"] for w in warnings["data"]["certificateWarnings"])
    assert levels["OVERDUE"] >= 1 and levels["DUE_SOON"] >= 1
    me = await login(demo_client, "yandian-staff")
    mine = await gql(
        demo_client,
        "{ me { username } }",
        token=me,
    )
    assert mine["data"]["me"]["username"] == "yandian-staff"
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
