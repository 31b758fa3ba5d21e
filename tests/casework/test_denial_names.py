"""A casework denial names the site as people know it: its official name (涟水县…便民服务站),
as every other denial does (``network.access.forbidden_at``), not its short name."""

from __future__ import annotations

from datetime import date

import pytest

from authz.errors import Forbidden
from casework import complaints
from network.models import Site
from tests.casework.world import World, build_world
from tests.support.casework import CIPHER, accept, at, decide

COUNTY_NAME = "称谓县"
MON = date(2025, 3, 3)


@pytest.fixture(scope="module")
async def world(county) -> World:
    return await build_world(county)


async def test_deciding_without_the_post_names_the_processing_site(world):
    county = world.county
    case = (await accept(county, world.desk, world.counter, at(MON))).case
    with pytest.raises(Forbidden) as denied:
        await decide(county, world.market_approver, case, at(MON))
    async with county.db.session(county.tenant_id) as session:
        site = await session.get(Site, case.processing_site_id)
    assert denied.value.extensions["scopeName"].startswith(site.official_name + "(")
    assert site.official_name.startswith(COUNTY_NAME)


async def test_reporting_for_a_site_one_has_no_part_in_names_it(world):
    county = world.county
    village = county.sites["village_b1"]
    data = complaints.NewComplaint(
        site_id=village.id, description="证明开不出来", contact_phone="13800005678"
    )
    stranger = await county.actor("head_a")  # township A's head, not B's
    with pytest.raises(Forbidden) as denied:
        async with county.db.transaction(county.tenant_id) as session:
            await complaints.report_unresolved(session, stranger, CIPHER, data, at(MON))
    assert denied.value.extensions["scopeName"] == village.official_name


async def test_accepting_off_the_front_desk_names_the_window_s_site(world):
    county = world.county
    with pytest.raises(Forbidden) as denied:
        await accept(county, world.market_approver, world.counter, at(MON))
    async with county.db.session(county.tenant_id) as session:
        site = await session.get(Site, world.counter.site_id)
    assert denied.value.extensions["scopeName"] == f"{site.official_name}(今日不在该场所前台岗位)"
