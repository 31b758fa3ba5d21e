"""Every operation of graphql/operations/catalog.graphql and public.graphql, run as written
against a county built here, on both databases."""

from __future__ import annotations

from datetime import date

from graphql import OperationDefinitionNode, parse
from tests.support.catalog import (
    CATALOG_DOC,
    MARRIAGE,
    PENSION,
    PUBLIC_DOC,
    setup_catalog,
    unemployment_benefit,
)
from tests.support.factories import make_county
from tests.support.graphql import run_operation
from tests.support.workforce import hire, id_number


def _operations(document: str) -> set[str]:
    return {
        d.name.value
        for d in parse(document).definitions
        if isinstance(d, OperationDefinitionNode) and d.name
    }


async def test_every_contract_operation_runs(db, client):
    assert _operations(CATALOG_DOC) == {
        "EffectiveCatalog",
        "DefineMatter",
        "OverrideMatter",
        "ReviewChange",
        "PublishRelease",
    }
    assert _operations(PUBLIC_DOC) == {"NearbySites", "MatterGuide"}
    county = await make_county(db)
    setup = await setup_catalog(county)
    hr = setup.department_gid("hr")
    # DefineMatter by the department: waits for review.
    defined = await run_operation(
        client,
        CATALOG_DOC,
        "DefineMatter",
        {
            "input": unemployment_benefit(
                hr,
                code="RS-100",
                materials=[
                    {"name": "居民身份证", "copies": 1, "required": True, "form": "PAPER"},
                    {"name": "失业证明", "copies": 1, "required": False, "form": "ELECTRONIC"},
                ],
                feeYuan=None,
            )
        },
        county.token("dept"),
    )
    assert defined["defineMatter"]["userErrors"] == []
    change_id = defined["defineMatter"]["change"]["id"]
    assert defined["defineMatter"]["change"]["status"] == "PENDING"
    # OverrideMatter by the township head, for one of its villages.
    overridden = await run_operation(
        client,
        CATALOG_DOC,
        "OverrideMatter",
        {
            "input": {
                "siteId": county.site_gid("town_a"),
                "matterCode": PENSION,
                "promisedLimitDays": 3,
                "materials": [{"name": "户口簿", "note": "可用复印件"}],
                "note": "甲镇提速",
            }
        },
        county.token("head_a"),
    )
    assert overridden["overrideMatter"]["change"]["status"] == "PENDING"
    for cid in (change_id, overridden["overrideMatter"]["change"]["id"]):
        reviewed = await run_operation(
            client,
            CATALOG_DOC,
            "ReviewChange",
            {"input": {"changeId": cid, "approve": True, "comment": "同意"}},
            county.token("admin"),
        )
        assert reviewed["reviewChange"]["change"] == {"id": cid, "status": "APPROVED"}
    published = await run_operation(
        client, CATALOG_DOC, "PublishRelease", {"input": {"note": "第二版"}}, county.token("admin")
    )
    assert published["publishRelease"]["userErrors"] == []
    assert published["publishRelease"]["release"]["number"] == 2
    assert published["publishRelease"]["release"]["publishedAt"]
    # EffectiveCatalog of a village of that township, as its window staff.
    catalog = (
        await run_operation(
            client,
            CATALOG_DOC,
            "EffectiveCatalog",
            {"siteId": county.site_gid("village_a1"), "first": 2},
            county.token("staff_a1"),
        )
    )["effectiveCatalog"]
    assert (catalog["totalCount"], catalog["release"]) == (5, 2)
    assert catalog["pageInfo"]["hasNextPage"] is True
    rest = (
        await run_operation(
            client,
            CATALOG_DOC,
            "EffectiveCatalog",
            {
                "siteId": county.site_gid("village_a1"),
                "first": 200,
                "after": catalog["pageInfo"]["endCursor"],
            },
            county.token("staff_a1"),
        )
    )["effectiveCatalog"]
    nodes = {e["node"]["code"]: e["node"] for e in catalog["edges"] + rest["edges"]}
    assert len(nodes) == 5 and rest["pageInfo"]["hasNextPage"] is False
    pension = nodes[PENSION]
    assert pension["promisedLimitDays"] == 3
    # 户口簿 stays required (same standard, issue 10): the township only adds a note.
    assert pension["materials"] == [
        {"name": "居民身份证", "copies": 1, "required": True},
        {"name": "户口簿", "copies": 1, "required": True},
    ]
    assert pension["overriddenAt"] == {"id": county.site_gid("town_a"), "level": "TOWNSHIP_CENTER"}
    searched = (
        await run_operation(
            client,
            CATALOG_DOC,
            "EffectiveCatalog",
            {"siteId": county.site_gid("village_a1"), "search": "hyjh", "preview": False},
            county.token("staff_a1"),
        )
    )["effectiveCatalog"]
    assert searched["edges"][0]["node"]["code"] == MARRIAGE
    # The public documents, anonymous.
    guide = (
        await run_operation(
            client,
            PUBLIC_DOC,
            "MatterGuide",
            {"tenant": county.code, "siteId": county.site_gid("town_a"), "code": PENSION},
        )
    )["publicMatter"]
    assert guide["promisedLimitDays"] == 3 and guide["release"] == 2
    assert guide["materials"] == [
        {"name": "居民身份证", "copies": 1, "required": True, "form": "PAPER"},
        {"name": "户口簿", "copies": 1, "required": True, "form": "PAPER"},
    ]
    # The public app sends citizens only where someone works today (issue 10).
    for site, birth in (("sub", 1), ("town_a", 2), ("town_b", 3)):
        await hire(county, site, name=f"{site}窗口", number=id_number(date(1990, birth, 2)))
    sites = (
        await run_operation(
            client,
            PUBLIC_DOC,
            "NearbySites",
            {
                "tenant": county.code,
                "lat": 33.77,
                "lng": 119.26,
                "matterCode": PENSION,
                "first": 10,
            },
        )
    )["publicSites"]
    levels = sorted(e["node"]["level"] for e in sites["edges"])
    # Exercised at county and township level; the HR department sits at the sub-centre.
    assert levels == ["SUB_CENTER", "TOWNSHIP_CENTER", "TOWNSHIP_CENTER"]
    assert all(
        set(e["node"]) == {"id", "officialName", "level", "address", "distanceMeters"}
        for e in sites["edges"]
    )
