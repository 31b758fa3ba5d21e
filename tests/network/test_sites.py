"""Rules of the site tree (DOMAIN.md §1) through the service and GraphQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from network import service, site_updates
from network.models import Site, SiteClosure, SiteLevel, SiteStatus
from tenants.errors import UserErrors
from tests.support.factories import County
from tests.support.graphql import gql

COUNTY_NAME = "涟水县"  # the official names below are built from it
CREATE = """mutation CreateSite($input: CreateSiteInput!) {
  createSite(input: $input) {
    site { id name officialName level parent { id } }
    userErrors { field code message }
  }
}"""


async def _create(client, county: County, user: str = "admin", **fields) -> dict:
    result = await gql(client, CREATE, {"input": fields}, county.token(user))
    assert "errors" not in result, result
    return result["data"]["createSite"]


def _codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def test_official_names_follow_the_convention(county):
    sites = county.sites
    assert sites["root"].official_name == "涟水县政务服务中心"
    assert sites["sub"].official_name == "涟水县政务服务中心人社综合分中心"
    assert sites["town_a"].official_name == "涟水县甲镇便民服务中心"
    assert sites["village_a1"].official_name == "涟水县甲镇一村便民服务站"


def test_official_name_does_not_double_suffixes():
    chain = [(SiteLevel.COUNTY_CENTER, "涟水县"), (SiteLevel.SUB_CENTER, "婚姻登记分中心")]
    assert service.official_name(chain) == "涟水县政务服务中心婚姻登记分中心"
    town = [(SiteLevel.COUNTY_CENTER, "涟水县"), (SiteLevel.TOWNSHIP_CENTER, "高沟镇")]
    assert service.official_name([*town, (SiteLevel.VILLAGE_STATION, "盐店村")]) == (
        "涟水县高沟镇盐店村便民服务站"
    )


async def test_create_village_with_location_and_closure(client, db, county):
    payload = await _create(
        client,
        county,
        parentId=county.site_gid("town_b"),
        level="VILLAGE_STATION",
        name="四村",
        divisionCode=county.sites["town_b"].division_code + "204",
        address="乙镇四村村委会",
        location={"lat": 33.8, "lng": 119.3},
    )
    assert payload["userErrors"] == []
    assert payload["site"]["officialName"] == "涟水县乙镇四村便民服务站"
    assert payload["site"]["parent"]["id"] == county.site_gid("town_b")
    detail = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Site {"
        " ancestors { name level } location { lat lng } staffCount } } }",
        {"id": payload["site"]["id"]},
        county.token("supervisor"),
    )
    node = detail["data"]["node"]
    assert [a["name"] for a in node["ancestors"]] == ["涟水县", "乙镇"]
    assert node["location"] == {"lat": 33.8, "lng": 119.3}
    assert node["staffCount"] == 0


@pytest.mark.parametrize(
    ("parent", "level", "code_suffix", "expected"),
    [
        ("town_a", "TOWNSHIP_CENTER", "301", "INVALID_PARENT_LEVEL"),
        ("village_a1", "VILLAGE_STATION", "301", "INVALID_PARENT_LEVEL"),
        ("sub", "VILLAGE_STATION", "301", "INVALID_PARENT_LEVEL"),
        ("root", "VILLAGE_STATION", "301001", "INVALID_PARENT_LEVEL"),
    ],
)
async def test_level_under_wrong_parent(client, db, county, parent, level, code_suffix, expected):
    before = await _site_count(db, county)
    payload = await _create(
        client,
        county,
        parentId=county.site_gid(parent),
        level=level,
        name="错位站点",
        divisionCode=county.sites[parent].division_code[:9] + code_suffix,
    )
    assert expected in _codes(payload)
    assert payload["site"] is None
    assert await _site_count(db, county) == before


@pytest.mark.parametrize(
    ("parent", "level", "code", "expected"),
    [
        ("root", "TOWNSHIP_CENTER", "12345678", "INVALID_DIVISION_CODE"),  # 8 digits
        ("root", "TOWNSHIP_CENTER", "32082610A", "INVALID_DIVISION_CODE"),
        ("root", "TOWNSHIP_CENTER", "999999103", "DIVISION_CODE_PREFIX"),
        ("town_a", "VILLAGE_STATION", "{town_b}209", "DIVISION_CODE_PREFIX"),
        ("town_a", "VILLAGE_STATION", "{town_a}201", "DUPLICATE_DIVISION_CODE"),
        ("town_a", "VILLAGE_STATION", "{town_a}000", "INVALID_DIVISION_CODE"),
        ("town_a", "VILLAGE_STATION", None, "REQUIRED"),
        ("root", "SUB_CENTER", "320000", "INVALID_DIVISION_CODE"),
    ],
)
async def test_division_codes(client, db, county, parent, level, code, expected):
    if code is not None:
        code = code.format(
            town_a=county.sites["town_a"].division_code, town_b=county.sites["town_b"].division_code
        )
    before = await _site_count(db, county)
    fields = {"parentId": county.site_gid(parent), "level": level, "name": "编码测试"}
    if code is not None:
        fields["divisionCode"] = code
    payload = await _create(client, county, **fields)
    assert expected in _codes(payload), payload
    assert await _site_count(db, county) == before


async def test_sub_centre_takes_the_county_code(client, county):
    payload = await _create(
        client, county, parentId=county.site_gid("root"), level="SUB_CENTER", name="婚姻登记"
    )
    assert payload["userErrors"] == []
    assert payload["site"]["officialName"] == "涟水县政务服务中心婚姻登记分中心"


async def test_duplicate_name_under_one_parent(client, db, county):
    payload = await _create(
        client,
        county,
        parentId=county.site_gid("town_a"),
        level="VILLAGE_STATION",
        name="一村",
        divisionCode=county.sites["town_a"].division_code + "299",
    )
    assert _codes(payload) == ["DUPLICATE_NAME"]
    # The same name under another township is fine.
    other = await _create(
        client,
        county,
        parentId=county.site_gid("town_b"),
        level="VILLAGE_STATION",
        name="一村",
        divisionCode=county.sites["town_b"].division_code + "299",
    )
    assert other["userErrors"] == []


async def test_second_county_centre_refused(client, county):
    payload = await _create(
        client, county, parentId=county.site_gid("root"), level="COUNTY_CENTER", name="第二中心"
    )
    assert _codes(payload) == ["COUNTY_CENTER_EXISTS"]


async def test_several_errors_reported_together(client, county):
    payload = await _create(
        client,
        county,
        parentId=county.site_gid("town_a"),
        level="VILLAGE_STATION",
        name="超" * 65,
        divisionCode="12",
        address="地" * 201,
        location={"lat": 119.3, "lng": 33.8},
    )
    assert set(_codes(payload)) >= {"TOO_LONG", "INVALID_DIVISION_CODE", "INVALID_LOCATION"}
    fields = {e["field"] for e in payload["userErrors"]}
    assert {"name", "address", "divisionCode", "location"} <= fields


async def test_rename_township_renames_its_villages(db, county):
    admin = await county.actor("admin")
    async with db.transaction(county.tenant_id) as session:
        await site_updates.update_site(session, admin, county.sites["town_b"].id, name="乙街道")
    async with db.session(county.tenant_id) as session:
        names = (
            (
                await session.execute(
                    select(Site.official_name).where(Site.parent_id == county.sites["town_b"].id)
                )
            )
            .scalars()
            .all()
        )
        town = await session.get(Site, county.sites["town_b"].id)
    assert town.official_name == "涟水县乙街道便民服务中心"
    assert names and all(n.startswith("涟水县乙街道") and n.endswith("便民服务站") for n in names)


async def test_close_is_not_delete(client, db, county):
    admin = await county.actor("admin")
    async with db.transaction(county.tenant_id) as session:
        site = await service.create_site(
            session,
            admin,
            service.NewSite(
                parent_id=county.sites["town_a"].id,
                level=SiteLevel.VILLAGE_STATION,
                name="待撤销村",
                division_code=county.sites["town_a"].division_code + "288",
            ),
        )
    with pytest.raises(UserErrors) as refused:
        async with db.transaction(county.tenant_id) as session:
            await service.close_site(session, admin, county.sites["town_a"].id, "合并")
    assert refused.value.errors[0].code == "HAS_OPEN_CHILDREN"
    async with db.transaction(county.tenant_id) as session:
        await service.close_site(session, admin, site.id, "村庄合并")
    async with db.session(county.tenant_id) as session:
        closed = await session.get(Site, site.id)
        assert closed.status is SiteStatus.CLOSED and closed.closed_reason == "村庄合并"
    with pytest.raises(UserErrors) as again:
        async with db.transaction(county.tenant_id) as session:
            await service.close_site(session, admin, site.id, None)
    assert again.value.errors[0].code == "ALREADY_CLOSED"
    with pytest.raises(UserErrors) as under_closed:
        async with db.transaction(county.tenant_id) as session:
            await site_updates.update_site(session, admin, site.id, address="新地址")
    assert under_closed.value.errors[0].code == "SITE_CLOSED"
    with pytest.raises(UserErrors) as root:
        async with db.transaction(county.tenant_id) as session:
            await service.close_site(session, admin, county.sites["root"].id, None)
    assert root.value.errors[0].code == "CANNOT_CLOSE_ROOT"


async def test_closure_table_is_complete(db, county):
    async with db.session(county.tenant_id) as session:
        depth_of = dict((await session.execute(select(Site.id, Site.depth))).all())
        rows = (await session.execute(select(SiteClosure))).scalars().all()
        count = (await session.execute(select(func.count()).select_from(Site))).scalar_one()
    # every site has itself plus one row per ancestor
    assert len(rows) == sum(d + 1 for d in depth_of.values())
    assert count == len(depth_of)


async def test_pagination_walks_every_site(client, county):
    token = county.token("supervisor")
    seen, after = [], None
    while True:
        page = await gql(
            client,
            "query($after: String) { sites(first: 3, after: $after) { totalCount"
            " edges { node { id } } pageInfo { hasNextPage endCursor } } }",
            {"after": after},
            token,
        )
        conn = page["data"]["sites"]
        seen += [e["node"]["id"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == conn["totalCount"]


async def _site_count(db, county: County) -> int:
    async with db.session(county.tenant_id) as session:
        return (await session.execute(select(func.count()).select_from(Site))).scalar_one()
