"""Schemathesis in GraphQL mode against a running server: no input makes it fail.

A real uvicorn server on loopback serves a small county; schemathesis generates queries and
mutations from the introspected schema and sends them with a county administrator's token.
A server error is a 5xx or an error masked as internal (an unexpected exception).
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import httpx
import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, given, settings

from api.app import create_app
from api.settings import Settings
from migrations.runner import upgrade
from tenants.database import Database
from tests.support.factories import TEST_SECRET, make_county

INTERNAL = "服务器内部错误"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite+aiosqlite:///{workdir / 'fuzz.sqlite3'}"
    upgrade(url)

    async def seed():
        db = Database(url)
        try:
            return await make_county(db, "模糊县")
        finally:
            await db.dispose()

    county = asyncio.run(seed())
    port = _free_port()
    app_settings = Settings(
        database_url=url, migration_database_url=url, secret_key=TEST_SECRET, data_dir=workdir
    )
    server = uvicorn.Server(
        uvicorn.Config(create_app(app_settings), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20  # clock-ok: waiting for the server, not a calendar
    while time.monotonic() < deadline:  # clock-ok
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    yield base, county.token("admin")
    server.should_exit = True
    thread.join(timeout=10)


def check(case: schemathesis.Case, token: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {token}"})
    assert response.status_code < 500, (case.body, response.text)
    body = response.json()
    for error in body.get("errors") or []:
        assert error.get("message") != INTERNAL, (case.body, body)


def test_no_server_errors(fuzz_server):
    """Every query and mutation field, fuzzed in turn; failures are collected, then reported.

    Schemathesis's pytest integration (``schemathesis.pytest.from_fixture``) breaks on pytest 9
    (it sets ``Function._nodeid``), so the introspected schema's per-operation strategies are
    driven with Hypothesis's ``@given`` directly.
    """
    base, token = fuzz_server
    schema = schemathesis.graphql.from_url(f"{base}/graphql")
    results = list(schema.get_all_operations())  # Ok(operation) or Err(InvalidSchema)
    assert all(hasattr(result, "ok") for result in results), [
        r.err() for r in results if not hasattr(r, "ok")
    ]
    operations = [result.ok() for result in results]
    assert len(operations) > 20, [op.label for op in operations]
    failures: dict[str, BaseException] = {}
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=40,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: schemathesis.Case) -> None:
            check(case, token)

        try:
            fuzz()
        except AssertionError as failure:
            failures[operation.label] = failure
    assert not failures, "\n\n".join(f"{label}: {error}" for label, error in failures.items())
