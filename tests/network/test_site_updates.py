"""修改场所信息 by statements built once (``network.site_updates``): an address change is two
statements on PostgreSQL besides the tenant's (the site with its ancestors; the update with
the audit row); a county's first audit row is appended too; a session already holding the
site sees the change; a site closed while the change waited for it is refused, not updated;
concurrent changes, renames and audited writes of one county neither deadlock nor fork its
chain."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import create_async_engine

from network import service, site_updates
from network.models import Site, SiteLevel, SiteStatus
from tenants import audit, audit_hash
from tenants.errors import UserErrors
from tests.support.engine_events import EngineEvents
from tests.support.factories import make_county

# quotes, a backslash and a character of four UTF-8 bytes: the database's part of the hash
ADDRESS = '新址 1 号 "东" \\ 🏠'


async def _chain(county) -> audit_hash.ChainReport:
    async with county.db.session(county.tenant_id) as session:
        return await audit_hash.verify_chain(session)


async def test_an_address_change_in_few_statements(db, backend):
    county = await make_county(db, "改址县")
    admin = await county.actor("admin")
    village = county.sites["village_a1"].id
    async with db.transaction(county.tenant_id) as session:  # the county's policy, read once
        await site_updates.update_site(session, admin, village, address="旧址")
    before = await _chain(county)
    with EngineEvents(db, "before_cursor_execute") as seen:
        async with db.transaction(county.tenant_id) as session:
            changed = await site_updates.update_site(session, admin, village, address=ADDRESS)
    # PostgreSQL: the tenant; site and ancestors; the update with the audit row (whose hash
    # the database finished: the chain verifies in Python). SQLite (no tenant to set): the
    # site, its ancestors, the update, the head, hash, row.
    assert seen.count == (3 if backend.name == "postgresql" else 6)
    assert changed["address"] == ADDRESS and changed["official_name"] == "改址县甲镇一村便民服务站"
    async with db.session(county.tenant_id) as session:
        site = await session.get(Site, village)
        assert site.address == ADDRESS
    after = await _chain(county)
    assert after.verified and after.length == before.length + 1


async def test_a_countys_first_audit_row(db, backend):
    """A county without a chain head yet (no audit row so far): the update still appends its
    row, as the first link (the statement's own append needs a head to advance)."""
    county = await make_county(db, "首链县")
    admin = await county.actor("admin")
    await _remove_chain(backend, county.tenant_id)
    assert (await _chain(county)).length == 0
    village = county.sites["village_a1"].id
    async with db.transaction(county.tenant_id) as session:
        await site_updates.update_site(session, admin, village, address=ADDRESS)
    async with db.transaction(county.tenant_id) as session:
        await site_updates.update_site(session, admin, village, opening_hours="全天")
    after = await _chain(county)
    assert after.verified and after.length == 2


async def _remove_chain(backend, tenant_id) -> None:
    """The county's audit rows and head gone, as the tables' owner (around the app role's
    grants and the append-only guards), as for a county from before the chain existed."""
    engine = create_async_engine(backend.owner_url)
    tables = ("audit_events", "audit_chain_heads")
    try:
        async with engine.begin() as conn:
            if backend.name == "postgresql":
                for table in tables:
                    await conn.execute(text(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY"))
            else:
                await conn.execute(text("DROP TRIGGER audit_events_no_delete"))
            for table in tables:
                await conn.execute(
                    text(f"DELETE FROM {table} WHERE tenant_id = :county"),
                    {"county": tenant_id if backend.name == "postgresql" else tenant_id.hex},
                )
            if backend.name == "postgresql":
                for table in tables:
                    await conn.execute(text(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"))
            else:
                await conn.execute(
                    text(
                        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events"
                        " BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
                    )
                )
    finally:
        await engine.dispose()


async def test_a_session_holding_the_site_sees_the_change(db):
    county = await make_county(db, "同会话县")
    admin = await county.actor("admin")
    village = county.sites["village_a2"].id
    async with db.transaction(county.tenant_id) as session:
        held = await session.get(Site, village)
        held.managing_department = "民政局"  # a pending change of its own stays pending
        await site_updates.update_site(session, admin, village, opening_hours="全天")
        assert held.opening_hours == "全天" and held.managing_department == "民政局"
    async with db.session(county.tenant_id) as session:
        site = await session.get(Site, village)
        assert (site.opening_hours, site.managing_department) == ("全天", "民政局")


@pytest.mark.postgresql_only
async def test_a_site_closed_meanwhile_is_refused(db):
    county = await make_county(db, "撤站县")
    admin = await county.actor("admin")
    village = county.sites["village_b1"].id
    before = await _chain(county)
    async with db.transaction(county.tenant_id) as closing:
        await service.close_site(closing, admin, village, "合并")
        await closing.flush()  # the site is locked, the close not yet committed

        async def change() -> None:
            async with db.transaction(county.tenant_id) as session:
                await site_updates.update_site(session, admin, village, address="迟到的地址")

        waiting = asyncio.create_task(change())
        await _until_waiting_for_a_lock(db, waiting)
    with pytest.raises(UserErrors) as refused:
        await waiting
    assert refused.value.errors[0].code == "SITE_CLOSED"
    async with db.session(county.tenant_id) as session:
        site = await session.get(Site, village)
        assert site.status is SiteStatus.CLOSED and site.address != "迟到的地址"
    after = await _chain(county)
    assert after.verified and after.length == before.length + 1  # the close's link alone


async def _until_waiting_for_a_lock(db, task: asyncio.Task) -> None:
    """Until a session of the test database waits for a lock (or ``task`` ended without:
    awaiting it then tells what happened)."""
    async with db.engine.connect() as conn:
        for _ in range(200):  # ten seconds
            if task.done():
                return
            waiting = await conn.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            )
            if waiting.scalar_one():
                return
            # a transaction sees pg_stat_activity as of its first look: look again in a new one
            await conn.rollback()
            await asyncio.sleep(0.05)
    raise AssertionError("the change never waited for the site")


@pytest.mark.postgresql_only
async def test_a_rename_above_is_not_overtaken(db):
    """A village renamed while its township's rename is uncommitted waits for it, and its
    official name carries the township's new name (read before, it kept the old one)."""
    county = await make_county(db, "先后改名县")
    admin = await county.actor("admin")
    town, village = county.sites["town_a"].id, county.sites["village_a1"].id
    async with db.transaction(county.tenant_id) as renaming:
        await site_updates.update_site(renaming, admin, town, name="新甲镇")

        async def rename_village() -> dict:
            async with db.transaction(county.tenant_id) as session:
                return await site_updates.update_site(session, admin, village, name="新一村")

        waiting = asyncio.create_task(rename_village())
        await _until_waiting_for_a_lock(db, waiting)
    renamed = await waiting
    assert renamed["official_name"] == "先后改名县新甲镇新一村便民服务站"
    async with db.session(county.tenant_id) as session:
        assert (await session.get(Site, village)).official_name == renamed["official_name"]

    # a village created under it meanwhile likewise
    async with db.transaction(county.tenant_id) as renaming:
        await site_updates.update_site(renaming, admin, town, name="又甲镇")

        async def create_village() -> Site:
            async with db.transaction(county.tenant_id) as session:
                return await service.create_site(
                    session,
                    admin,
                    service.NewSite(
                        parent_id=town,
                        level=SiteLevel.VILLAGE_STATION,
                        name="后建村",
                        division_code=county.sites["town_a"].division_code + "277",
                    ),
                )

        waiting_site = asyncio.create_task(create_village())
        await _until_waiting_for_a_lock(db, waiting)
    created = await waiting_site
    assert created.official_name == "先后改名县又甲镇后建村便民服务站"


@pytest.mark.postgresql_only
async def test_concurrent_changes_keep_one_chain(db):
    county = await make_county(db, "并发改址县")
    admin = await county.actor("admin")
    before = await _chain(county)
    keys = ("village_a1", "village_a2", "town_a", "village_b1")

    async def change(i: int) -> None:
        site = county.sites[keys[i % len(keys)]].id
        async with db.transaction(county.tenant_id) as session:
            if i % 5 == 0:  # a rename: the subtree written through the ORM, the head last
                suffix = "镇" if keys[i % len(keys)] == "town_a" else "村"
                await site_updates.update_site(session, admin, site, name=f"改名{i}{suffix}")
            else:
                await site_updates.update_site(session, admin, site, address=f"路 {i} 号")
            if i % 3 == 0:  # and an audited write of the ORM in the same transaction
                audit.record(session, "tester", "test.append", "Thing", None, {"i": i})

    changes = 40
    await asyncio.wait_for(asyncio.gather(*(change(i) for i in range(changes))), timeout=90)
    after = await _chain(county)
    assert after.verified and after.length == before.length + changes + len(range(0, changes, 3))
    # every official name is its chain of names as committed (no rename overtaken by another)
    async with db.session(county.tenant_id) as session:
        sites = {site.id: site for site in (await session.execute(select(Site))).scalars()}

    def chain(site: Site) -> list:
        above = chain(sites[site.parent_id]) if site.parent_id is not None else []
        return [*above, (site.level, site.name)]

    for site in sites.values():
        assert site.official_name == service.official_name(chain(site)), site.name


async def test_another_countys_site_is_not_found(db):
    """The statements name the county themselves (no ORM filter on Core; SQLite has no RLS):
    a county's administrator changing another county's site by its id finds nothing."""
    ours, theirs = await make_county(db, "本县改址"), await make_county(db, "邻县改址")
    admin = await ours.actor("admin")
    village = theirs.sites["village_a1"].id
    for change in ({"address": "越界地址"}, {"name": "越界村"}):
        with pytest.raises(UserErrors) as refused:
            async with db.transaction(ours.tenant_id) as session:
                await site_updates.update_site(session, admin, village, **change)
        assert refused.value.errors[0].code == "NOT_FOUND"
    async with db.session(theirs.tenant_id) as session:
        site = await session.get(Site, village)
        assert site.address != "越界地址" and site.name == theirs.sites["village_a1"].name
