"""A request's reads share one connection — one transaction (a query's is one snapshot:
``snapshot``), one ``set_config`` on PostgreSQL — instead of a session per
resolver (about five BEGIN / set_config / ROLLBACK cycles on a point read). The caller is read
on it first (``api.app.graphql_context``); the ORM resolvers' session and the plans' Core
statements (``api.planned``) then use the same connection and transaction.

Sibling resolvers run concurrently, and a connection must not run two statements at once, so
each statement takes the request's lock for as long as it runs. The lock is never
held across anything else: a resolver that reads, then awaits a DataLoader whose batch reads
too, cannot deadlock. Results are buffered (``AsyncSession.execute`` fetches every row), so
a caller iterates them after the lock is released.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from strawberry.extensions import SchemaExtension

from tenants import prepared
from tenants.database import Database


class SharedSession:
    """The statement methods of ``AsyncSession`` a read needs, each under the request's lock;
    anything else (``info``, ``bind``) is the session's own."""

    def __init__(self, session: AsyncSession, lock: asyncio.Lock) -> None:
        self._session = session
        self._lock = lock

    async def execute(self, *args: Any, **kwargs: Any) -> Any:
        async with self._lock:
            return await self._session.execute(*args, **kwargs)

    async def scalar(self, *args: Any, **kwargs: Any) -> Any:
        async with self._lock:
            return await self._session.scalar(*args, **kwargs)

    async def scalars(self, *args: Any, **kwargs: Any) -> Any:
        async with self._lock:
            return await self._session.scalars(*args, **kwargs)

    async def get(self, *args: Any, **kwargs: Any) -> Any:
        async with self._lock:
            return await self._session.get(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session, name)


class SharedConnection:
    """A Core connection's ``execute`` under the request's lock. Results are buffered, so the
    rows are read after the lock is released. A statement built once runs by the driver after
    its first execution (``tenants.prepared``)."""

    def __init__(self, connection: AsyncConnection, lock: asyncio.Lock) -> None:
        self._connection = connection
        self._lock = lock

    async def execute(
        self, statement: Any, parameters: dict[str, Any] | None = None, **kwargs: Any
    ) -> Any:
        async with self._lock:
            if kwargs:
                return await self._connection.execute(statement, parameters, **kwargs)
            return await prepared.execute(self._connection, statement, parameters)


class RequestReads:
    """The request's read connections and sessions, one per county asked about (usually just
    the caller's)."""

    def __init__(self, db: Database, *, snapshot: bool = False) -> None:
        self.db = db
        # A query's reads see one committed state (``Database.tenant_connection``); a change
        # then never continues this transaction (``take``).
        self.snapshot = snapshot
        self._lock = asyncio.Lock()
        self._connections: dict[uuid.UUID | None, AsyncConnection] = {}
        self._sessions: dict[uuid.UUID | None, SharedSession] = {}

    async def _connection(self, tenant_id: uuid.UUID | None) -> AsyncConnection:
        # Under the lock: two sibling resolvers asking first must not open two connections.
        async with self._lock:
            connection = self._connections.get(tenant_id)
            if connection is None:
                connection = await self.db.tenant_connection(tenant_id, snapshot=self.snapshot)
                self._connections[tenant_id] = connection
            return connection

    @asynccontextmanager
    async def connection(self, tenant_id: uuid.UUID | None) -> AsyncIterator[SharedConnection]:
        """Core statements on the request's connection for ``tenant_id``: row-level security
        applies, the ORM tenant filter does not (every statement names the tenant)."""
        yield SharedConnection(await self._connection(tenant_id), self._lock)

    @asynccontextmanager
    async def session(self, tenant_id: uuid.UUID | None) -> AsyncIterator[SharedSession]:
        shared = self._sessions.get(tenant_id)
        if shared is None:
            connection = await self._connection(tenant_id)
            shared = self._sessions.get(tenant_id)  # another resolver may have made it meanwhile
            if shared is None:
                shared = self._sessions[tenant_id] = SharedSession(
                    self.db.session(tenant_id, bind=connection), self._lock
                )
        yield shared

    async def take(self, tenant_id: uuid.UUID | None) -> AsyncConnection | None:
        """Hand the connection for ``tenant_id`` over to a change, with its transaction (begun,
        the tenant set), when it is the only one and no ORM session reads on it — usually
        after the caller's row alone. The change then costs no checkout, ``BEGIN`` or
        ``set_config`` of its own; ``None`` when anything else was read, or when the reads
        are a query's snapshot."""
        async with self._lock:
            if self.snapshot or self._sessions or set(self._connections) != {tenant_id}:
                return None
            return self._connections.pop(tenant_id)

    async def close(self) -> None:
        """End the read transactions (rolled back: a read changes nothing)."""
        sessions, self._sessions = list(self._sessions.values()), {}
        connections, self._connections = list(self._connections.values()), {}
        try:
            for shared in sessions:
                await shared._session.close()
        finally:
            for connection in connections:
                await connection.close()


class EndRequestReads(SchemaExtension):
    """Ends the request's read transaction when the operation is done (or has failed)."""

    async def on_operation(self) -> AsyncIterator[None]:
        try:
            yield
        finally:
            context = self.execution_context.context
            app = context.get("app") if isinstance(context, dict) else None
            if app is not None:
                await app.close()
