"""Engines and sessions; row-level tenancy, layer 2 (PostgreSQL RLS session setting)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy import bindparam, event, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

from tenants import prepared
from tenants.context import TENANT_KEY

# Set on a session bound to a connection whose transaction already carries the tenant
# (``Database.session(…, bind=…)``): its begin needs no ``set_config`` of its own.
TENANT_ALREADY_SET = "onewindow.tenant_already_set"

# The transaction's tenant for the RLS policies; a SELECT built once, so that a request's
# connection runs it by the driver (``tenants.prepared``).
SET_TENANT = select(func.set_config("app.tenant_id", bindparam("tenant"), True))
# The same, rendered for one simple query with the BEGIN (``tenants.prepared.begin_with``).
SET_TENANT_TEXT = "SELECT set_config('app.tenant_id', '{tenant}', true)"


def create_engine(url: str, **kwargs) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # A pool as large as the expected concurrency: a new aiosqlite connection is a thread,
        # a connect and three PRAGMAs, which the default pool of 5 paid on most requests.
        kwargs.setdefault("pool_size", 20)
        kwargs.setdefault("max_overflow", 20)
        engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    kwargs.setdefault("pool_size", 20)
    kwargs.setdefault("max_overflow", 20)
    # No pre-ping: it costs a round trip on every checkout. Connections are recycled instead,
    # and a connection the server dropped fails one request, which the client retries.
    kwargs.setdefault("pool_recycle", 1800)
    return create_async_engine(url, **kwargs)


def is_postgres(engine: AsyncEngine) -> bool:
    return engine.dialect.name == "postgresql"


@event.listens_for(Session, "after_begin")
def _set_rls_tenant(session: Session, transaction, connection) -> None:
    """Every transaction on PostgreSQL carries the session's tenant for the RLS policies."""
    if connection.dialect.name != "postgresql" or session.info.get(TENANT_ALREADY_SET):
        return
    tenant_id = session.info.get(TENANT_KEY)
    connection.execute(SET_TENANT, {"tenant": str(tenant_id) if tenant_id else ""})


class Database:
    """The engine plus a factory of tenant-bound sessions."""

    def __init__(self, url: str, **engine_kwargs) -> None:
        self.url = url
        self.engine = create_engine(url, **engine_kwargs)
        self._factory = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def session(
        self, tenant_id: uuid.UUID | None, bind: AsyncConnection | None = None
    ) -> AsyncSession:
        """A session that sees only ``tenant_id``'s rows (``None``: platform rows only).

        With ``bind``, a connection opened by ``tenant_connection`` for the same tenant, the
        session reads in that connection's transaction (closing the session leaves it open).
        """
        session = self._factory(bind=bind) if bind is not None else self._factory()
        session.info[TENANT_KEY] = tenant_id
        if bind is not None:
            session.info[TENANT_ALREADY_SET] = True
        return session

    @asynccontextmanager
    async def transaction(self, tenant_id: uuid.UUID | None) -> AsyncIterator[AsyncSession]:
        async with self.session(tenant_id) as session, session.begin():
            yield session

    @asynccontextmanager
    async def transaction_on(
        self, connection: AsyncConnection, tenant_id: uuid.UUID | None
    ) -> AsyncIterator[AsyncSession]:
        """``transaction``, continuing the transaction of ``connection`` (opened by
        ``tenant_connection`` for the same ``tenant_id``): the session commits or rolls it back
        as its own. The caller closes the connection."""
        session = self._factory(bind=connection, join_transaction_mode="control_fully")
        session.info[TENANT_KEY] = tenant_id
        session.info[TENANT_ALREADY_SET] = True
        async with session, session.begin():
            yield session

    @asynccontextmanager
    async def read_connection(self, tenant_id: uuid.UUID | None) -> AsyncIterator[AsyncConnection]:
        """A Core connection for the hottest reads, rolled back at the end.

        Row-level security is set as in a session, but the ORM tenant filter does not apply:
        every statement run on it must name the tenant itself. Costs about a third of a
        session's CPU per read, which matters on paths every request takes.
        """
        async with self.engine.connect() as conn:
            await self._set_tenant(conn, tenant_id)
            yield conn

    async def tenant_connection(
        self, tenant_id: uuid.UUID | None, *, snapshot: bool = False
    ) -> AsyncConnection:
        """A checked-out connection whose transaction carries ``tenant_id`` for row-level
        security, as ``read_connection``'s; the caller closes it (which rolls it back).

        With ``snapshot`` (PostgreSQL), the transaction is REPEATABLE READ: every statement in
        it sees the same committed state, so that the reads of one answer agree with each
        other. Not for a transaction that writes: a conditional update would then fail on a
        row changed since, instead of re-checking it. SQLite's driver begins a transaction only
        at a write, so there each read still sees the latest state."""
        conn = await self.engine.connect()
        try:
            await self._set_tenant(conn, tenant_id, snapshot=snapshot)
        except BaseException:
            await conn.close()
            raise
        return conn

    async def _set_tenant(
        self, conn: AsyncConnection, tenant_id: uuid.UUID | None, *, snapshot: bool = False
    ) -> None:
        if self.dialect != "postgresql":
            return
        # A UUID's text is hex digits and dashes: safe to render, so that BEGIN and set_config
        # go in one round trip (the app's commonest statement pair: every request, every read).
        tenant = str(uuid.UUID(str(tenant_id))) if tenant_id else ""
        if await prepared.begin_with(
            conn, SET_TENANT_TEXT.format(tenant=tenant), snapshot=snapshot
        ):
            return
        await prepared.begin(conn)  # so that set_config, the first statement, can go by driver
        if snapshot:  # allowed as long as it is the transaction's first statement
            await conn.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        await prepared.execute(conn, SET_TENANT, {"tenant": tenant})

    async def switch_tenant(self, session: AsyncSession, tenant_id: uuid.UUID | None) -> None:
        """Explicit platform path: let an operator's transaction act inside one tenant."""
        session.info[TENANT_KEY] = tenant_id
        if self.dialect == "postgresql" and session.in_transaction():
            await session.execute(SET_TENANT, {"tenant": str(tenant_id) if tenant_id else ""})

    async def ping(self) -> bool:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
        return True

    async def dispose(self) -> None:
        await self.engine.dispose()
