"""Every document of graphql/operations/network.graphql runs against the demo data."""

from __future__ import annotations

from tests.support.graphql import login, operation, run_operation

DOCUMENT = operation("network")


async def _site_by_name(client, token: str, parent_id: str | None, name: str) -> dict:
    after = None
    while True:
        data = await run_operation(
            client,
            DOCUMENT,
            "SiteChildren",
            {"parentId": parent_id, "first": 200, "after": after},
            token,
        )
        for edge in data["sites"]["edges"]:
            if edge["node"]["name"] == name:
                return edge["node"]
        if not data["sites"]["pageInfo"]["hasNextPage"]:
            raise AssertionError(f"{name} not found")
        after = data["sites"]["pageInfo"]["endCursor"]


async def test_network_contract(demo_client):
    admin = await login(demo_client, "county-admin")
    head = await login(demo_client, "gaogou-head")

    me = await run_operation(demo_client, DOCUMENT, "Me", {}, head)
    assert me["me"]["tenant"]["code"] == "320826"
    assert me["me"]["roles"][0]["role"] == "TOWNSHIP_HEAD"
    assert me["me"]["roles"][0]["scope"]["name"] == "高沟镇"

    counts = {}
    for level in ("COUNTY_CENTER", "SUB_CENTER", "TOWNSHIP_CENTER", "VILLAGE_STATION"):
        data = await run_operation(
            demo_client, DOCUMENT, "SiteChildren", {"level": level, "first": 1}, admin
        )
        counts[level] = data["sites"]["totalCount"]
    assert counts == {
        "COUNTY_CENTER": 1,
        "SUB_CENTER": 7,
        "TOWNSHIP_CENTER": 16,
        "VILLAGE_STATION": 372,
    }

    root = (
        await run_operation(
            demo_client, DOCUMENT, "SiteChildren", {"level": "COUNTY_CENTER"}, admin
        )
    )["sites"]
    root_id = root["edges"][0]["node"]["id"]
    children = await run_operation(
        demo_client, DOCUMENT, "SiteChildren", {"parentId": root_id, "first": 200}, admin
    )
    assert children["sites"]["totalCount"] == 23
    gaogou = await _site_by_name(demo_client, admin, root_id, "高沟镇")
    assert gaogou["officialName"] == "涟水县高沟镇便民服务中心"
    yandian = await _site_by_name(demo_client, admin, gaogou["id"], "盐店村")
    assert yandian["divisionCode"].startswith(gaogou["divisionCode"])

    detail = await run_operation(demo_client, DOCUMENT, "SiteDetail", {"id": yandian["id"]}, head)
    node = detail["node"]
    assert node["officialName"] == "涟水县高沟镇盐店村便民服务站"
    assert node["parent"]["name"] == "高沟镇"
    assert [a["name"] for a in node["ancestors"]] == ["涟水县", "高沟镇"]
    assert node["location"]["lat"] and node["staffCount"] >= 0

    created = await run_operation(
        demo_client,
        DOCUMENT,
        "CreateSite",
        {
            "input": {
                "parentId": gaogou["id"],
                "level": "VILLAGE_STATION",
                "name": "新建村",
                "divisionCode": gaogou["divisionCode"] + "998",
                "address": "涟水县高沟镇新建村村委会",
                "location": {"lat": 33.52, "lng": 118.98},  # far from the public-search tests
            }
        },
        head,
    )
    assert created["createSite"]["userErrors"] == []
    assert created["createSite"]["site"]["officialName"] == "涟水县高沟镇新建村便民服务站"

    updated = await run_operation(
        demo_client,
        DOCUMENT,
        "UpdateSite",
        {"input": {"id": yandian["id"], "address": "涟水县高沟镇盐店村党群服务中心一楼"}},
        head,
    )
    assert updated["updateSite"]["userErrors"] == []

    user = await run_operation(
        demo_client,
        DOCUMENT,
        "CreateUser",
        {
            "input": {
                "username": "yandian-new",
                "password": "password-123",
                "displayName": "盐店新人",
            }
        },
        head,
    )
    assert user["createUser"]["userErrors"] == []
    granted = await run_operation(
        demo_client,
        DOCUMENT,
        "GrantRole",
        {
            "input": {
                "userId": user["createUser"]["user"]["id"],
                "role": "WINDOW_STAFF",
                "scopeId": yandian["id"],
            }
        },
        head,
    )
    assert granted["grantRole"]["userErrors"] == []
    assert granted["grantRole"]["user"]["roles"] == [
        {"role": "WINDOW_STAFF", "scope": {"id": yandian["id"]}}
    ]


async def test_demo_accounts_log_in(demo_client):
    for username in ("county-admin", "hr-dept-admin", "gaogou-head", "yandian-staff", "supervisor"):
        assert await login(demo_client, username)
    assert await login(demo_client, "county-admin", tenant="371324")
    assert await login(demo_client, "operator", tenant="")
