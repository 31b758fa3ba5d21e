"""``network.tree.ancestor_ids`` is read once per session and site: a batch that checks the same
sites many times (an import, the demo's catalog) does not walk the tree each time; a site
created in the session is walked again once its closure rows exist."""

from __future__ import annotations

import uuid

from network import tree
from network.models import Site, SiteLevel
from tests.support.engine_events import EngineEvents


async def test_a_site_is_walked_once_per_session(db, two_counties):
    county, _ = two_counties
    village = county.sites["village_a1"]
    expected = [village.id, county.sites["town_a"].id, county.sites["root"].id]
    async with db.session(county.tenant_id) as session:
        assert await tree.ancestor_ids(session, village.id) == expected
        with EngineEvents(db, "before_cursor_execute") as seen:
            for _ in range(5):
                assert await tree.ancestor_ids(session, village.id) == expected
        assert seen.count == 0
        # the caller may change the list it got without changing what is remembered
        (await tree.ancestor_ids(session, village.id)).clear()
        assert await tree.ancestor_ids(session, village.id) == expected
    async with db.session(county.tenant_id) as other:
        with EngineEvents(db, "before_cursor_execute") as seen:
            assert await tree.ancestor_ids(other, village.id) == expected
        assert seen.count >= 1  # another session reads for itself


async def test_a_site_read_before_it_is_linked_is_walked_again(db, two_counties):
    county, _ = two_counties
    town, root = county.sites["town_a"], county.sites["root"]
    async with db.transaction(county.tenant_id) as session:
        site_id = uuid.uuid4()
        assert await tree.ancestor_ids(session, site_id) == []  # not yet in the tree
        site = Site(
            id=site_id,
            parent_id=town.id,
            level=SiteLevel.VILLAGE_STATION,
            depth=town.depth + 1,
            name="新建村",
            official_name="涟水县甲镇新建村便民服务站",
            division_code=town.division_code + "277",
        )
        session.add(site)
        await tree.link(session, site, town)
        await session.flush()
        assert await tree.ancestor_ids(session, site_id) == [site_id, town.id, root.id]


async def test_unknown_site_has_no_ancestors_and_other_counties_are_not_shared(db, two_counties):
    county, other_county = two_counties
    unknown = uuid.uuid4()
    theirs = other_county.sites["village_a1"].id
    async with db.session(county.tenant_id) as session:
        assert await tree.ancestor_ids(session, unknown) == []
        # on PostgreSQL row-level security hides the other county's rows, on SQLite the ORM
        # tenant filter does: either way nothing, and nothing remembered for its own county
        assert await tree.ancestor_ids(session, theirs) == []
        await db.switch_tenant(session, other_county.tenant_id)
        assert await tree.ancestor_ids(session, theirs) != []
