"""The SQL floor: a workload's reads as raw SQL, straight to the database, one connection.

A workload's ``sql_floor(ctx)`` returns ``async def op(conn)`` that performs, on a
:class:`FloorConnection`, the same reads the server makes for one request (the actor lookup
included), in the least work the database allows: one connection held open, one transaction,
prepared statements, no ORM, no GraphQL, no HTTP. The runner calls it back to back for the
measured window and reports operations/s, statements/s and latency.

PostgreSQL is reached with asyncpg as the *app* role, and every transaction first runs
``set_config('app.tenant_id', …, true)``, so row-level security applies exactly as in the server.
SQLite is read with the standard ``sqlite3`` module on the same file.

SQL is written with ``$1``-style placeholders for both backends (``$n`` becomes ``?n`` on
SQLite); ``uuid.UUID`` and ``date`` parameters are passed as SQLite stores them (32 hex
digits, ISO text).
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

_PLACEHOLDER = re.compile(r"\$(\d+)")


class FloorConnection:
    """A raw connection; ``statements`` counts what ran, for statements per operation."""

    dialect: str
    statements: int = 0

    def transaction(self, tenant_id: uuid.UUID | None) -> Any:  # an async context manager
        raise NotImplementedError

    async def fetch(self, sql: str, *params: Any) -> Sequence[Sequence[Any]]:
        raise NotImplementedError

    async def fetchval(self, sql: str, *params: Any) -> Any:
        rows = await self.fetch(sql, *params)
        return rows[0][0] if rows else None

    async def close(self) -> None:
        raise NotImplementedError


class PostgresFloor(FloorConnection):
    dialect = "postgresql"

    def __init__(self, conn) -> None:
        self.conn = conn
        self.statements = 0

    @classmethod
    async def connect(cls, dsn: str) -> PostgresFloor:
        import asyncpg

        return cls(await asyncpg.connect(dsn, timeout=10))

    @asynccontextmanager
    async def transaction(self, tenant_id: uuid.UUID | None) -> AsyncIterator[None]:
        async with self.conn.transaction():
            await self.conn.execute(
                "SELECT set_config('app.tenant_id', $1, true)", str(tenant_id or "")
            )
            self.statements += 1
            yield

    async def fetch(self, sql: str, *params: Any) -> Sequence[Sequence[Any]]:
        self.statements += 1
        return await self.conn.fetch(sql, *params)

    async def close(self) -> None:
        await self.conn.close(timeout=10)


class SqliteFloor(FloorConnection):
    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        # Autocommit: the server's pysqlite connections read outside explicit transactions too.
        self.conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        self.conn.row_factory = sqlite3.Row  # rows by index and by column name, like asyncpg
        self.statements = 0
        self._sql: dict[str, str] = {}

    @asynccontextmanager
    async def transaction(self, tenant_id: uuid.UUID | None) -> AsyncIterator[None]:
        yield  # no RLS on SQLite: the tenant is in each statement's WHERE, as the ORM adds it

    async def fetch(self, sql: str, *params: Any) -> Sequence[Sequence[Any]]:
        text = self._sql.get(sql)
        if text is None:
            text = self._sql[sql] = _PLACEHOLDER.sub(r"?\1", sql)
        self.statements += 1
        values = [_sqlite_value(p) for p in params]
        return self.conn.execute(text, values).fetchall()

    async def close(self) -> None:
        self.conn.close()


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return value.hex  # SQLAlchemy's Uuid on SQLite: CHAR(32)
    if isinstance(value, dt.date):
        return value.isoformat()  # Date / DateTime on SQLite: ISO text
    return value


async def table_exists(conn: FloorConnection, table: str) -> bool:
    if conn.dialect == "postgresql":
        sql = "SELECT 1 FROM information_schema.tables WHERE table_name = $1"
    else:
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1"
    exists = bool(await conn.fetch(sql, table))
    conn.statements -= 1  # a probe, not part of the operation
    return exists


async def connect(database: dict[str, str]) -> FloorConnection:
    if "postgres_dsn" in database:
        return await PostgresFloor.connect(database["postgres_dsn"])
    return SqliteFloor(database["sqlite_path"])


def placeholders(conn: FloorConnection, values: Sequence[Any], start: int) -> tuple[str, list]:
    """``IN (…)`` for a list: ``= ANY($k)`` on PostgreSQL, ``IN ($k, $k+1, …)`` on SQLite."""
    if conn.dialect == "postgresql":
        return f"= ANY(${start})", [list(values)]
    marks = ", ".join(f"${start + i}" for i in range(len(values)))
    return f"IN ({marks})", list(values)


@dataclass
class FloorResult:
    operations: int
    seconds: float
    statements_per_op: float
    latencies: list[float]

    @property
    def ops_per_second(self) -> float:
        return self.operations / self.seconds if self.seconds else 0.0

    @property
    def statements_per_second(self) -> float:
        return self.ops_per_second * self.statements_per_op


async def measure(
    database: dict[str, str],
    op: Callable[[FloorConnection], Awaitable[None]],
    *,
    duration: float,
    warmup: float,
    max_operations: int,
) -> FloorResult:
    conn = await connect(database)
    try:
        warm_end = time.monotonic() + warmup
        while time.monotonic() < warm_end:
            await op(conn)
        conn.statements = 0
        latencies: list[float] = []
        start = time.monotonic()
        deadline = start + duration
        now = start
        while now < deadline and len(latencies) < max_operations:
            await op(conn)
            end = time.monotonic()
            latencies.append(end - now)
            now = end
        count = len(latencies)
        return FloorResult(
            operations=count,
            seconds=now - start,
            statements_per_op=conn.statements / count if count else 0.0,
            latencies=latencies,
        )
    finally:
        await conn.close()
