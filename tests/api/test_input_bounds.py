"""Query arguments are bounded by what the domain allows: a search is what a person types
(``SEARCH_MAX``), a code is as long as a code can be, a point is on Earth. Over a bound is a
GraphQL error with a code, before anything is read — never a 500 or a masked internal error."""

from __future__ import annotations

import pytest

from authz.errors import SEARCH_MAX
from catalog.definitions import CODE_MAX
from tests.support.catalog import PENSION, setup_catalog
from tests.support.factories import County
from tests.support.graphql import error_code, gql

COUNTY_NAME = "界限查询县"
INTERNAL = "服务器内部错误"

SEARCHES = {
    "staff": "query($q: String) { staff(search: $q) { totalCount } }",
    "effectiveCatalog": (
        "query($q: String, $site: ID!) { effectiveCatalog(siteId: $site, search: $q) {"
        " totalCount } }"
    ),
    "matters": "query($q: String) { matters(search: $q) { totalCount } }",
    "publicCatalog": (
        "query($q: String, $site: ID!, $tenant: String!) {"
        " publicCatalog(tenant: $tenant, siteId: $site, search: $q) { totalCount } }"
    ),
}


@pytest.fixture(scope="module", autouse=True)
async def _catalog(county: County) -> None:
    await setup_catalog(county)


def _variables(county: County, search: str) -> dict:
    return {"q": search, "site": county.site_gid("village_a1"), "tenant": county.code}


@pytest.mark.parametrize("length", [60_000, SEARCH_MAX + 1])
@pytest.mark.parametrize("field", SEARCHES)
async def test_over_long_search_is_a_typed_error(client, county, field, length):
    result = await gql(
        client, SEARCHES[field], _variables(county, "婚" * length), county.token("admin")
    )
    assert error_code(result) == "INVALID_SEARCH", result
    assert str(SEARCH_MAX) in result["errors"][0]["message"]
    assert result["data"] is None


@pytest.mark.parametrize("field", SEARCHES)
async def test_search_at_the_bound_is_answered(client, county, field):
    result = await gql(
        client, SEARCHES[field], _variables(county, "婚" * SEARCH_MAX), county.token("admin")
    )
    assert "errors" not in result, result
    assert result["data"][field]["totalCount"] == 0


@pytest.mark.parametrize(
    "query",
    [
        "query($c: String!) { matter(code: $c) { code } }",
        "query($c: String!, $t: String!, $s: ID!) {"
        " publicMatter(tenant: $t, siteId: $s, code: $c) { code } }",
        "query($c: String!, $t: String!) { publicBundle(tenant: $t, code: $c) { code } }",
        "query($c: String, $t: String!) { publicSites(tenant: $t, matterCode: $c) { totalCount } }",
    ],
    ids=["matter", "publicMatter", "publicBundle", "publicSites"],
)
async def test_over_long_code_is_a_typed_error(client, county, query):
    variables = {"c": "X" * 60_000, "t": county.code, "s": county.site_gid("village_a1")}
    result = await gql(client, query, variables, county.token("admin"))
    assert error_code(result) == "BAD_REQUEST", result
    assert str(CODE_MAX) in result["errors"][0]["message"]
    at_bound = await gql(client, query, {**variables, "c": "X" * CODE_MAX}, county.token("admin"))
    assert "errors" not in at_bound, at_bound


async def test_over_long_county_code_is_not_found_and_not_echoed(client):
    result = await gql(
        client,
        "query($t: String!) { publicBundles(tenant: $t) { code } }",
        {"t": "3" * 60_000},
    )
    assert error_code(result) == "NOT_FOUND"
    assert len(result["errors"][0]["message"]) < 100


NEAR = """query($t: String!, $lat: Float!, $lng: Float!, $matter: String) {
  publicSites(tenant: $t, near: {lat: $lat, lng: $lng}, matterCode: $matter) {
    totalCount edges { node { distanceMeters } }
  }
}"""


@pytest.mark.parametrize(
    ("lat", "lng"),
    [(95.0, 119.0), (-90.5, 119.0), (33.8, 200.0), (33.8, -180.01), (1e300, 1e300)],
)
async def test_public_sites_near_a_point_off_the_earth(client, county, lat, lng):
    result = await gql(client, NEAR, {"t": county.code, "lat": lat, "lng": lng, "matter": PENSION})
    assert error_code(result) == "INVALID_LOCATION", result
    assert result["errors"][0]["message"] != INTERNAL


@pytest.mark.parametrize(("lat", "lng"), [(33.8, 119.0), (90.0, 180.0), (48.86, 2.35)])
async def test_public_sites_near_any_point_on_earth(client, county, lat, lng):
    """Where a person stands may be anywhere (abroad too): only sites must be in China."""
    result = await gql(client, NEAR, {"t": county.code, "lat": lat, "lng": lng, "matter": PENSION})
    assert "errors" not in result, result
