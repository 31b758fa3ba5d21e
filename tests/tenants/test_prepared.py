"""Built-once statements run by the driver (``tenants.prepared``): the same rows and result
methods as SQLAlchemy's path, row-level security still applied, the parameters a statement
carries itself honoured, statements whose SQL depends on their parameters left to SQLAlchemy,
a driver error raised as SQLAlchemy raises it, and every statement seen by the engine's
listeners."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import String, Uuid, bindparam, cast, func, literal, select, update
from sqlalchemy.exc import DBAPIError

from network.models import Site, SiteLevel
from tenants import prepared
from tenants.database import Database
from tests.support.engine_events import EngineEvents
from tests.support.factories import make_county

SITES = (
    select(
        Site.id,
        Site.name,
        Site.level,
        Site.created_at,
        literal("固定").label("carried"),  # a value the statement carries itself
        func.count().over().label("total"),
    )
    .where(Site.tenant_id == bindparam("tenant_id"), Site.level == bindparam("level"))
    .order_by(Site.name)
)
# Its SQL depends on how many ids are given: one variant per length. The levels are carried by
# the statement (an expanding list of its own) and so is a literal-execute value.
EXPANDING = (
    select(Site.id)
    .where(
        Site.id.in_(bindparam("ids", expanding=True)),
        Site.level.in_([SiteLevel.COUNTY_CENTER, SiteLevel.TOWNSHIP_CENTER]),
        Site.name != bindparam("never", "无此名", literal_execute=True),
    )
    .order_by(Site.id)
)
ONE = select(Site.name).where(Site.id == bindparam("site_id"))
_SITES = Site.__table__
# A write with RETURNING is taken as a read is; one without keeps SQLAlchemy's rowcount.
RENAME_RETURNING = (
    update(_SITES)
    .where(_SITES.c.id == bindparam("site_id"))
    .values(address=bindparam("new_address"), updated_at=bindparam("at"))
    .returning(_SITES.c.address)
)
# ``updated_at`` left to its ``onupdate``: SQLAlchemy computes it per execution, so its path.
RENAME_STAMPED = (
    update(_SITES)
    .where(_SITES.c.id == bindparam("site_id"))
    .values(address=bindparam("new_address"))
    .returning(_SITES.c.address, _SITES.c.updated_at)
)
RENAME = (
    update(_SITES)
    .where(_SITES.c.id == bindparam("site_id"))
    .values(address=bindparam("new_address"))
)


@pytest.fixture
async def county_connection(db):
    county = await make_county(db, "直连县")
    connection = await db.tenant_connection(county.tenant_id)
    try:
        yield county, connection
    finally:
        await connection.close()


async def test_the_driver_gives_sqlalchemys_rows(db, county_connection):
    county, connection = county_connection
    parameters = {"tenant_id": county.tenant_id, "level": SiteLevel.VILLAGE_STATION}
    expected = (await connection.execute(SITES, parameters)).all()
    assert len(expected) >= 2 and expected[0].carried == "固定"
    first = (await prepared.execute(connection, SITES, parameters)).all()
    assert first == expected
    taken = db.dialect == "postgresql"
    assert prepared.is_prepared(SITES) is taken
    with EngineEvents(db, "before_cursor_execute") as seen:
        again = (await prepared.execute(connection, SITES, parameters)).all()
    assert seen.count == 1  # the driver's statement is seen by the engine's listeners
    assert again == expected
    row = again[0]
    assert row.level is SiteLevel.VILLAGE_STATION  # the result processors applied
    assert row._mapping["name"] == expected[0].name and row.total == len(expected)
    result = await prepared.execute(connection, SITES, parameters)
    assert result.scalar() == expected[0].id
    result = await prepared.execute(connection, SITES, parameters)
    assert list(result.scalars()) == [r.id for r in expected]
    other = {"tenant_id": county.tenant_id, "level": SiteLevel.TOWNSHIP_CENTER}
    towns = (await prepared.execute(connection, SITES, other)).all()
    assert {r.level for r in towns} == {SiteLevel.TOWNSHIP_CENTER} and len(towns) == 2


async def test_row_level_security_still_applies(db, county_connection, two_counties):
    county, connection = county_connection
    _, other = two_counties
    mine = county.sites["root"].id
    theirs = other.sites["root"].id
    assert (await prepared.execute(connection, ONE, {"site_id": mine})).scalar_one()
    assert (await prepared.execute(connection, ONE, {"site_id": mine})).scalar_one()
    answer = (await prepared.execute(connection, ONE, {"site_id": theirs})).all()
    if db.dialect == "postgresql":
        assert prepared.is_prepared(ONE)
        assert answer == []  # another county's row: hidden by RLS, on the driver's path too
    else:
        assert answer  # SQLite has no RLS: statements on a connection name their county


async def test_lists_of_every_length_and_carried_values(db, county_connection):
    county, connection = county_connection
    root, town_a, town_b = (county.sites[k].id for k in ("root", "town_a", "town_b"))
    village = county.sites["village_a1"].id  # not of the statement's levels
    for chosen in ([root, town_a], [town_b], [], [root, town_a, town_b, village], [town_a]):
        rows = (await prepared.execute(connection, EXPANDING, {"ids": chosen})).all()
        assert [r.id for r in rows] == sorted(set(chosen) - {village}), chosen
    assert prepared.is_prepared(EXPANDING) is (db.dialect == "postgresql")
    # a literal-execute value given at execution would change the SQL's text: SQLAlchemy's path
    given = select(Site.id).where(
        Site.name == bindparam("name", literal_execute=True),
        Site.tenant_id == bindparam("tenant_id"),
    )
    for _ in range(2):
        parameters = {"name": county.sites["root"].name, "tenant_id": county.tenant_id}
        found = await prepared.execute(connection, given, parameters)
        assert found.scalar_one() == root
    assert not prepared.is_prepared(given)


@pytest.mark.postgresql_only
async def test_a_driver_error_is_sqlalchemys_error(db):
    county = await make_county(db, "报错县")
    # the text is cast by the database: a bad one fails there, not in SQLAlchemy
    broken = select(Site.name).where(Site.id == cast(bindparam("site_id", type_=String), Uuid))
    connection = await db.tenant_connection(county.tenant_id)
    try:
        await prepared.execute(connection, broken, {"site_id": str(uuid.uuid4())})
        assert prepared.is_prepared(broken)
        with pytest.raises(DBAPIError):
            await prepared.execute(connection, broken, {"site_id": "not a uuid"})
    finally:
        await connection.close()


async def test_concurrent_tasks_on_one_connection_take_turns(db, county_connection):
    """Sibling resolvers share a request's connection; the driver must never be asked to run
    two statements on it at once (asyncpg refuses: "another operation is in progress")."""
    county, connection = county_connection
    parameters = {"tenant_id": county.tenant_id, "level": SiteLevel.VILLAGE_STATION}
    expected = (await prepared.execute(connection, SITES, parameters)).all()

    async def read() -> list:
        return (await prepared.execute(connection, SITES, parameters)).all()

    assert await asyncio.gather(*(read() for _ in range(8))) == [expected] * 8


CURRENT_TENANT = select(func.current_setting("app.tenant_id", True))


@pytest.mark.postgresql_only
async def test_begin_and_the_tenant_in_one_round_trip(db):
    county = await make_county(db, "一程县")
    with EngineEvents(db, "before_cursor_execute") as seen:
        connection = await db.tenant_connection(county.tenant_id)
    try:
        assert seen.count == 1  # BEGIN and set_config: one statement, one round trip
        adapted = (await connection.get_raw_connection()).dbapi_connection
        assert adapted.driver_connection.is_in_transaction()
        assert connection.in_transaction() and adapted._transaction is not None
        setting = (await prepared.execute(connection, CURRENT_TENANT)).scalar()
        assert setting == str(county.tenant_id)
        site = county.sites["root"].id
        await connection.execute(
            Site.__table__.update().where(Site.id == site).values(address="一程路1号")
        )
        await connection.commit()  # ends as any transaction: the driver's COMMIT
        assert not adapted.driver_connection.is_in_transaction()
    finally:
        await connection.close()
    # committed, and the tenant was transaction-local: a new transaction starts without it
    async with db.engine.connect() as plain:
        assert (await plain.execute(CURRENT_TENANT)).scalar() in (None, "")
    again = await db.tenant_connection(county.tenant_id)
    try:
        found = await again.execute(select(Site.address).where(Site.id == site))
        assert found.scalar_one() == "一程路1号"
    finally:
        await again.close()


@pytest.mark.postgresql_only
async def test_a_failed_begin_leaves_no_transaction_open(db):
    connection = await db.engine.connect()
    try:
        with pytest.raises(DBAPIError):
            await prepared.begin_with(connection, "SELECT 1 / 0")
        adapted = (await connection.get_raw_connection()).dbapi_connection
        assert not adapted.driver_connection.is_in_transaction()
        assert adapted._transaction is None
    finally:
        await connection.close()
    async with db.engine.connect() as next_user:  # the pool hands out a clean connection
        assert (await next_user.execute(select(literal(1)))).scalar() == 1


@pytest.mark.postgresql_only
@pytest.mark.parametrize("snapshot", [True, False])
async def test_an_engine_with_its_own_isolation_level_begins_apart(db, snapshot):
    """An engine configured with an isolation level: BEGIN names it, so it cannot go with the
    tenant's statement; the transaction still carries the tenant, and a snapshot still is one."""
    county = await make_county(db, "隔离县")
    configured = Database(db.url, isolation_level="READ COMMITTED")
    try:
        connection = await configured.tenant_connection(county.tenant_id, snapshot=snapshot)
        try:
            isolation = (await connection.exec_driver_sql("SHOW transaction_isolation")).scalar()
            setting = (await connection.execute(CURRENT_TENANT)).scalar()
        finally:
            await connection.close()
    finally:
        await configured.dispose()
    assert isolation == ("repeatable read" if snapshot else "read committed")
    assert setting == str(county.tenant_id)


async def test_a_write_with_returning_runs_by_the_driver_one_without_keeps_its_rowcount(
    db, county_connection
):
    county, connection = county_connection
    mine = county.sites["village_a1"].id
    at = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    for address in ("一号", "二号", "三号"):
        parameters = {"site_id": mine, "new_address": address, "at": at}
        assert (await prepared.execute(connection, RENAME_RETURNING, parameters)).all() == [
            (address,)
        ]
    assert prepared.is_prepared(RENAME_RETURNING) is (db.dialect == "postgresql")
    for address in ("甲号", "乙号"):
        parameters = {"site_id": mine, "new_address": address}
        (row,) = (await prepared.execute(connection, RENAME_STAMPED, parameters)).all()
        assert row.address == address and row.updated_at is not None
        assert row.updated_at.replace(tzinfo=UTC) != at
    assert not prepared.is_prepared(RENAME_STAMPED)
    for address in ("四号", "五号"):
        result = await prepared.execute(
            connection, RENAME, {"site_id": mine, "new_address": address}
        )
        assert result.rowcount == 1
        missing = {"site_id": uuid.uuid4(), "new_address": address}
        assert (await prepared.execute(connection, RENAME, missing)).rowcount == 0
    assert not prepared.is_prepared(RENAME)
    assert (await prepared.execute(connection, ONE, {"site_id": mine})).scalar_one()
    found = await connection.execute(select(_SITES.c.address).where(_SITES.c.id == mine))
    assert found.scalar_one() == "五号"


async def test_a_sessions_connection_is_kept_for_its_transaction_only(db):
    county = await make_county(db, "连接县")
    async with db.session(county.tenant_id) as session:
        first = await prepared.session_connection(session)
        assert await prepared.session_connection(session) is first
        assert first is await session.connection()
        await session.commit()
        again = await prepared.session_connection(session)
        assert again is await session.connection()
        assert (await prepared.execute(again, ONE, {"site_id": county.sites["root"].id})).all()
