"""Migration 0015 fills the maintained counts and days from the cases already there: two
counties with cases in several states, the migration taken back and run again — on PostgreSQL
as the owner, whom the forced row-level security hides every county's rows from unless it
counts as each county in turn."""

from __future__ import annotations

import asyncio
from datetime import date
from types import SimpleNamespace

import pytest
from alembic import command

from migrations.runner import alembic_config, upgrade
from tenants.database import Database
from tests.casework.test_counts import actual, counted, days_actual, days_counted
from tests.casework.world import build_world
from tests.support.casework import accept, at, decide, issue
from tests.support.factories import make_county
from tests.support.services import create_test_database

BEFORE = "0014_pay_carryover"
MON = date(2025, 3, 3)
TUE = date(2025, 3, 4)


@pytest.fixture
async def database(backend, tmp_path):
    """A database of its own (its migrations are taken back): (owner url, app url)."""
    if backend.name == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'counts.sqlite3'}"
        yield url, url
        return
    created = await asyncio.to_thread(create_test_database)
    try:
        yield created.owner_url, created.app_url
    finally:
        await asyncio.to_thread(created.drop)


async def test_the_migration_counts_the_cases_already_there(database):
    owner_url, app_url = database
    await asyncio.to_thread(upgrade, owner_url)
    db = Database(app_url)
    try:
        counties = []
        for name, cases in (("迁移甲县", 3), ("迁移乙县", 2)):
            county = await make_county(db, name)
            world = await build_world(county)
            accepted = [
                (await accept(county, world.desk, world.counter, at(MON))).case
                for _ in range(cases)
            ]
            decided = await decide(county, world.approver, accepted[0], at(MON))
            await issue(county, world.issuer, decided, world.issue_window, at(TUE, 7))
            counties.append(county)
        await db.dispose()

        await asyncio.to_thread(command.downgrade, alembic_config(owner_url), BEFORE)
        await asyncio.to_thread(upgrade, owner_url)

        db = Database(app_url)
        for county, cases in zip(counties, (3, 2), strict=True):
            here = SimpleNamespace(db=db, tenant_id=county.tenant_id)
            expected = await actual(here)
            assert sum(expected.values()) == cases
            assert await counted(here) == expected
            assert await days_counted(here) == await days_actual(here)
    finally:
        await db.dispose()
