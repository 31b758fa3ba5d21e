"""Bad input to the catalog gets userErrors or a GraphQL error with a code, never a 500."""

from __future__ import annotations

import pytest

from api.gql.ids import global_id
from tests.support.catalog import CHANGE_FIELDS, PENSION, setup_catalog
from tests.support.factories import County
from tests.support.graphql import gql

COUNTY_NAME = "坏输入目录县"
INTERNAL = "服务器内部错误"


@pytest.fixture(scope="module", autouse=True)
async def _catalog(county: County) -> None:
    await setup_catalog(county)


def _define(county: County, **overrides):
    data = {
        "code": "X-1",
        "name": "测试",
        "type": "FILING",
        "basis": "依据",
        "departmentId": global_id("Department", county.tenant_id),
        "handlingKind": "IMMEDIATE",
        "legalLimitDays": 1,
        "promisedLimitDays": 0,
        "serviceObject": "NATURAL_PERSON",
    }
    data.update(overrides)
    return data


CASES = [
    ("defineMatter", "DefineMatterInput", lambda c: _define(c), "NOT_FOUND"),
    ("defineMatter", "DefineMatterInput", lambda c: _define(c, departmentId="junk"), "INVALID_ID"),
    ("defineMatter", "DefineMatterInput", lambda c: _define(c, code="bad code!"), "INVALID_CODE"),
    ("defineMatter", "DefineMatterInput", lambda c: _define(c, name="名" * 5000), "TOO_LONG"),
    ("defineMatter", "DefineMatterInput", lambda c: _define(c, basis="  "), "REQUIRED"),
    ("defineMatter", "DefineMatterInput", lambda c: _define(c, legalLimitDays=-1), "OUT_OF_RANGE"),
    ("defineMatter", "DefineMatterInput", lambda c: _define(c, feeYuan="abc"), "INVALID_FEE"),
    ("defineMatter", "DefineMatterInput", lambda c: _define(c, feeYuan="1.234"), "INVALID_FEE"),
    ("defineMatter", "DefineMatterInput", lambda c: _define(c, levels=[]), "REQUIRED"),
    (
        "defineMatter",
        "DefineMatterInput",
        lambda c: _define(c, levels=["SUB_CENTER"]),
        "INVALID_LEVEL",
    ),
    (
        "defineMatter",
        "DefineMatterInput",
        lambda c: _define(c, materials=[{"name": "a"}, {"name": "a"}]),
        "DUPLICATE_MATERIAL",
    ),
    (
        "defineMatter",
        "DefineMatterInput",
        lambda c: _define(c, materials=[{"name": "a", "copies": 0}]),
        "OUT_OF_RANGE",
    ),
    ("updateMatter", "UpdateMatterInput", lambda c: {"code": "NOPE"}, "NOT_FOUND"),
    ("updateMatter", "UpdateMatterInput", lambda c: {"code": PENSION, "name": None}, "REQUIRED"),
    (
        "updateMatter",
        "UpdateMatterInput",
        lambda c: {"code": PENSION, "type": None},
        "INVALID_VALUE",
    ),
    ("withdrawMatter", "WithdrawMatterInput", lambda c: {"code": "NOPE"}, "NOT_FOUND"),
    (
        "overrideMatter",
        "OverrideMatterInput",
        lambda c: {"siteId": "junk", "matterCode": PENSION, "note": "x"},
        "INVALID_ID",
    ),
    (
        "overrideMatter",
        "OverrideMatterInput",
        lambda c: {"siteId": global_id("Site", c.tenant_id), "matterCode": PENSION, "note": "x"},
        "NOT_FOUND",
    ),
    (
        "overrideMatter",
        "OverrideMatterInput",
        lambda c: {"siteId": c.site_gid("town_a"), "matterCode": "NOPE", "note": "x"},
        "NOT_FOUND",
    ),
    (
        "overrideMatter",
        "OverrideMatterInput",
        lambda c: {"siteId": c.site_gid("town_a"), "matterCode": PENSION, "note": "长" * 5000},
        "TOO_LONG",
    ),
    (
        "overrideMatter",
        "OverrideMatterInput",
        lambda c: {"siteId": c.site_gid("town_a"), "matterCode": PENSION, "promisedLimitDays": -3},
        "OUT_OF_RANGE",
    ),
    (
        "overrideMatter",
        "OverrideMatterInput",
        lambda c: {"siteId": c.site_gid("town_b"), "matterCode": PENSION, "reset": True},
        "NOT_FOUND",
    ),
    (
        "delegateMatter",
        "DelegateMatterInput",
        lambda c: {
            "siteId": c.site_gid("sub"),
            "matterCode": PENSION,
            "accept": True,
            "process": False,
        },
        "INVALID_DELEGATION_TARGET",
    ),
    (
        "defineBundle",
        "DefineBundleInput",
        lambda c: {"code": "B-X", "name": "x", "matterCodes": [PENSION, "NOPE"]},
        "NOT_FOUND",
    ),
    (
        "defineBundle",
        "DefineBundleInput",
        lambda c: {"code": "B-Y", "name": "", "matterCodes": [PENSION, "RS-002"]},
        "REQUIRED",
    ),
    (
        "reviewChange",
        "ReviewChangeInput",
        lambda c: {"changeId": "junk", "approve": True},
        "INVALID_ID",
    ),
    (
        "reviewChange",
        "ReviewChangeInput",
        lambda c: {"changeId": global_id("CatalogChange", c.tenant_id), "approve": True},
        "NOT_FOUND",
    ),
    ("publishRelease", "PublishReleaseInput", lambda c: {"note": "长" * 5000}, "TOO_LONG"),
    ("defineDepartment", "DefineDepartmentInput", lambda c: {"name": " "}, "REQUIRED"),
    (
        "defineDepartment",
        "DefineDepartmentInput",
        lambda c: {"name": "某局", "siteId": c.site_gid("town_a")},
        "INVALID_SCOPE",
    ),
]


@pytest.mark.parametrize(
    "mutation,input_type,build,code", CASES, ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(CASES)]
)
async def test_bad_mutation_input(client, county, mutation, input_type, build, code):
    fields = {
        "publishRelease": "release { number } userErrors { field code message }",
        "defineDepartment": "department { id } userErrors { field code message }",
    }.get(mutation, CHANGE_FIELDS)
    result = await gql(
        client,
        f"mutation($input: {input_type}!) {{ {mutation}(input: $input) {{ {fields} }} }}",
        {"input": build(county)},
        county.token("admin"),
    )
    assert "errors" not in result, result
    payload = result["data"][mutation]
    assert code in {e["code"] for e in payload["userErrors"]}, payload
    assert all(e["message"] and e["message"] != INTERNAL for e in payload["userErrors"])


@pytest.mark.parametrize(
    "query,variables,code",
    [
        ('{ effectiveCatalog(siteId: "x") { totalCount } }', {}, "INVALID_ID"),
        ('{ effectiveCatalog(siteId: "U2l0ZTox", first: -1) { totalCount } }', {}, "INVALID_ID"),
        ('{ matters(departmentId: "x") { totalCount } }', {}, "INVALID_ID"),
        ("{ catalogDiff(fromRelease: -1, toRelease: 1) { fromRelease } }", {}, "NOT_FOUND"),
        ('{ oneWindowRatio(siteId: "x") { ratio } }', {}, "INVALID_ID"),
        ('{ bundles(siteId: "x") { code } }', {}, "INVALID_ID"),
        (
            '{ publicMatter(tenant: "x", siteId: "x", code: "x") { code } }',
            {},
            "NOT_FOUND",
        ),
        ('{ publicCatalog(tenant: "x", siteId: "x") { totalCount } }', {}, "NOT_FOUND"),
        ('{ publicBundles(tenant: "x") { code } }', {}, "NOT_FOUND"),
    ],
)
async def test_bad_query_arguments(client, county, query, variables, code):
    result = await gql(client, query, variables, county.token("admin"))
    assert result["errors"][0]["extensions"]["code"] == code, result
    assert result["errors"][0]["message"] != INTERNAL


async def test_effective_catalog_with_long_search(client, county):
    result = await gql(
        client,
        "query($s: ID!, $q: String) { effectiveCatalog(siteId: $s, search: $q) { totalCount } }",
        {"s": county.site_gid("root"), "q": "婚" * 10000},
        county.token("admin"),
    )
    assert result["errors"][0]["extensions"]["code"] == "INVALID_SEARCH"  # not a silent cut
