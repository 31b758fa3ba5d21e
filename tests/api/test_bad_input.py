"""Bad input gets a clear error with a code, never a 500, and changes nothing."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import func, select

from api.gql.ids import global_id
from network.models import Site
from tests.support.graphql import gql

COUNTY_NAME = "坏输入县"
UPDATE = """mutation($input: UpdateSiteInput!) {
  updateSite(input: $input) { userErrors { field code } }
}"""


async def _count(db, county) -> int:
    async with db.session(county.tenant_id) as session:
        return (await session.execute(select(func.count()).select_from(Site))).scalar_one()


@pytest.mark.parametrize(
    "bad_id",
    [
        "not-base64!",
        base64.b64encode(b"Site:not-a-uuid").decode(),
        base64.b64encode(b"Nope:8b1e7f34-7b8c-4b9a-9c55-6d4c3c2a1b00").decode(),
        "",
    ],
)
async def test_malformed_ids(client, db, county, bad_id):
    token = county.token("admin")
    node = await gql(client, "query($id: ID!) { node(id: $id) { id } }", {"id": bad_id}, token)
    assert node["errors"][0]["extensions"]["code"] == "INVALID_ID"
    before = await _count(db, county)
    created = await gql(
        client,
        "mutation($input: CreateSiteInput!) { createSite(input: $input) {"
        " site { id } userErrors { field code } } }",
        {
            "input": {
                "parentId": bad_id,
                "level": "VILLAGE_STATION",
                "name": "x",
                "divisionCode": "1",
            }
        },
        token,
    )
    assert created["data"]["createSite"]["userErrors"] == [
        {"field": "parentId", "code": "INVALID_ID"}
    ]
    assert await _count(db, county) == before
    listing = await gql(
        client, "query($p: ID) { sites(parentId: $p) { totalCount } }", {"p": bad_id}, token
    )
    assert listing["errors"][0]["extensions"]["code"] == "INVALID_ID"


async def test_unknown_but_wellformed_id(client, county):
    ghost = global_id("Site", "8b1e7f34-7b8c-4b9a-9c55-6d4c3c2a1b00")
    result = await gql(
        client, "query($id: ID!) { node(id: $id) { id } }", {"id": ghost}, county.token("admin")
    )
    assert result == {"data": {"node": None}}
    update = await gql(
        client,
        "mutation($input: UpdateSiteInput!) { updateSite(input: $input) { userErrors { code } } }",
        {"input": {"id": ghost, "address": "x"}},
        county.token("admin"),
    )
    assert update["data"]["updateSite"]["userErrors"] == [{"code": "NOT_FOUND"}]


async def test_site_id_of_wrong_type(client, county):
    result = await gql(
        client,
        UPDATE,
        {"input": {"id": county.user_gid("admin"), "address": "x"}},
        county.token("admin"),
    )
    assert result["data"]["updateSite"]["userErrors"] == [{"field": "id", "code": "INVALID_ID"}]


@pytest.mark.parametrize(
    ("first", "code"),
    [(100000, "PAGE_SIZE_EXCEEDED"), (201, "PAGE_SIZE_EXCEEDED"), (-1, "INVALID_PAGE_SIZE")],
)
async def test_page_size_limits(client, county, first, code):
    result = await gql(
        client,
        "query($first: Int) { sites(first: $first) { totalCount } }",
        {"first": first},
        county.token("admin"),
    )
    assert result["errors"][0]["extensions"]["code"] == code
    assert "200" in result["errors"][0]["message"] or code == "INVALID_PAGE_SIZE"


async def test_page_cap_itself_is_fine(client, county):
    result = await gql(client, "{ sites(first: 200) { totalCount } }", token=county.token("admin"))
    assert "errors" not in result


async def test_bad_cursor(client, county):
    result = await gql(
        client, '{ sites(after: "garbage") { totalCount } }', token=county.token("admin")
    )
    assert result["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


async def test_deep_query_is_refused(client, county):
    inner = "id"
    for _ in range(30):
        inner = f"parent {{ {inner} }}"
    result = await gql(client, f"{{ countyCenter {{ {inner} }} }}", token=county.token("admin"))
    assert result["data"] is None
    assert "depth" in result["errors"][0]["message"]


@pytest.mark.parametrize("count", [40, 500])
async def test_many_aliases_are_refused(client, county, count):
    aliases = " ".join(f"a{i}: countyCenter {{ id }}" for i in range(count))
    result = await gql(client, f"{{ {aliases} }}", token=county.token("admin"))
    assert result["data"] is None
    message = result["errors"][0]["message"].lower()
    # 500 aliases already exceed the token limit, which stops parsing before validation
    assert "aliases" in message or "tokens" in message


async def test_token_limit(client, county):
    fields = " ".join(["id"] * 3000)
    result = await gql(client, f"{{ countyCenter {{ {fields} }} }}", token=county.token("admin"))
    assert result["data"] is None
    assert "token" in result["errors"][0]["message"].lower()


async def test_over_long_strings(client, db, county):
    before = await _count(db, county)
    result = await gql(
        client,
        "mutation($input: UpdateSiteInput!) { updateSite(input: $input) {"
        " site { name } userErrors { field code } } }",
        {
            "input": {
                "id": county.site_gid("town_a"),
                "name": "长" * 10000,
                "openingHours": "时" * 201,
            }
        },
        county.token("admin"),
    )
    payload = result["data"]["updateSite"]
    assert payload["site"] is None
    assert {(e["field"], e["code"]) for e in payload["userErrors"]} == {
        ("name", "TOO_LONG"),
        ("openingHours", "TOO_LONG"),
    }
    assert await _count(db, county) == before


async def test_blank_name_and_bad_enum(client, county):
    blank = await gql(
        client,
        UPDATE,
        {"input": {"id": county.site_gid("town_a"), "name": "   "}},
        county.token("admin"),
    )
    assert blank["data"]["updateSite"]["userErrors"] == [{"field": "name", "code": "REQUIRED"}]
    enum = await gql(
        client,
        "mutation($input: CreateSiteInput!) { createSite(input: $input) { userErrors { code } } }",
        {"input": {"parentId": county.site_gid("root"), "level": "CASTLE", "name": "x"}},
        county.token("admin"),
    )
    assert enum["data"] is None and "CASTLE" in enum["errors"][0]["message"]


async def test_malformed_http_bodies(client):
    response = await client.post(
        "/graphql", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert 400 <= response.status_code < 500
    response = await client.post("/graphql", json={"query": "{ me { id "})
    assert response.status_code in (200, 400)
    assert "errors" in response.json()
