"""Fixtures: every database test runs on SQLite and on PostgreSQL (as the non-owner app role).

Each backend gets a database built from empty by the alembic chain. With ``CI=true`` a missing
PostgreSQL is a failure, never a skip (``tests.support.services.require_or_skip``).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from authz.enforcer import enforcers
from migrations.runner import upgrade
from tenants.database import Database
from tests.support.services import create_test_database, postgres_available, require_or_skip

BACKENDS = [
    b for b in os.environ.get("ONEWINDOW_TEST_BACKENDS", "sqlite,postgresql").split(",") if b
]
TEST_SECRET = "onewindow-test-secret-key-0123456789abcdef"


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
    )


@pytest.fixture(scope="session")
async def client(settings: Settings, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(settings, db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


_codes = itertools.count(110000 + os.getpid() % 50 * 1000)


def next_county_code() -> str:
    """A fresh 6-digit county code: tests make their own counties instead of cleaning up."""
    return str(next(_codes))


@pytest.fixture(autouse=True)
def _fresh_enforcer_cache():
    enforcers.clear()
    yield


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "postgresql_only: runs on the PostgreSQL backend only (RLS, roles)"
    )


def pytest_collection_modifyitems(config, items):
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
    app = create_app(settings, demo_db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def login(client: httpx.AsyncClient, username: str, tenant: str = "320826") -> str:
    from api.demo import DEMO_PASSWORD

    response = await client.post(
        "/auth/token", data={"username": username, "password": DEMO_PASSWORD, "tenant": tenant}
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]
