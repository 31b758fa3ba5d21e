"""The suite's fixtures and hooks (registered by ``tests/conftest.py``).

Every database test runs on SQLite and on PostgreSQL (as the non-owner app role, so row-level
security applies). Each backend gets a database built from empty by the alembic chain. With
``CI=true`` a missing PostgreSQL is a failure, never a skip (``services.require_or_skip``).

Counties: ``county`` is one county of the module's own, named by the module's ``COUNTY_NAME``;
``two_counties`` is a pair (``COUNTY_NAMES``) for tests that look across the county line;
``matrix_world`` is the pair the authorization matrices share (``tests.support.matrix``).
Tests make new counties instead of cleaning up.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from authz.enforcer import enforcers
from migrations.runner import upgrade
from tenants.database import Database
from tests.support.factories import TEST_SECRET, County, make_county
from tests.support.matrix import World, build_world
from tests.support.services import create_test_database, postgres_available, require_or_skip

BACKENDS = [
    b for b in os.environ.get("ONEWINDOW_TEST_BACKENDS", "sqlite,postgresql").split(",") if b
]


class Backend:
    """One freshly migrated database: ``app_url`` for the app, ``owner_url`` for DDL."""

    def __init__(self, name: str, app_url: str, owner_url: str, drop=None) -> None:
        self.name = name
        self.app_url = app_url
        self.owner_url = owner_url
        self._drop = drop

    def drop(self) -> None:
        if self._drop:
            self._drop()


def _make_backend(name: str, tmp: Path, label: str) -> Backend:
    if name == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp / f'{label}.sqlite3'}"
        upgrade(url)
        return Backend(name, url, url)
    require_or_skip(postgres_available(), "PostgreSQL")
    created = create_test_database()
    upgrade(created.owner_url)
    return Backend(name, created.app_url, created.owner_url, created.drop)


@asynccontextmanager
async def serving(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process."""
    transport = httpx.ASGITransport(app=create_app(settings, db))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


# --- hooks ----------------------------------------------------------------------------------


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "postgresql_only: runs on the PostgreSQL backend only (RLS, roles)"
    )


# The fixtures that load the whole demo: a session's worth of work on each backend. The files
# that use them run on one pytest-xdist worker (``pytest_xdist_make_scheduler``), so the demo is
# loaded once; the controller knows files by name only, hence the list (checked at collection).
DEMO_FIXTURES = frozenset({"demo_backend", "demo_db", "demo_client"})
DEMO_FILES = frozenset(
    {
        "tests/assessment/test_demo.py",
        "tests/casework/test_demo.py",
        "tests/catalog/test_demo.py",
        "tests/network/test_contract.py",
        "tests/workforce/test_demo.py",
    }
)


def pytest_xdist_make_scheduler(config, log):
    """A test file per worker at a time (its module fixtures are built once), and the files
    of ``DEMO_FILES`` as one."""
    from xdist.scheduler import LoadFileScheduling

    class DemoFilesTogether(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            path = super()._split_scope(nodeid)
            return "demo" if path in DEMO_FILES else path

    return DemoFilesTogether(config, log)


def pytest_collection_modifyitems(config, items):
    unlisted = {
        item.nodeid.split("::", 1)[0]
        for item in items
        if DEMO_FIXTURES & set(getattr(item, "fixturenames", ()))
    } - DEMO_FILES
    if unlisted:
        raise pytest.UsageError(f"add {sorted(unlisted)} to DEMO_FILES (tests/support/fixtures.py)")
    selected, deselected = [], []
    for item in items:
        # Keep the event loop of the session for all async tests (session-scoped fixtures).
        if asyncio.iscoroutinefunction(getattr(item, "function", None)):
            item.add_marker(pytest.mark.asyncio(loop_scope="session"))
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.get_closest_marker("postgresql_only") and params.get("backend") != "postgresql":
            deselected.append(item)
        else:
            selected.append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = selected


# --- databases and the app ------------------------------------------------------------------


@pytest.fixture(scope="session")
def tmp_root() -> Path:
    with tempfile.TemporaryDirectory(prefix="onewindow-tests-") as tmp:
        yield Path(tmp)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request, tmp_root: Path) -> Backend:
    made = _make_backend(request.param, tmp_root, "main")
    yield made
    made.drop()


@pytest.fixture(scope="session")
async def db(backend: Backend) -> AsyncIterator[Database]:
    database = Database(backend.app_url)
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
def settings(backend: Backend, tmp_root: Path) -> Settings:
    return Settings(
        env="development",
        database_url=backend.app_url,
        migration_database_url=backend.owner_url,
        secret_key=TEST_SECRET,
        data_dir=tmp_root / "data",
        # Jobs in threads: the tests pin "today" in this process (the process mode has its own
        # test, tests/api/test_job_processes.py).
        inline_jobs_in_process=False,
    )


@pytest.fixture(scope="session")
async def client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(settings, db) as http:
        yield http


@pytest.fixture
async def unwaiting_client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a server that answers as soon as a job is queued (no inline wait): the
    tests of imports poll the job as a client of a busy server would."""
    async with serving(replace(settings, inline_job_wait_seconds=0), db) as http:
        yield http


@pytest.fixture(autouse=True)
def _fresh_enforcer_cache():
    enforcers.clear()
    yield


@pytest.fixture(scope="session")
def demo_backend(backend: Backend, tmp_root: Path) -> Backend:
    made = _make_backend(backend.name, tmp_root, "demo")
    yield made
    made.drop()


@pytest.fixture(scope="session")
async def demo_db(demo_backend: Backend) -> AsyncIterator[Database]:
    """A separate database with the full demo (``onewindow demo``'s data) loaded once."""
    from api.demo import load_demo

    database = Database(demo_backend.app_url)
    await load_demo(database)
    yield database
    await database.dispose()


@pytest.fixture(scope="session")
async def demo_client(settings: Settings, demo_db: Database) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(settings, demo_db) as http:
        yield http


# --- counties -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def county(request, db: Database) -> County:
    """A county for the module (``make_county``), named by its ``COUNTY_NAME`` (测试县)."""
    return await make_county(db, getattr(request.module, "COUNTY_NAME", "测试县"))


@pytest.fixture(scope="module")
async def two_counties(request, db: Database) -> tuple[County, County]:
    """Two counties for the module, named by its ``COUNTY_NAMES`` (甲县, 乙县)."""
    first, second = getattr(request.module, "COUNTY_NAMES", ("甲县", "乙县"))
    return await make_county(db, first), await make_county(db, second)


@pytest.fixture(scope="session")
async def matrix_world(db: Database) -> World:
    """The two counties the authorization matrices run in (``tests.support.matrix.World``)."""
    return await build_world(db)
