"""全程留痕 as a chain of hashes per county: every change appends one link; the app cannot
update or delete a link (PostgreSQL grants and RLS, SQLite triggers); a link altered behind the
application's back — even by the tables' owner — is found; concurrent appends never fork the
chain (PostgreSQL); the migration chains the rows that were there before it; the contract's
AuditTrail operation."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from migrations.runner import upgrade
from tenants import audit, audit_hash
from tenants.database import Database
from tenants.models import AuditChainHead, AuditEvent, Tenant
from tests.support.factories import make_county
from tests.support.graphql import error_code, gid, gql, operation, run_operation
from tests.support.services import create_test_database

DOCUMENT = operation("casework")
EVENTS = AuditEvent.__table__
HEADS = AuditChainHead.__table__
# audit_events as it was before 0010 (no links yet)
OLD_EVENTS = sa.table(
    "audit_events",
    *(
        sa.column(c.name, c.type)
        for c in EVENTS.columns
        if c.name not in ("seq", "prev_hash", "hash")
    ),
)
TENANTS = Tenant.__table__


async def _append(county, count: int, action: str = "test.append") -> list[uuid.UUID]:
    subjects = []
    async with county.db.transaction(county.tenant_id) as session:
        for i in range(count):
            subject = uuid.uuid4()
            audit.record(session, "tester", action, "Thing", subject, {"i": i, "t": ("a", 1)})
            subjects.append(subject)
    return subjects


async def _verify(county) -> audit_hash.ChainReport:
    async with county.db.session(county.tenant_id) as session:
        return await audit_hash.verify_chain(session)


async def test_every_change_appends_a_link(db):
    county = await make_county(db, "留痕县")
    before = await _verify(county)
    assert before.verified and before.length > 0  # opening the county left its trail
    await _append(county, 3)
    after = await _verify(county)
    assert after.verified and after.length == before.length + 3
    async with db.session(county.tenant_id) as session:
        rows = (await session.execute(select(AuditEvent).order_by(AuditEvent.seq))).scalars().all()
        head = (await session.execute(select(AuditChainHead))).scalar_one()
    assert [r.seq for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0].prev_hash == audit_hash.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(rows))
    assert (head.seq, head.hash, head.prev_hash) == (
        rows[-1].seq,
        rows[-1].hash,
        rows[-1].prev_hash,
    )
    assert rows[-1].detail == {"i": 2, "t": ["a", 1]}


async def test_the_app_cannot_update_or_delete_a_link(db):
    county = await make_county(db, "只增县")
    await _append(county, 1)
    for statement in (
        update(AuditEvent).values(note="改"),
        text("DELETE FROM audit_events"),
    ):
        with pytest.raises(DBAPIError, match=r"permission denied|append-only"):
            async with db.transaction(county.tenant_id) as session:
                await session.execute(statement)
    assert (await _verify(county)).verified


async def _tamper(backend, statement) -> None:
    """Change audit rows as the tables' owner, around the guards the app is held by."""
    engine = create_async_engine(backend.owner_url)
    try:
        async with engine.begin() as conn:
            if backend.name == "postgresql":
                for table in ("audit_events", "audit_chain_heads"):
                    await conn.execute(text(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY"))
                await conn.execute(statement)
                for table in ("audit_events", "audit_chain_heads"):
                    await conn.execute(text(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY"))
            else:
                await conn.execute(text("DROP TRIGGER audit_events_no_update"))
                await conn.execute(text("DROP TRIGGER audit_events_no_delete"))
                await conn.execute(statement)
                for name, verb in (("no_update", "UPDATE"), ("no_delete", "DELETE")):
                    await conn.execute(
                        text(
                            f"CREATE TRIGGER audit_events_{name} BEFORE {verb} ON audit_events"
                            " BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
                        )
                    )
    finally:
        await engine.dispose()


async def _link(db, county, seq: int) -> uuid.UUID:
    async with db.session(county.tenant_id) as session:
        found = await session.execute(select(AuditEvent.id).where(AuditEvent.seq == seq))
        return found.scalar_one()


async def test_a_link_altered_by_the_owner_is_found(db, backend):
    county = await make_county(db, "篡改县")
    await _append(county, 4)
    length = (await _verify(county)).length
    target = length - 2
    await _tamper(
        backend,
        EVENTS.update()
        .where(EVENTS.c.id == await _link(db, county, target))
        .values(note="tampered"),
    )
    report = await _verify(county)
    assert (report.verified, report.first_broken_at, report.length) == (False, target, target - 1)

    other = await make_county(db, "删除县")
    await _append(other, 3)
    length = (await _verify(other)).length
    await _tamper(backend, EVENTS.delete().where(EVENTS.c.id == await _link(db, other, 2)))
    assert (await _verify(other)).first_broken_at == 2
    last = await make_county(db, "截尾县")
    await _append(last, 2)
    length = (await _verify(last)).length
    await _tamper(backend, EVENTS.delete().where(EVENTS.c.id == await _link(db, last, length)))
    truncated = await _verify(last)
    assert (truncated.verified, truncated.first_broken_at) == (False, length)


async def test_a_head_holding_another_link_is_found(db, backend):
    """The head's link is what the next row appended by the database takes
    (``tenants.audit.append_after``): one that is not the last row's is found before."""
    county = await make_county(db, "链头县")
    await _append(county, 2)
    length = (await _verify(county)).length
    await _tamper(
        backend,
        HEADS.update()
        .where(HEADS.c.tenant_id == county.tenant_id)
        .values(prev_hash=audit_hash.GENESIS),
    )
    report = await _verify(county)
    assert (report.verified, report.first_broken_at, report.length) == (False, length + 1, length)


@pytest.mark.postgresql_only
async def test_concurrent_appends_never_fork_the_chain(db, backend):
    county = await make_county(db, "并发留痕县")
    start = (await _verify(county)).length
    await asyncio.gather(*(_append(county, 3, f"race.{i}") for i in range(12)))
    report = await _verify(county)
    assert report.verified and report.length == start + 36
    async with db.session(county.tenant_id) as session:
        seqs = (await session.execute(select(AuditEvent.seq).order_by(AuditEvent.seq))).scalars()
        assert list(seqs) == list(range(1, start + 37))


async def test_the_migration_chains_the_rows_already_there(backend, tmp_path):
    """Rows written before 0010 get their links, per county in the order they were made."""
    if backend.name == "postgresql":
        created = create_test_database()
        owner_url, app_url, drop = created.owner_url, created.app_url, created.drop
    else:
        owner_url = app_url = f"sqlite+aiosqlite:///{tmp_path / 'before.sqlite3'}"
        drop = None
    try:
        await asyncio.to_thread(upgrade, owner_url, "0009_catalog_network_rules")
        tenants = [uuid.uuid4(), uuid.uuid4()]
        engine = create_async_engine(owner_url)
        base = datetime(2025, 3, 3, 2, 0, tzinfo=UTC)
        async with engine.begin() as conn:
            if backend.name == "postgresql":
                await conn.execute(text("ALTER TABLE audit_events NO FORCE ROW LEVEL SECURITY"))
            for n, tenant in enumerate(tenants):
                await conn.execute(
                    TENANTS.insert().values(
                        id=tenant,
                        code=f"99000{n}",
                        name=f"旧县{n}",
                        status="ACTIVE",
                        settings={},
                        authz_version=0,
                        created_at=base,
                        updated_at=base,
                    )
                )
                for i in (2, 0, 1):  # inserted out of order: the chain follows the time
                    await conn.execute(
                        OLD_EVENTS.insert().values(
                            id=uuid.uuid4(),
                            tenant_id=tenant,
                            at=base + timedelta(minutes=i),
                            actor="old",
                            action="old.change",
                            object_type="Thing",
                            object_id=str(i),
                            detail={"i": i},
                            note=None,
                        )
                    )
            if backend.name == "postgresql":
                await conn.execute(text("ALTER TABLE audit_events FORCE ROW LEVEL SECURITY"))
        await engine.dispose()
        await asyncio.to_thread(upgrade, owner_url, "head")
        database = Database(app_url)
        try:
            for tenant in tenants:
                async with database.session(tenant) as session:
                    report = await audit_hash.verify_chain(session)
                    ids = (
                        await session.execute(select(AuditEvent.object_id).order_by(AuditEvent.seq))
                    ).scalars()
                    assert list(ids) == ["0", "1", "2"]
                assert (report.verified, report.length) == (True, 3)  # the head's link too
            async with database.transaction(tenants[0]) as session:
                audit.record(session, "new", "new.change", "Thing", None)
            async with database.session(tenants[0]) as session:
                assert (await audit_hash.verify_chain(session)).length == 4
                heads = await session.execute(select(func.count()).select_from(AuditChainHead))
                assert heads.scalar_one() == 1
        finally:
            await database.dispose()
    finally:
        if drop:
            drop()


async def test_audit_trail_through_graphql(db, client):
    county = await make_county(db, "留痕契约县")
    subjects = await _append(county, 3)
    admin = county.token("admin")
    answer = await run_operation(
        client, DOCUMENT, "AuditTrail", {"subjectId": gid("Thing", subjects[1])}, admin
    )
    trail = answer["auditTrail"]
    assert trail["totalCount"] == 1
    node = trail["edges"][0]["node"]
    assert node["action"] == "test.append" and node["detail"] == {"i": 1, "t": ["a", 1]}
    assert node["subjectId"] == gid("Thing", subjects[1]) and len(node["hash"]) == 64
    assert node["actor"] is None  # "tester" is no account
    assert answer["auditChain"]["verified"] is True
    assert answer["auditChain"]["firstBrokenAt"] is None

    paged = await run_operation(client, DOCUMENT, "AuditTrail", {"first": 2}, admin)
    assert paged["auditTrail"]["pageInfo"]["hasNextPage"] is True
    first = paged["auditTrail"]["edges"][0]["node"]
    assert first["action"] == "test.append"  # newest first
    opening = await run_operation(
        client,
        DOCUMENT,
        "AuditTrail",
        {"to": "2000-01-01T00:00:00Z"},
        county.token("supervisor"),
    )
    assert opening["auditTrail"]["totalCount"] == 0
    users = await run_operation(client, DOCUMENT, "AuditTrail", {"first": 200}, admin)
    named = [e["node"]["actor"] for e in users["auditTrail"]["edges"] if e["node"]["actor"]]
    assert all(set(a) == {"id", "username"} for a in named)
    for who in ("head_a", "staff_a1", "dept"):
        denied = await gql(client, DOCUMENT, {}, county.token(who), operation_name="AuditTrail")
        assert error_code(denied) == "FORBIDDEN"
    bad = await gql(client, DOCUMENT, {"subjectId": "x"}, admin, operation_name="AuditTrail")
    assert error_code(bad) == "INVALID_ID"
