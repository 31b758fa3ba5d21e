"""External services for the test suite: PostgreSQL, Redis and an S3 server (moto).

Start PostgreSQL and Redis with ``infra/dev-services``. Settings come from the environment:

- ``ONEWINDOW_TEST_PG_OWNER_DSN``: the owner role on a maintenance database
  (default ``postgresql://onewindow_owner:onewindow_owner@127.0.0.1:5432/postgres``)
- ``ONEWINDOW_TEST_PG_APP_USER`` / ``ONEWINDOW_TEST_PG_APP_PASSWORD`` (default onewindow_app)
- ``ONEWINDOW_TEST_REDIS_URL`` (default ``redis://127.0.0.1:6379/15``, and 14, 13, … for the
  other pytest-xdist workers)

A missing service skips the tests that need it, except under ``CI=true`` where it fails them
(see :func:`require_or_skip`).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import os
import secrets
import urllib.request
from collections.abc import Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import asyncpg
import pytest
from sqlalchemy.engine import URL, make_url

POSTGRES_ADMIN_URL = os.environ.get(
    "ONEWINDOW_TEST_PG_OWNER_DSN",
    "postgresql://onewindow_owner:onewindow_owner@127.0.0.1:5432/postgres",
)
POSTGRES_APP_USER = os.environ.get("ONEWINDOW_TEST_PG_APP_USER", "onewindow_app")
POSTGRES_APP_PASSWORD = os.environ.get("ONEWINDOW_TEST_PG_APP_PASSWORD", "onewindow_app")


def _worker_number() -> int:
    """0, or the pytest-xdist worker's number (``gw3`` → 3): each worker flushes its own Redis
    database."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw")) if worker.removeprefix("gw").isdigit() else 0


REDIS_URL = os.environ.get(
    "ONEWINDOW_TEST_REDIS_URL", f"redis://127.0.0.1:6379/{15 - _worker_number()}"
)

CONNECT_TIMEOUT = 2.0
DATABASE_SQL = Path(__file__).resolve().parents[2] / "infra" / "database.sql"

T = TypeVar("T")


def _run(coro: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to completion, also when called from inside a running event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


def _admin_url() -> URL:
    return make_url(POSTGRES_ADMIN_URL)


def _asyncpg_dsn(url: URL) -> str:
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def require_or_skip(available: bool, what: str) -> None:
    """Skip the test when a service is missing; fail it instead when ``CI=true``."""
    if available:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{what} is required when CI=true")
    pytest.skip(f"{what} is not available (start it with infra/dev-services)")


# --- PostgreSQL -----------------------------------------------------------------------------


def postgres_available() -> bool:
    """True when the owner role can connect to ``POSTGRES_ADMIN_URL`` within ~2 s."""

    async def probe() -> None:
        conn = await asyncpg.connect(_asyncpg_dsn(_admin_url()), timeout=CONNECT_TIMEOUT)
        await conn.close(timeout=CONNECT_TIMEOUT)

    try:
        _run(asyncio.wait_for(probe(), CONNECT_TIMEOUT + 1))
    except Exception:
        return False
    return True


@dataclass(frozen=True)
class TestDatabase:
    """A throw-away database owned by onewindow_owner, prepared with infra/database.sql.

    ``owner_url`` (migrations, DDL) and ``app_url`` (the app role, subject to RLS) are
    SQLAlchemy async URLs: ``postgresql+asyncpg://user:password@host:port/name``.
    """

    __test__ = False  # not a pytest test class despite its name

    name: str
    owner_url: str
    app_url: str

    def drop(self) -> None:
        """Drop the database, terminating its sessions first. Safe to call twice."""
        _run(_drop_database(self.name))

    def __enter__(self) -> TestDatabase:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.drop()


async def _drop_database(name: str) -> None:
    conn = await asyncpg.connect(_asyncpg_dsn(_admin_url()), timeout=CONNECT_TIMEOUT)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def _create_database(name: str) -> None:
    admin = _admin_url()
    conn = await asyncpg.connect(_asyncpg_dsn(admin), timeout=CONNECT_TIMEOUT)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')  # owned by the connecting owner role
    finally:
        await conn.close()
    try:
        conn = await asyncpg.connect(
            _asyncpg_dsn(admin.set(database=name)), timeout=CONNECT_TIMEOUT
        )
        try:
            await conn.execute(DATABASE_SQL.read_text(encoding="utf-8"))
        finally:
            await conn.close()
    except BaseException:
        await _drop_database(name)
        raise


def create_test_database() -> TestDatabase:
    """Create ``onewindow_test_<hex>`` owned by onewindow_owner and run infra/database.sql in it.

    The caller must ``drop()`` it (or use it as a context manager).
    """
    name = f"onewindow_test_{secrets.token_hex(6)}"
    _run(_create_database(name))
    owner = _admin_url().set(drivername="postgresql+asyncpg", database=name)
    app = owner.set(username=POSTGRES_APP_USER, password=POSTGRES_APP_PASSWORD)
    return TestDatabase(
        name=name,
        owner_url=owner.render_as_string(hide_password=False),
        app_url=app.render_as_string(hide_password=False),
    )


# --- Redis ----------------------------------------------------------------------------------


def _redis_client(url: str):
    import redis

    return redis.Redis.from_url(
        url, socket_connect_timeout=CONNECT_TIMEOUT, socket_timeout=CONNECT_TIMEOUT
    )


def redis_available(url: str = REDIS_URL) -> bool:
    """True when Redis at ``url`` answers PING within ~2 s."""
    try:
        client = _redis_client(url)
        try:
            return bool(client.ping())
        finally:
            client.close()
    except Exception:
        return False


def flush_redis_db(url: str = REDIS_URL) -> None:
    """Empty the one Redis database named by ``url`` (db 15 by default)."""
    client = _redis_client(url)
    try:
        client.flushdb()
    finally:
        client.close()


# --- S3 (moto server) -----------------------------------------------------------------------


class MotoS3Server:
    """moto in server mode over HTTP on 127.0.0.1 with a free port.

    >>> with MotoS3Server() as s3:
    ...     client = boto3.client("s3", endpoint_url=s3.endpoint_url, **s3.client_kwargs)

    moto keeps its state per process: ``reset()`` empties every bucket of every server.
    """

    region = "us-east-1"
    access_key_id = "testing"
    secret_access_key = "testing"

    def __init__(self) -> None:
        self._server = None
        self.endpoint_url = ""

    @property
    def client_kwargs(self) -> dict[str, str]:
        """Keyword arguments for ``boto3.client("s3", ...)`` besides ``endpoint_url``."""
        return {
            "region_name": self.region,
            "aws_access_key_id": self.access_key_id,
            "aws_secret_access_key": self.secret_access_key,
        }

    def start(self) -> MotoS3Server:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.endpoint_url = f"http://{host}:{port}"
        return self

    def reset(self) -> None:
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=10):
            pass

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> MotoS3Server:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
