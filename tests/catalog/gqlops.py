"""GraphQL documents and small helpers shared by the catalog tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.factories import County, gql

ROOT = Path(__file__).resolve().parents[2]
CATALOG_DOC = (ROOT / "graphql" / "operations" / "catalog.graphql").read_text(encoding="utf-8")
PUBLIC_DOC = (ROOT / "graphql" / "operations" / "public.graphql").read_text(encoding="utf-8")

EFFECTIVE_FULL = """
query Full($siteId: ID!, $search: String, $preview: Boolean, $first: Int, $after: String) {
  effectiveCatalog(siteId: $siteId, search: $search, preview: $preview, first: $first,
                   after: $after) {
    totalCount release preview
    edges { cursor node {
      code name type basis departmentName serviceObject conditions process handlingKind
      legalLimitDays promisedLimitDays feeYuan feeBasis online keywords acceptedHere processedHere
      comprehensiveWindow note acceptancePlace processingPlace
      materials { name kind form copies required source note blankForm sample __typename }
      overriddenAt { id level __typename }
      __typename
    } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""

CHANGE_FIELDS = "change { id status kind summary } userErrors { field code message }"


async def effective(
    client, county: County, site: str, username: str = "admin", **variables: Any
) -> dict[str, Any]:
    result = await gql(
        client,
        EFFECTIVE_FULL,
        {"siteId": county.site_gid(site), "first": 200, **variables},
        county.token(username),
    )
    assert "errors" not in result, result
    return result["data"]["effectiveCatalog"]


def by_code(catalog: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["node"]["code"]: e["node"] for e in catalog["edges"]}


async def mutate(client, county: County, username: str, name: str, input_type: str, data: dict):
    fields = (
        "release { number publishedAt } userErrors { field code message }"
        if name == "publishRelease"
        else CHANGE_FIELDS
    )
    result = await gql(
        client,
        f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {fields} }} }}",
        {"input": data},
        county.token(username),
    )
    return result


async def override(client, county: County, username: str, site: str, matter: str, **values):
    result = await mutate(
        client,
        county,
        username,
        "overrideMatter",
        "OverrideMatterInput",
        {"siteId": county.site_gid(site), "matterCode": matter, **values},
    )
    assert "errors" not in result, result
    return result["data"]["overrideMatter"]


async def publish(client, county: County, note: str = "发布") -> int:
    result = await mutate(
        client, county, "admin", "publishRelease", "PublishReleaseInput", {"note": note}
    )
    assert "errors" not in result, result
    payload = result["data"]["publishRelease"]
    assert payload["userErrors"] == [], payload
    return payload["release"]["number"]
