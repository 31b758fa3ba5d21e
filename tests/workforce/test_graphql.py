"""The client contract (graphql/operations/workforce.graphql) and the GraphQL behaviour of the
workforce: all-or-nothing redeployment, masking for each role, node(id:) of foreign staff."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path

import pytest

from api.schema import build_schema
from graphql import parse, validate
from tests.support.factories import make_county
from tests.support.graphql import gid, gql, operation, run_operation
from tests.support.workforce import hire, id_number, pin_today

DOCUMENT = operation("workforce")
CONTRACT = Path("/work/shared/contract/workforce.graphql")


def test_operations_file_is_the_contract_and_validates():
    if CONTRACT.exists():
        assert CONTRACT.read_text(encoding="utf-8") == DOCUMENT
    schema = build_schema()
    assert validate(schema._schema, parse(DOCUMENT)) == []


async def test_every_contract_operation_runs(db, client, monkeypatch):
    county = await make_county(db, "契约县")
    token = county.token("admin")
    today = pin_today(monkeypatch, date(2026, 1, 31))
    hired = await run_operation(
        client,
        DOCUMENT,
        "HireStaff",
        {
            "input": {
                "name": "赵六",
                "idNumber": id_number(),
                "phone": "13700001234",
                "education": "BACHELOR",
                "employmentType": "PURCHASED_SERVICE",
                "employer": "政通外包服务有限公司",
                "hireDate": (today - timedelta(days=30)).isoformat(),
                "siteId": county.site_gid("town_a"),
                "post": "INTAKE",
                "posts": ["AGENCY"],
            }
        },
        token,
    )
    payload = hired["hireStaff"]
    assert payload["userErrors"] == []
    staff = payload["staff"]
    assert staff["status"] == "PROBATION"
    assert staff["currentAssignment"] == {
        "site": {"id": county.site_gid("town_a")},
        "post": "INTAKE",
        "kind": "REGULAR",
    }
    assigned = await run_operation(
        client,
        DOCUMENT,
        "AssignStaff",
        {
            "input": {
                "staffId": staff["id"],
                "siteId": county.site_gid("village_a1"),
                "post": "AGENCY",
                "kind": "VILLAGE_DISPATCH",
                "startDate": today.isoformat(),
                "reason": "派驻",
            }
        },
        county.token("head_a"),
    )
    assert assigned["assignStaff"]["userErrors"] == []
    assert assigned["assignStaff"]["assignment"]["site"]["name"] == "一村"
    other = await hire(county, "town_b", hire_date=today - timedelta(days=100))
    moved = await run_operation(
        client,
        DOCUMENT,
        "Redeploy",
        {
            "input": {
                "effectiveDate": today.isoformat(),
                "reason": "业务量调整",
                "moves": [
                    {
                        "staffId": gid("Staff", other.id),
                        "toSiteId": county.site_gid("root"),
                        "post": "ISSUE",
                    }
                ],
            }
        },
        token,
    )
    order = moved["redeploy"]["order"]
    assert moved["redeploy"]["userErrors"] == []
    assert order["moves"] == [
        {
            "staff": {"id": gid("Staff", other.id)},
            "fromSite": {"id": county.site_gid("town_b")},
            "toSite": {"id": county.site_gid("root")},
            "post": "ISSUE",
        }
    ]
    site_staff = await run_operation(
        client, DOCUMENT, "SiteStaff", {"siteId": county.site_gid("village_a1"), "first": 10}, token
    )
    connection = site_staff["node"]["assignmentsOn"]
    assert connection["totalCount"] == 1
    assert connection["edges"][0]["node"]["staff"]["name"] == "赵六"
    assert connection["edges"][0]["node"]["kind"] == "VILLAGE_DISPATCH"
    on_day_before = await run_operation(
        client,
        DOCUMENT,
        "SiteStaff",
        {"siteId": county.site_gid("village_a1"), "on": (today - timedelta(days=1)).isoformat()},
        token,
    )
    assert on_day_before["node"]["assignmentsOn"]["totalCount"] == 0
    certified = await run_operation(
        client,
        DOCUMENT,
        "RecordCertificate",
        {
            "input": {
                "staffId": staff["id"],
                "level": "LEVEL_4",
                "number": f"CERT-{county.code}",
                "issuedOn": today.isoformat(),
            }
        },
        token,
    )
    assert certified["recordCertificate"] == {
        "staff": {"id": staff["id"], "skillLevel": "LEVEL_4"},
        "userErrors": [],
    }
    detail = (await run_operation(client, DOCUMENT, "StaffDetail", {"id": staff["id"]}, token))[
        "node"
    ]
    assert re.fullmatch(r"320826\*{8}\d{3}[\dX]", detail["maskedIdNumber"])
    assert detail["certificates"][0]["level"] == "LEVEL_4"
    assert [a["kind"] for a in detail["assignments"]] == ["REGULAR", "VILLAGE_DISPATCH"]
    assert detail["trainingHours"] == 0


REDEPLOY = """mutation($input: RedeployInput!) { redeploy(input: $input) {
  order { id } userErrors { field code message } } }"""


async def test_redeploy_is_all_or_nothing_and_names_the_bad_move(db, client, monkeypatch):
    county = await make_county(db, "调配县")
    start = date(2025, 4, 1)
    pin_today(monkeypatch, date(2025, 5, 20))  # the order is issued before it takes effect
    a = await hire(county, "town_a", name="甲", hire_date=start)
    b = await hire(county, "town_b", name="乙", hire_date=start)
    c = await hire(county, "root", name="丙", hire_date=start)
    variables = {
        "input": {
            "effectiveDate": "2025-06-01",
            "reason": "统筹调配",
            "moves": [
                {
                    "staffId": gid("Staff", a.id),
                    "toSiteId": county.site_gid("town_b"),
                    "post": "INTAKE",
                },
                {
                    "staffId": gid("Staff", b.id),
                    "toSiteId": county.site_gid("town_b"),
                    "post": "INTAKE",
                },
                {"staffId": "not-an-id", "toSiteId": county.site_gid("root"), "post": "INTAKE"},
                {
                    "staffId": gid("Staff", c.id),
                    "toSiteId": county.site_gid("sub"),
                    "post": "ISSUE",
                },
            ],
        }
    }
    result = (await gql(client, REDEPLOY, variables, county.token("admin")))["data"]["redeploy"]
    assert result["order"] is None
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [
        ("moves[1].toSiteId", "NO_CHANGE"),
        ("moves[2].staffId", "INVALID_ID"),
    ]
    assert result["userErrors"][0]["message"].startswith("第 2 项")
    # Nothing changed: 甲 still at 甲镇 after the date, no order exists.
    orders = await gql(client, "{ redeploymentOrders { totalCount } }", token=county.token("admin"))
    assert orders["data"]["redeploymentOrders"]["totalCount"] == 0
    history = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Staff { assignments { endDate } } } }",
        {"id": gid("Staff", a.id)},
        county.token("admin"),
    )
    assert history["data"]["node"]["assignments"] == [{"endDate": None}]

    variables["input"]["moves"] = [variables["input"]["moves"][0], variables["input"]["moves"][3]]
    done = (await gql(client, REDEPLOY, variables, county.token("admin")))["data"]["redeploy"]
    assert done["userErrors"] == []
    moves = await gql(
        client,
        "query($id: ID!) { node(id: $id) { ... on Staff { redeploymentMoves { toSite { name } "
        "order { reason issuedBy { username } } } assignments { endDate order { id } } } } }",
        {"id": gid("Staff", a.id)},
        county.token("admin"),
    )
    node = moves["data"]["node"]
    assert node["redeploymentMoves"][0]["toSite"]["name"] == "乙镇"
    assert node["redeploymentMoves"][0]["order"]["reason"] == "统筹调配"
    assert node["redeploymentMoves"][0]["order"]["issuedBy"] == {"username": "admin"}
    assert node["assignments"][0]["endDate"] == "2025-05-31"
    assert node["assignments"][1]["order"]["id"] == done["order"]["id"]
    denied = await gql(client, REDEPLOY, variables, county.token("head_a"))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


PHONE = "query($id: ID!) { node(id: $id) { ... on Staff { phone maskedIdNumber } } }"


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("admin", "13812345678"),
        ("supervisor", "138****5678"),
        ("head_a", "138****5678"),
        ("self", "13812345678"),
        ("dept", "FORBIDDEN"),
        ("manager_a1", "FORBIDDEN"),
        ("approver", "FORBIDDEN"),
    ],
)
async def test_phone_masking_per_role(db, client, role, expected):
    county = await make_county(db, "脱敏县")
    person = await hire(county, "town_a", phone="138-1234-5678", hire_date=date(2025, 1, 2))
    if role == "self":
        from accounts.models import User

        async with db.transaction(county.tenant_id) as session:
            user = await session.get(User, county.users["staff_a1"].id)
            user.staff_id = person.id
        role = "staff_a1"
    result = await gql(client, PHONE, {"id": gid("Staff", person.id)}, county.token(role))
    if expected == "FORBIDDEN":
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        return
    assert result["data"]["node"]["phone"] == expected
    assert "*" in result["data"]["node"]["maskedIdNumber"]


async def test_foreign_staff_node_is_null(db, client):
    county = await make_county(db, "本县")
    other = await make_county(db, "邻县")
    person = await hire(county, "town_a")
    result = await gql(client, PHONE, {"id": gid("Staff", person.id)}, other.token("admin"))
    assert result["data"]["node"] is None


async def test_bad_input_is_user_errors_not_server_errors(db, client):
    county = await make_county(db, "坏输入县")
    hire_doc = """mutation($input: HireStaffInput!) { hireStaff(input: $input) {
      staff { id } userErrors { field code } } }"""
    result = await gql(
        client,
        hire_doc,
        {
            "input": {
                "name": " ",
                "idNumber": "123",
                "phone": "abc",
                "education": "BACHELOR",
                "employmentType": "TEMPORARY",
                "employer": "x",
                "hireDate": "0001-01-01",
                "siteId": county.site_gid("town_a"),
                "post": "INTAKE",
            }
        },
        county.token("admin"),
    )
    codes = {(e["field"], e["code"]) for e in result["data"]["hireStaff"]["userErrors"]}
    assert codes == {
        ("name", "REQUIRED"),
        ("idNumber", "INVALID_ID_NUMBER"),
        ("phone", "INVALID_PHONE"),
        ("hireDate", "INVALID_DATE"),
    }
    site_id = await gql(
        client, hire_doc, {"input": {**_hire_input(), "siteId": "bogus"}}, county.token("admin")
    )
    assert site_id["data"]["hireStaff"]["userErrors"] == [{"field": "siteId", "code": "INVALID_ID"}]
    warn = await gql(
        client,
        '{ certificateWarnings(on: "0001-01-01") { totalCount } }',
        token=county.token("admin"),
    )
    assert warn["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    over = await gql(
        client,
        "query($s: ID!) { node(id: $s) { ... on Site { "
        "assignmentsOn(first: 500) { totalCount } } } }",
        {"s": county.site_gid("root")},
        county.token("admin"),
    )
    assert over["errors"][0]["extensions"]["code"] == "PAGE_SIZE_EXCEEDED"


def _hire_input() -> dict:
    return {
        "name": "某",
        "idNumber": id_number(),
        "education": "BACHELOR",
        "employmentType": "TEMPORARY",
        "employer": "x",
        "hireDate": "2025-01-01",
        "siteId": "",
        "post": "INTAKE",
    }
