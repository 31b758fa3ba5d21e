"""The catalog's same standard (003 §16, 无差别受理、同标准办理; issue 10): a level below may only
tighten what it inherits — through the service and through GraphQL."""

from __future__ import annotations

import pytest

from catalog import changes
from catalog.models import ChangeKind
from tenants.errors import UserErrors
from tests.support.catalog import (
    EMPLOYMENT,
    MARRIAGE,
    PENSION,
    by_code,
    effective,
    mutate,
    override,
    publish,
    setup_catalog,
    unemployment_benefit,
)
from tests.support.factories import County
from tests.support.graphql import gql

COUNTY_NAME = "同标准县"


@pytest.fixture(scope="module")
async def catalog(county: County):
    return await setup_catalog(county)


def codes(payload: dict) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["userErrors"]]


async def _propose(county: County, username: str, site: str, code: str, **values):
    actor = await county.actor(username)
    async with county.db.transaction(county.tenant_id) as session:
        return await changes.propose(
            session,
            actor,
            ChangeKind.OVERRIDE_MATTER,
            {"site_id": str(county.sites[site].id), "matter_code": code, **values},
        )


async def test_the_issue_s_township_override_is_refused(county, catalog, client):
    """The township of issue 10: waived the ID card, loosened the limit, granted itself rights
    on an HR matter — each refused when proposed, nothing recorded."""
    payload = await override(
        client,
        county,
        "head_a",
        "town_a",
        MARRIAGE,  # the county's marriage registry only: no right at a township
        promisedLimitDays=15,
        acceptedHere=True,
        processedHere=True,
        materials=[{"name": "居民身份证", "waived": True}],
    )
    assert payload["change"] is None
    assert codes(payload) == [
        ("promisedLimitDays", "PROMISED_EXCEEDS_INHERITED"),
        ("materials[0].waived", "REQUIRED_MATERIAL"),
        ("acceptedHere", "NOT_DELEGATED"),
        ("processedHere", "NOT_DELEGATED"),
    ]
    messages = " ".join(e["message"] for e in payload["userErrors"])
    assert "10 个工作日" in messages and "居民身份证" in messages and "委托下放" in messages
    listed = await gql(client, "{ catalogChanges { totalCount } }", token=county.token("head_a"))
    assert listed["data"]["catalogChanges"]["totalCount"] == 0


async def test_promised_limit_only_tightens_along_the_chain(county, catalog):
    # 养老保险参保登记: promised 5, legal 15. The county centre tightens to 4; the township may
    # then promise 4 or less, not 5 — though 5 is the definition's.
    await _propose(county, "admin", "root", PENSION, promised_limit_days=4)
    with pytest.raises(UserErrors) as refused:
        await _propose(county, "head_a", "town_a", PENSION, promised_limit_days=5)
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("promisedLimitDays", "PROMISED_EXCEEDS_INHERITED")
    ]
    assert "4 个工作日" in refused.value.errors[0].message
    pending = await _propose(county, "head_a", "town_a", PENSION, promised_limit_days=3)
    assert pending.status.value == "PENDING"
    # Beyond the legal limit is still its own error.
    with pytest.raises(UserErrors) as legal:
        await _propose(county, "head_a", "town_a", PENSION, promised_limit_days=16)
    assert [e.code for e in legal.value.errors] == ["PROMISED_EXCEEDS_LEGAL"]


async def test_an_upper_level_tightening_later_holds_below(db, client):
    """The fold takes the shortest promise on the chain: a township's 4 days do not loosen the
    county's later 2."""
    from tests.support.factories import make_county

    county = await make_county(db, "后收紧县")
    await setup_catalog(county)
    await override(client, county, "admin", "town_a", PENSION, promisedLimitDays=4)
    await override(client, county, "admin", "root", PENSION, promisedLimitDays=2)
    await publish(client, county)
    town = by_code(await effective(client, county, "town_a"))[PENSION]
    assert town["promisedLimitDays"] == 2


async def test_immediate_matter_has_no_promise(county, catalog, client):
    # 就业失业登记 is an immediate matter (即办件): no override may promise days for it …
    payload = await override(client, county, "admin", "town_a", EMPLOYMENT, promisedLimitDays=1)
    assert codes(payload) == [("promisedLimitDays", "IMMEDIATE_NO_PROMISE")]
    # … and no definition either.
    result = await mutate(
        client,
        county,
        "admin",
        "defineMatter",
        "DefineMatterInput",
        unemployment_benefit(catalog.department_gid("hr"), code="RS-IMM", handlingKind="IMMEDIATE"),
    )
    assert codes(result["data"]["defineMatter"]) == [("promisedLimitDays", "IMMEDIATE_NO_PROMISE")]
    update = await mutate(
        client,
        county,
        "admin",
        "updateMatter",
        "UpdateMatterInput",
        {"code": PENSION, "handlingKind": "IMMEDIATE"},
    )
    assert codes(update["data"]["updateMatter"]) == [("promisedLimitDays", "IMMEDIATE_NO_PROMISE")]


async def test_required_material_waivable_only_by_county_decision(county, catalog, client):
    refused = await override(
        client, county, "head_a", "town_a", PENSION, materials=[{"name": "户口簿", "waived": True}]
    )
    assert codes(refused) == [("materials[0].waived", "REQUIRED_MATERIAL")]
    # A note on a required material is fine.
    noted = await override(
        client, county, "head_a", "town_a", PENSION, materials=[{"name": "户口簿", "note": "复印"}]
    )
    assert noted["userErrors"] == []
    # The county decides that 户口簿 may be waived locally; then the township may.
    decided = await mutate(
        client,
        county,
        "admin",
        "updateMatter",
        "UpdateMatterInput",
        {
            "code": PENSION,
            "materials": [
                {"name": "居民身份证", "required": True},
                {"name": "户口簿", "required": True, "waivable": True},
            ],
        },
    )
    assert decided["data"]["updateMatter"]["userErrors"] == []
    allowed = await override(
        client, county, "head_a", "town_a", PENSION, materials=[{"name": "户口簿", "waived": True}]
    )
    assert allowed["userErrors"] == []
    definition = await client.post(
        "/graphql",
        json={"query": f'{{ matter(code: "{PENSION}") {{ materials {{ name waivable }} }} }}'},
        headers={"Authorization": f"Bearer {county.token('admin')}"},
    )
    assert definition.json()["data"]["matter"]["materials"] == [
        {"name": "居民身份证", "waivable": False},
        {"name": "户口簿", "waivable": True},
    ]


async def test_rights_come_from_delegation_only(county, catalog, client):
    # 婚姻登记 at a village: no right; the county delegates acceptance only.
    refused = await override(client, county, "admin", "village_b1", MARRIAGE, acceptedHere=True)
    assert codes(refused) == [("acceptedHere", "NOT_DELEGATED")]
    delegated = await mutate(
        client,
        county,
        "admin",
        "delegateMatter",
        "DelegateMatterInput",
        {
            "matterCode": MARRIAGE,
            "siteId": county.site_gid("town_b"),
            "accept": True,
            "process": False,
            "includeBelow": True,
        },
    )
    assert delegated["data"]["delegateMatter"]["userErrors"] == []
    accept = await override(client, county, "admin", "village_b1", MARRIAGE, acceptedHere=True)
    assert accept["userErrors"] == []
    process = await override(client, county, "admin", "village_b1", MARRIAGE, processedHere=True)
    assert codes(process) == [("processedHere", "NOT_DELEGATED")]
    # The township narrows acceptance; its village cannot widen it again.
    narrowed = await override(client, county, "admin", "town_b", MARRIAGE, acceptedHere=False)
    assert narrowed["userErrors"] == []
    again = await override(client, county, "admin", "village_b1", MARRIAGE, acceptedHere=True)
    assert codes(again) == [("acceptedHere", "NARROWED_ABOVE")]
    await publish(client, county)
    village = by_code(await effective(client, county, "village_b1"))[MARRIAGE]
    assert village["acceptedHere"] is False  # the older village override does not widen it
