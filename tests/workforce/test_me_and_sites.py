"""A window worker's own record (``me { staff }``); who counts at a site (a suspended person
does not); the public is sent only to staffed sites; the county sees its unstaffed ones; a
site is not closed under its people (issue 10)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update

from accounts.models import User
from network import service as network
from tests.support.errors import refused
from tests.support.factories import make_county
from tests.support.graphql import gid, gql
from tests.support.workforce import hire, pin_today
from workforce import placement
from workforce import staff as staff_service

TODAY = date(2026, 5, 11)

MY_RECORD = """{ me { username staff { id name skillLevel
  currentAssignment { site { id name } post kind }
  assignments { post startDate } certificates { level } trainingHours(year: 2026)
  certificateDeadline certificateDeadlineMissed } } }"""


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    pin_today(monkeypatch, TODAY)


async def test_a_window_worker_reads_their_own_record(db, client):
    county = await make_county(db, "本人县")
    me = await hire(county, "village_a1", name="窗口本人", hire_date=date(2025, 2, 3))
    async with db.transaction(county.tenant_id) as session:
        await session.execute(
            update(User).where(User.id == county.users["staff_a1"].id).values(staff_id=me.id)
        )
    mine = await gql(client, MY_RECORD, token=county.token("staff_a1"))
    assert "errors" not in mine, mine
    staff = mine["data"]["me"]["staff"]
    assert staff["id"] == gid("Staff", me.id) and staff["name"] == "窗口本人"
    assert staff["currentAssignment"] == {
        "site": {"id": county.site_gid("village_a1"), "name": "一村"},
        "post": "INTAKE",
        "kind": "REGULAR",
    }
    assert staff["assignments"] == [{"post": "INTAKE", "startDate": "2025-02-03"}]
    assert staff["certificateDeadline"] == "2027-02-03"
    # Without a linked record: null, not an error.
    other = await gql(client, "{ me { staff { id } } }", token=county.token("head_a"))
    assert other == {"data": {"me": {"staff": None}}}
    # Someone else's account's record is not shown to one who may not read it.
    colleague = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on User { staff { id } } } }",
        {"id": county.user_gid("staff_a1")},
        county.token("manager_a1"),
    )
    assert colleague["data"]["node"]["staff"] is None


async def test_suspended_people_do_not_count_and_sites_without_staff_show(db, client):
    county = await make_county(db, "缺岗县")
    alone = await hire(county, "village_a1", name="独守", hire_date=date(2025, 1, 6))
    await hire(county, "town_a", name="镇上", hire_date=date(2025, 1, 6))
    admin = await county.actor("admin")
    ids = [county.sites[k].id for k in ("village_a1", "town_a")]
    async with db.session(county.tenant_id) as session:
        assert await placement.staffed_sites(session, ids) == set(ids)
    async with db.transaction(county.tenant_id) as session:
        await staff_service.suspend(session, admin, alone.id, "立案调查")
    async with db.session(county.tenant_id) as session:
        assert await placement.staffed_sites(session, ids) == {county.sites["town_a"].id}
        counts = await placement.staff_counts(session, ids)
        assert counts[county.sites["village_a1"].id] == 0
    public = await gql(
        client,
        "query($t: String!) { publicSites(tenant: $t, first: 50) { edges { node { name } } } }",
        {"t": county.code},
    )
    assert "errors" not in public, public
    assert [e["node"]["name"] for e in public["data"]["publicSites"]["edges"]] == ["甲镇"]
    unstaffed = await gql(
        client,
        "{ unstaffedSites(first: 50) { totalCount edges { node { name staffCount } } } }",
        token=county.token("admin"),
    )
    names = [e["node"]["name"] for e in unstaffed["data"]["unstaffedSites"]["edges"]]
    assert "一村" in names and "甲镇" not in names
    assert unstaffed["data"]["unstaffedSites"]["totalCount"] == 6  # all open sites but 甲镇
    # The county's site list filters the same way, with its other filters.
    filtered = await gql(
        client,
        "{ without: sites(staffed: false, first: 50) { totalCount edges { node { name } } }"
        " with: sites(staffed: true) { edges { node { name } } }"
        " townships: sites(staffed: false, level: TOWNSHIP_CENTER) { totalCount } }",
        token=county.token("admin"),
    )
    assert "errors" not in filtered, filtered
    assert [e["node"]["name"] for e in filtered["data"]["with"]["edges"]] == ["甲镇"]
    without = [e["node"]["name"] for e in filtered["data"]["without"]["edges"]]
    assert "一村" in without and "甲镇" not in without
    assert filtered["data"]["without"]["totalCount"] == 6
    assert filtered["data"]["townships"]["totalCount"] == 1  # 乙镇
    denied = await gql(client, "{ unstaffedSites { totalCount } }", token=county.token("head_a"))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_site_is_not_closed_under_its_people(db, client):
    county = await make_county(db, "撤站留人县")
    await hire(county, "village_b1", name="王五", hire_date=date(2025, 1, 6))
    await hire(county, "village_b1", name="赵六", hire_date=date(2025, 1, 6))
    admin = await county.actor("admin")
    async with db.transaction(county.tenant_id) as session:
        codes = await refused(
            network.close_site(session, admin, county.sites["village_b1"].id, "合并")
        )
    assert codes == [("id", "STAFF_ASSIGNED")]
    closed = await gql(
        client,
        "mutation($i: CloseSiteInput!) { closeSite(input: $i) { site { status } "
        "userErrors { field code message } } }",
        {"i": {"id": county.site_gid("village_b1"), "reason": "合并"}},
        county.token("admin"),
    )
    (error,) = closed["data"]["closeSite"]["userErrors"]
    assert error["code"] == "STAFF_ASSIGNED"
    assert "王五" in error["message"] and "赵六" in error["message"]
    async with db.session(county.tenant_id) as session:
        people = await placement.people_to_move(session, county.sites["village_b1"].id)
    assert people == ["王五", "赵六"]
