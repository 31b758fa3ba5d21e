"""Every ``LocationInput`` is checked: a site (the county centre of a new county included) lies
in mainland China; a latitude of 95 or a longitude of 200 is a userError, and nothing is made."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from api.tenant_opening import create_tenant
from authz.guard import Actor
from network.service import Location
from tenants.models import Tenant
from tests.support.errors import refused
from tests.support.factories import County, next_county_code
from tests.support.graphql import gql

COUNTY_NAME = "坐标县"
OFF_THE_MAP = [(95.0, 119.0), (33.8, 200.0), (-95.0, -200.0), (119.0, 33.8)]


async def _tenants(db) -> int:
    async with db.session(None) as session:
        return (await session.execute(select(func.count()).select_from(Tenant))).scalar_one()


@pytest.mark.parametrize(("lat", "lng"), OFF_THE_MAP)
async def test_a_new_county_centre_off_the_map_is_refused(db, lat, lng):
    before = await _tenants(db)
    async with db.transaction(None) as session:
        errors = await refused(
            create_tenant(
                db,
                session,
                Actor.platform("test"),
                code=next_county_code(),
                name="坐标外县",
                location=Location(lat=lat, lng=lng),
            )
        )
    assert errors == [("location", "INVALID_LOCATION")]
    assert await _tenants(db) == before


async def test_a_new_county_centre_in_china_is_accepted(db):
    async with db.transaction(None) as session:
        opened = await create_tenant(
            db,
            session,
            Actor.platform("test"),
            code=next_county_code(),
            name="坐标内县",
            location=Location(lat=33.78, lng=119.26),
        )
    assert (opened.county_center.lat, opened.county_center.lng) == (33.78, 119.26)


@pytest.mark.parametrize(("lat", "lng"), OFF_THE_MAP)
async def test_sites_off_the_map_are_refused(client, county: County, lat, lng):
    created = await gql(
        client,
        "mutation($input: CreateSiteInput!) { createSite(input: $input) {"
        " site { id } userErrors { field code } } }",
        {
            "input": {
                "parentId": county.site_gid("town_a"),
                "level": "VILLAGE_STATION",
                "name": "坐标外村",
                "divisionCode": county.sites["town_a"].division_code + "299",
                "location": {"lat": lat, "lng": lng},
            }
        },
        county.token("admin"),
    )
    assert created["data"]["createSite"] == {
        "site": None,
        "userErrors": [{"field": "location", "code": "INVALID_LOCATION"}],
    }
    updated = await gql(
        client,
        "mutation($input: UpdateSiteInput!) { updateSite(input: $input) {"
        " site { id } userErrors { field code } } }",
        {"input": {"id": county.site_gid("village_a1"), "location": {"lat": lat, "lng": lng}}},
        county.token("admin"),
    )
    assert updated["data"]["updateSite"] == {
        "site": None,
        "userErrors": [{"field": "location", "code": "INVALID_LOCATION"}],
    }
