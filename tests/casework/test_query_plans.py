"""No sequential scan of cases in the hot reads (PostgreSQL): the work queues, the case lists,
the county's yearly service report and the deadline job, planned against a county with five
years of history (``bench.casework_cases``, 50,000 cases) and real statistics (``VACUUM
ANALYZE``) — the planner's own choice, nothing switched off. The bench measures the same reads
with 1,000,000 cases (bench/RESULTS.md)."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from bench.casework_cases import (
    captured,
    case_scans,
    explain,
    generate_history,
    history_world,
    hot_reads,
    plan_nodes,
    vacuum_analyze,
)
from casework import alerts
from casework.models import Case
from migrations.runner import upgrade
from tenants.database import Database
from tests.casework.world import build_world
from tests.support.casework import person
from tests.support.factories import make_county
from tests.support.services import create_test_database
from workforce.models import Post

pytestmark = pytest.mark.postgresql_only

TODAY = date(2026, 6, 15)  # a Monday
CASES = 50_000
READS = (
    "workQueue (民政局 approver)",
    "workQueue (issue desk)",
    "cases (whole county)",
    "cases (甲镇)",
    "cases (overdue)",
    "serviceReport (whole county, 365 days)",
    "deadline job (record_alerts)",
)


@pytest.fixture(scope="module")
async def history(backend):
    """A database of its own (the statistics are this county's alone) with the history."""
    assert backend.name == "postgresql"
    # Both run their own event loop: in a thread, beside the tests' loop.
    created = await asyncio.to_thread(create_test_database)
    db = Database(created.app_url)
    try:
        await asyncio.to_thread(upgrade, created.owner_url)
        county = await make_county(db, "计划县")
        world = await build_world(county)
        await person(county, "root", Post.MANAGEMENT, name="县中心主任")
        added = await generate_history(db, await history_world(world), CASES, TODAY)
        assert added["casework_cases"] == CASES
        await vacuum_analyze(created.owner_url)
        yield db, county, world
    finally:
        await db.dispose()
        await asyncio.to_thread(created.drop)


async def test_every_target_read_is_planned(history):
    _db, county, world = history
    assert set(READS) == set(hot_reads(county, world, TODAY))


@pytest.mark.parametrize("read", READS)
async def test_no_sequential_scan_of_cases(history, read):
    db, county, world = history
    who, call = hot_reads(county, world, TODAY)[read]
    actor = await (county.actor(who) if isinstance(who, str) else who.actor())
    with captured(db) as statements:
        async with db.transaction(county.tenant_id) as session:
            await call(session, actor)
    assert statements, f"{read} read no cases"
    for statement, parameters in statements:
        scans = case_scans(await explain(db, county.tenant_id, statement, parameters))
        assert scans, statement
        assert not any(scan.startswith("Seq Scan") for scan in scans), (scans, statement)


QUEUES = {
    "workQueue (民政局 approver)": "ix_casework_cases_approver_queue",
    "workQueue (issue desk)": "ix_casework_cases_issue_queue",
}


@pytest.mark.parametrize("read", sorted(QUEUES))
async def test_a_work_queue_reads_its_own_index_in_order(history, read):
    """The count and the page each scan the queue's partial index alone; the page comes in
    the queue's order (no sort), so the first 20 cost 20 rows however long the queue is."""
    db, county, world = history
    who, call = hot_reads(county, world, TODAY)[read]
    actor = await who.actor()
    with captured(db) as statements:
        async with db.transaction(county.tenant_id) as session:
            await call(session, actor)
    assert len(statements) >= 2
    for statement, parameters in statements:
        if "casework_cases" not in statement:
            continue
        plan = await explain(db, county.tenant_id, statement, parameters)
        assert case_scans(plan) in (
            [f"Index Scan {QUEUES[read]}"],
            [f"Index Only Scan {QUEUES[read]}"],
        ), statement
        assert not any(node["Node Type"] == "Sort" for node in plan_nodes(plan)), statement


async def test_the_deadline_job_records_thousands_of_alerts(history):
    """More alerts in a day than one statement's parameters allow (asyncpg: 32,767; ten a
    row) are recorded in several statements: ~2,400 cases accepted on one day a month ago are
    still running, past their due date."""
    db, county, world = history
    month_ago = TODAY - timedelta(days=30)
    await generate_history(db, await history_world(world), 6_000, month_ago, years=0)
    async with db.transaction(county.tenant_id) as session:
        running_late = await session.scalar(
            select(func.count())
            .select_from(Case)
            .where(Case.accepted_on == month_ago - timedelta(days=1), Case.status == "ACCEPTED")
        )
    assert running_late > 1_700
    async with db.transaction(county.tenant_id) as session:
        added = await alerts.record_alerts(session, TODAY)
    # More rows than one statement could take; every one told twice (manager, supervisor).
    assert added > 32_767 // 10
    async with db.transaction(county.tenant_id) as session:
        assert await alerts.record_alerts(session, TODAY) == 0
