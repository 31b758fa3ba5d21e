"""Authorization matrix of the catalog mutations: role × mutation × own site / descendant /
sibling / parent / another county. Departments propose their own matters only, township heads
override for their township and its villages, the county office reviews, publishes, delegates."""

from __future__ import annotations

import base64
import itertools
from typing import Any

import pytest

from api.gql.ids import global_id
from tests.catalog.gqlops import CHANGE_FIELDS
from tests.catalog.helpers import MARRIAGE, PENSION, setup_catalog
from tests.factories import County, gql, make_county

_codes = itertools.count(1)

APPROVED, PENDING, FORBIDDEN, NOT_FOUND, DONE = (
    "APPROVED",
    "PENDING",
    "FORBIDDEN",
    "NOT_FOUND",
    "OK",
)


@pytest.fixture(scope="module")
async def counties(db):
    county = await make_county(db, "矩阵县")
    setup = await setup_catalog(county)
    other = await make_county(db, "他县")
    return county, setup, other


def _override(site: str):
    def build(county: County, setup) -> tuple[str, str, dict[str, Any]]:
        return (
            "overrideMatter",
            "OverrideMatterInput",
            {"siteId": county.site_gid(site), "matterCode": PENSION, "note": f"说明{next(_codes)}"},
        )

    return build


def _define(department: str):
    def build(county: County, setup) -> tuple[str, str, dict[str, Any]]:
        return (
            "defineMatter",
            "DefineMatterInput",
            {
                "code": f"M-{next(_codes)}",
                "name": "测试事项",
                "type": "FILING",
                "basis": "《测试条例》",
                "departmentId": global_id("Department", setup.departments[department].id),
                "handlingKind": "IMMEDIATE",
                "legalLimitDays": 1,
                "promisedLimitDays": 0,
                "serviceObject": "NATURAL_PERSON",
                "conditions": "",
            },
        )

    return build


def _update(code: str):
    def build(county, setup):
        return (
            "updateMatter",
            "UpdateMatterInput",
            {"code": code, "conditions": f"条件{next(_codes)}"},
        )

    return build


def _delegate(code: str, site: str):
    def build(county, setup):
        return (
            "delegateMatter",
            "DelegateMatterInput",
            {"matterCode": code, "siteId": county.site_gid(site), "accept": True, "process": False},
        )

    return build


def _bundle(codes: list[str]):
    def build(county, setup):
        return (
            "defineBundle",
            "DefineBundleInput",
            {"code": f"B-{next(_codes)}", "name": "测试一件事", "matterCodes": codes},
        )

    return build


CASES: list[tuple[str, str, Any, str]] = [
    # township head: own township, its village (descendant), the sibling township, the county
    # centre (parent), a village of the sibling township.
    ("head_a", "override own", _override("town_a"), PENDING),
    ("head_a", "override descendant", _override("village_a1"), PENDING),
    ("head_a", "override sibling", _override("town_b"), FORBIDDEN),
    ("head_a", "override parent", _override("root"), FORBIDDEN),
    ("head_a", "override sibling's village", _override("village_b1"), FORBIDDEN),
    ("admin", "override any village", _override("village_b1"), APPROVED),
    ("admin", "override root", _override("root"), APPROVED),
    ("dept", "override", _override("sub"), FORBIDDEN),
    ("manager_a1", "override own station", _override("village_a1"), FORBIDDEN),
    ("staff_a1", "override own station", _override("village_a1"), FORBIDDEN),
    ("supervisor", "override", _override("town_a"), FORBIDDEN),
    ("approver", "override", _override("sub"), FORBIDDEN),
    # department (bound at its sub-centre): its own department's matters only.
    ("dept", "define own department", _define("hr"), PENDING),
    ("dept", "define department at the parent site", _define("civil"), FORBIDDEN),
    ("dept", "update own matter", _update(PENSION), PENDING),
    ("dept", "update another department's", _update(MARRIAGE), FORBIDDEN),
    ("dept", "delegate own matter", _delegate(PENSION, "village_a1"), PENDING),
    ("dept", "delegate another's matter", _delegate(MARRIAGE, "village_a1"), FORBIDDEN),
    ("dept", "bundle own matters", _bundle([PENSION, "RS-002"]), PENDING),
    ("dept", "bundle with another's matter", _bundle([PENSION, MARRIAGE]), FORBIDDEN),
    ("head_a", "define", _define("hr"), FORBIDDEN),
    ("head_a", "delegate to own village", _delegate(PENSION, "village_a1"), FORBIDDEN),
    ("supervisor", "define", _define("civil"), FORBIDDEN),
    ("staff_a1", "update", _update(PENSION), FORBIDDEN),
    ("approver", "define", _define("hr"), FORBIDDEN),
    ("admin", "define", _define("civil"), APPROVED),
    ("admin", "delegate", _delegate(MARRIAGE, "village_b1"), APPROVED),
    ("admin", "bundle", _bundle([PENSION, MARRIAGE]), APPROVED),
]


@pytest.mark.parametrize(
    "username,label,build,expected", CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
async def test_change_matrix(client, counties, username, label, build, expected):
    county, setup, _ = counties
    name, input_type, data = build(county, setup)
    result = await gql(
        client,
        f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {CHANGE_FIELDS} }} }}",
        {"input": data},
        county.token(username),
    )
    if expected == FORBIDDEN:
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN", result
        assert result["data"] is None
        return
    payload = result["data"][name]
    assert payload["userErrors"] == [], payload
    assert payload["change"]["status"] == expected


@pytest.mark.parametrize("kind", ["override", "define", "delegate"])
async def test_other_county_cannot_reach(client, counties, kind):
    """Another county's administrator sees nothing of this county: not found, never changed."""
    county, setup, other = counties
    build = {
        "override": _override("village_a1"),
        "define": _define("hr"),
        "delegate": _delegate(PENSION, "village_a1"),
    }[kind]
    name, input_type, data = build(county, setup)
    result = await gql(
        client,
        f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {CHANGE_FIELDS} }} }}",
        {"input": data},
        other.token("admin"),
    )
    payload = result["data"][name]
    assert payload["change"] is None
    assert NOT_FOUND in {e["code"] for e in payload["userErrors"]}, payload


ADMIN_ONLY = {
    "reviewChange": ("ReviewChangeInput", "change { id status }"),
    "publishRelease": ("PublishReleaseInput", "release { number }"),
    "importCatalog": ("ImportCatalogInput", "imported"),
    "defineDepartment": ("DefineDepartmentInput", "department { id }"),
}
ROLES = ["admin", "dept", "head_a", "supervisor", "manager_a1", "staff_a1", "approver"]


async def _pending_change(client, county: County) -> str:
    result = await gql(
        client,
        "mutation($input: OverrideMatterInput!) {"
        f" overrideMatter(input: $input) {{ {CHANGE_FIELDS} }} }}",
        {
            "input": {
                "siteId": county.site_gid("town_a"),
                "matterCode": PENSION,
                "note": f"待审{next(_codes)}",
            }
        },
        county.token("head_a"),
    )
    return result["data"]["overrideMatter"]["change"]["id"]


@pytest.mark.parametrize("mutation", sorted(ADMIN_ONLY))
@pytest.mark.parametrize("username", ROLES)
async def test_county_office_only(client, counties, mutation, username):
    county, _, other = counties
    input_type, fields = ADMIN_ONLY[mutation]
    data: dict[str, Any] = {
        "reviewChange": lambda: {"changeId": None, "approve": True, "comment": "同意"},
        "publishRelease": lambda: {"note": "矩阵"},
        "importCatalog": lambda: {"fileBase64": base64.b64encode(b"not a workbook").decode()},
        "defineDepartment": lambda: {"name": f"部门{next(_codes)}"},
    }[mutation]()
    if mutation == "reviewChange":
        data["changeId"] = await _pending_change(client, county)
    result = await gql(
        client,
        f"mutation($input: {input_type}!) {{"
        f" {mutation}(input: $input) {{ {fields} userErrors {{ code }} }} }}",
        {"input": data},
        county.token(username),
    )
    if username != "admin":
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN", result
        return
    assert "errors" not in result, result
    codes = {e["code"] for e in result["data"][mutation]["userErrors"]}
    # The county office may: success, or a business refusal that is not about permission.
    assert codes <= {"NOTHING_TO_PUBLISH", "INVALID_FILE"}, result
    # Another county's administrator may not review this county's change.
    if mutation == "reviewChange":
        foreign = await gql(
            client,
            f"mutation($input: {input_type}!) {{"
            f" {mutation}(input: $input) {{ {fields} userErrors {{ code }} }} }}",
            {"input": {**data, "changeId": await _pending_change(client, county)}},
            other.token("admin"),
        )
        assert [e["code"] for e in foreign["data"]["reviewChange"]["userErrors"]] == ["NOT_FOUND"]


async def test_reads_are_for_the_county(client, counties):
    county, _, other = counties
    query = "query($s: ID!) { effectiveCatalog(siteId: $s, first: 5) { totalCount } }"
    seen = set()
    for username in ROLES:
        result = await gql(
            client, query, {"s": county.site_gid("village_b1")}, county.token(username)
        )
        seen.add(result["data"]["effectiveCatalog"]["totalCount"])
    assert len(seen) == 1 and seen.pop() >= 4
    foreign = await gql(client, query, {"s": county.site_gid("village_b1")}, other.token("admin"))
    assert foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    anonymous = await gql(client, query, {"s": county.site_gid("village_b1")})
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize(
    "username,allowed",
    [
        ("admin", True),
        ("dept", True),
        ("head_a", True),
        ("supervisor", True),
        ("staff_a1", False),
        ("manager_a1", False),
        ("approver", False),
    ],
)
async def test_working_definitions_are_for_reviewers_proposers_and_supervisors(
    client, counties, username, allowed
):
    """Approved, unpublished definitions are a preview: not for every window."""
    county, _, _ = counties
    result = await gql(
        client,
        '{ matter(code: "RS-001") { code } matters(first: 5) { totalCount } }',
        token=county.token(username),
    )
    if allowed:
        assert result["data"]["matter"] == {"code": PENSION}, result
    else:
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN", result
