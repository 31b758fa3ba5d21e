"""What one request costs the database: SQL statements and pool checkouts, counted in-process.

The app is built from this tree (``api.app.create_app``) on the same database the server uses
and driven through ``httpx.ASGITransport``, with SQLAlchemy event listeners on its engine. This
touches no app code; it only watches. Each checkout opens and closes a transaction (``BEGIN``
… ``ROLLBACK``), two round trips the statement count does not show (the pool does not
pre-ping). A concurrent burst then counts the connections the pool opens: beyond
``pool_size`` every checkout opens a new connection (on SQLite a new aiosqlite thread plus the
PRAGMAs) and closes it again on return.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

import httpx

from bench.context import Ctx
from bench.load import JSON_HEADERS


@dataclass
class SqlCount:
    requests: int
    statements: int
    checkouts: int
    sample: list[str] = field(default_factory=list)  # the statements of one request
    # Under concurrency: requests sent, new DB connections opened (pool overflow churn).
    burst_requests: int = 0
    burst_connects: int = 0
    # Transactions begun (SQLAlchemy's "begin" event), and those whose BEGIN went with their
    # first statement (``tenants.prepared.begin_with``: the statement's text starts with it).
    begins: int = 0
    merged_begins: int = 0

    @property
    def round_trips_per_request(self) -> float:
        """Statements, plus a BEGIN of its own for each transaction whose BEGIN did not go
        with its first statement, plus a COMMIT or ROLLBACK for each transaction."""
        own_begins = self.begins - self.merged_begins
        return (self.statements + own_begins + self.begins) / self.requests if self.requests else 0

    @property
    def statements_per_request(self) -> float:
        return self.statements / self.requests if self.requests else 0.0

    @property
    def checkouts_per_request(self) -> float:
        return self.checkouts / self.requests if self.requests else 0.0

    @property
    def connects_per_request(self) -> float:
        return self.burst_connects / self.burst_requests if self.burst_requests else 0.0


async def count_sql(
    module: ModuleType,
    ctx: Ctx,
    database_url: str,
    secret_key: str,
    workdir: Path,
    *,
    repeats: int = 5,
    concurrency: int = 8,
    burst_per_client: int = 15,
) -> SqlCount | None:
    """SQL and checkouts of one request (after a warm one), then a concurrent burst of
    ``concurrency`` × ``burst_per_client`` requests counting the connections the pool opens."""
    request = getattr(module, "request", None)
    call = getattr(module, "call", None)
    if request is None and call is None:
        return None
    from sqlalchemy import event

    from api.app import create_app
    from api.settings import Settings
    from tenants.database import Database

    settings = Settings(
        database_url=database_url,
        migration_database_url=database_url,
        secret_key=secret_key,
        data_dir=workdir / "data",
    )
    db = Database(database_url)
    statements: list[str] = []
    checkouts = [0]
    connects = [0]
    begins = [0]

    def on_execute(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(" ".join(statement.split()))

    def on_checkout(dbapi_connection, record, proxy) -> None:
        checkouts[0] += 1

    event.listen(db.engine.sync_engine, "before_cursor_execute", on_execute)

    def on_begin(conn) -> None:
        begins[0] += 1

    event.listen(db.engine.sync_engine, "begin", on_begin)

    def on_connect(dbapi_connection, record) -> None:
        connects[0] += 1

    event.listen(db.engine.sync_engine.pool, "checkout", on_checkout)
    event.listen(db.engine.sync_engine.pool, "connect", on_connect)
    app = create_app(settings, db)
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://bench.invalid"
        ) as client:

            async def once() -> None:
                if call is not None:
                    await call(client, ctx)
                    return
                path, body, headers = request(ctx)
                response = await client.post(
                    path, content=json.dumps(body).encode(), headers={**JSON_HEADERS, **headers}
                )
                response.raise_for_status()

            await once()  # warm: enforcer cache, prepared statements
            statements.clear()
            checkouts[0] = begins[0] = 0
            await once()
            sample = list(statements)
            for _ in range(repeats - 1):
                await once()
            counted = SqlCount(repeats, len(statements), checkouts[0], sample)
            counted.begins = begins[0]
            counted.merged_begins = sum(1 for s in statements if s.startswith("BEGIN"))

            async def client_loop() -> None:
                for _ in range(burst_per_client):
                    await once()

            connects[0] = 0
            await asyncio.gather(*(client_loop() for _ in range(concurrency)))
            counted.burst_requests = concurrency * burst_per_client
            counted.burst_connects = connects[0]
        return counted
    finally:
        await db.dispose()
