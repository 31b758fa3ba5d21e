"""The network as 001 and 003 count it (issue 10): names keep the convention, the county office
sets standard classes and reads their report, a site's manager keeps its functional zones;
sites filter by status and class; denials name the site; a denied field nulls only itself."""

from __future__ import annotations

import pytest

from authz.errors import Forbidden
from network import service, site_updates
from network.access import require
from network.models import SiteLevel, StandardClass
from network.zones import Zone
from tenants.errors import UserErrors
from tests.support.factories import County, make_county
from tests.support.graphql import gql

COUNTY_NAME = "规范县"

UPDATE = """mutation($input: UpdateSiteInput!) { updateSite(input: $input) {
  site { id name officialName standardClass zones { kind label mergedWith note } missingZones }
  userErrors { field code message } } }"""


async def update(client, county: County, username: str, site: str, **fields):
    return await gql(
        client, UPDATE, {"input": {"id": county.site_gid(site), **fields}}, county.token(username)
    )


def codes(result) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in result["data"]["updateSite"]["userErrors"]]


async def test_names_keep_the_convention(client, county):
    # updateSite(name: "高沟") once made 涟水县高沟便民服务中心: not an official name.
    bare = await update(client, county, "head_a", "town_a", name="甲")
    assert codes(bare) == [("name", "NAMING_CONVENTION")]
    assert "镇" in bare["data"]["updateSite"]["userErrors"][0]["message"]
    street = await update(client, county, "head_a", "town_a", name="甲街道")
    site = street["data"]["updateSite"]["site"]
    assert (site["name"], site["officialName"]) == ("甲街道", f"{county.name}甲街道便民服务中心")
    village = await update(client, county, "head_a", "village_a1", name="一")
    assert codes(village) == [("name", "NAMING_CONVENTION")]
    # The suffix the official name adds may be given; the own name is kept without it.
    full = await update(client, county, "head_a", "village_a1", name="一社区便民服务站")
    site = full["data"]["updateSite"]["site"]
    assert site["name"] == "一社区"
    assert site["officialName"] == f"{county.name}甲街道一社区便民服务站"
    admin = await county.actor("admin")
    with pytest.raises(UserErrors) as refused:
        async with county.db.transaction(county.tenant_id) as session:
            await service.create_site(
                session,
                admin,
                service.NewSite(
                    parent_id=county.sites["root"].id,
                    level=SiteLevel.TOWNSHIP_CENTER,
                    name="丙",
                    division_code=county.sites["root"].division_code + "109",
                ),
            )
    assert [(e.field, e.code) for e in refused.value.errors] == [("name", "NAMING_CONVENTION")]


async def test_standard_class_is_the_county_office_s(client, county):
    denied = await update(client, county, "head_a", "town_a", standardClass="BENCHMARK")
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert denied["errors"][0]["extensions"]["action"] == "site.standard_class:set"
    unchanged = await update(client, county, "head_a", "town_a", standardClass="BASIC")
    assert codes(unchanged) == []
    set_ = await update(client, county, "admin", "town_a", standardClass="BENCHMARK")
    assert set_["data"]["updateSite"]["site"]["standardClass"] == "BENCHMARK"
    created = await gql(
        client,
        """mutation($input: CreateSiteInput!) { createSite(input: $input) {
          site { id } userErrors { code } } }""",
        {
            "input": {
                "parentId": county.site_gid("town_b"),
                "level": "VILLAGE_STATION",
                "name": "四村",
                "divisionCode": county.sites["town_b"].division_code + "204",
                "standardClass": "STANDARD",
            }
        },
        county.token("admin"),
    )
    assert created["data"]["createSite"]["userErrors"] == []


REPORT = """{ siteStandardReport { townshipCount basicCount standardCount benchmarkCount
  standardShare benchmarkShare standardTarget benchmarkTarget meetsStandardTarget
  meetsBenchmarkTarget belowStandard { name } } }"""


async def test_standard_class_report(client, db):
    county = await make_county(db, "报表县")
    assert (await update(client, county, "admin", "town_a", standardClass="BENCHMARK"))["data"]
    report = (await gql(client, REPORT, token=county.token("supervisor")))["data"][
        "siteStandardReport"
    ]
    assert report == {
        "townshipCount": 2,
        "basicCount": 1,
        "standardCount": 0,
        "benchmarkCount": 1,
        "standardShare": 0.5,
        "benchmarkShare": 0.5,
        "standardTarget": 1.0,
        "benchmarkTarget": 0.3,
        "meetsStandardTarget": False,
        "meetsBenchmarkTarget": True,
        "belowStandard": [{"name": "乙镇"}],
    }
    await update(client, county, "admin", "town_b", standardClass="STANDARD")
    again = (await gql(client, REPORT, token=county.token("admin")))["data"]["siteStandardReport"]
    assert (again["standardShare"], again["meetsStandardTarget"]) == (1.0, True)
    denied = await gql(client, REPORT, token=county.token("head_a"))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    filtered = await gql(
        client,
        "{ a: sites(level: TOWNSHIP_CENTER, standardClass: BENCHMARK) { edges { node { name } } }"
        " b: sites(status: CLOSED) { totalCount } c: sites(status: OPEN) { totalCount } }",
        token=county.token("staff_a1"),
    )
    assert filtered["data"]["a"]["edges"] == [{"node": {"name": "甲镇"}}]
    assert (filtered["data"]["b"]["totalCount"], filtered["data"]["c"]["totalCount"]) == (0, 7)


async def test_zones_are_kept_by_the_site_s_manager(client, county):
    zones = [
        {"kind": "CONSULTATION"},
        {"kind": "WINDOWS", "note": "4 个综合窗口"},
        {"kind": "WAITING"},
        {"kind": "PUBLIC_INFORMATION", "mergedWith": "WAITING"},
    ]
    result = await update(client, county, "manager_a1", "village_a1", zones=zones)
    site = result["data"]["updateSite"]["site"]
    assert site["zones"][1] == {
        "kind": "WINDOWS",
        "label": "窗口服务",
        "mergedWith": None,
        "note": "4 个综合窗口",
    }
    assert site["zones"][3]["mergedWith"] == "WAITING"
    assert site["missingZones"] == ["SELF_SERVICE"]
    bad = await update(
        client,
        county,
        "head_a",
        "town_a",
        zones=[
            {"kind": "WINDOWS"},
            {"kind": "WINDOWS"},
            {"kind": "WAITING", "mergedWith": "SELF_SERVICE"},
        ],
    )
    assert codes(bad) == [
        ("zones[1].kind", "DUPLICATE_ZONE"),
        ("zones[2].mergedWith", "INVALID_MERGE"),
    ]
    denied = await update(client, county, "staff_a1", "village_a1", zones=[])
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    admin = await county.actor("admin")
    async with county.db.transaction(county.tenant_id) as session:
        village = county.sites["village_a1"].id
        cleared = await site_updates.update_site(session, admin, village, zones=[])
        assert cleared["zones"] == []
        with pytest.raises(UserErrors):
            await site_updates.update_site(
                session,
                admin,
                county.sites["village_a1"].id,
                zones=[Zone(kind=k) for k in ("WINDOWS",) * 6],  # type: ignore[misc]
            )


async def test_denials_name_the_site(client, county):
    staff = await county.actor("staff_a1")
    async with county.db.session(county.tenant_id) as session:
        with pytest.raises(Forbidden) as denied:
            await require(session, staff, "staff", "read", county.sites["town_b"].id)
    assert str(denied.value) == f"无权在 {county.name}乙镇便民服务中心 执行 staff:read"
    result = await update(client, county, "staff_a1", "town_b", address="乙镇人民路 1 号")
    error = result["errors"][0]
    assert error["message"] == (
        f"无权在 {county.name}乙镇便民服务中心 执行 site.township_center:update"
    )
    assert error["extensions"]["scope"] == f"site:{county.sites['town_b'].id}"


async def test_a_denied_field_nulls_only_itself(client, county):
    """A window staff member may read another township's site, not its staff: the Site comes
    back, its assignments are null with a FORBIDDEN error at that field."""
    result = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Site { name closedAt"
        " assignmentsOn { totalCount } } } }",
        {"id": county.site_gid("town_b")},
        county.token("staff_a1"),
    )
    assert result["data"]["node"] == {"name": "乙镇", "closedAt": None, "assignmentsOn": None}
    assert result["errors"][0]["path"] == ["node", "assignmentsOn"]
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_timestamps_carry_their_zone(client, db):
    county = await make_county(db, "时区县")
    closed = await gql(
        client,
        """mutation($input: CloseSiteInput!) { closeSite(input: $input) {
          site { status closedAt } userErrors { code } } }""",
        {"input": {"id": county.site_gid("village_b1"), "reason": "合并"}},
        county.token("admin"),
    )
    site = closed["data"]["closeSite"]["site"]
    assert site["status"] == "CLOSED" and site["closedAt"].endswith("+00:00")
    listed = await gql(
        client,
        "query($b: ID!) { sites(status: CLOSED) { edges { node { name } } }"
        " town: sites(parentId: $b) { totalCount }"
        " node(id: $b) { ... on Site { children(status: OPEN) { totalCount } } } }",
        {"b": county.site_gid("town_b")},
        county.token("admin"),
    )
    assert listed["data"]["sites"]["edges"] == [{"node": {"name": "三村"}}]
    assert listed["data"]["town"]["totalCount"] == 1
    assert listed["data"]["node"]["children"]["totalCount"] == 0
    assert StandardClass.BASIC.value == "BASIC"
