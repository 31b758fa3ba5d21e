"""Per-request GraphQL context: who is asking, the database, and per-request DataLoaders."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Hashable, Mapping
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader
from strawberry.types import Info

from api.gql.reads import RequestReads, SharedConnection
from api.settings import Settings
from authz.errors import Unauthenticated
from authz.guard import Actor
from tenants.database import Database


@dataclass
class AppContext:
    db: Database
    settings: Settings
    actor: Actor
    # Set when a token was sent but is invalid or expired: non-public fields then refuse.
    auth_failed: bool = False
    # Per-county counters (``tenants.counters``) read with the caller or the public county, as
    # of the start of the request; forgotten as soon as the request writes.
    counters: dict[uuid.UUID, Mapping[str, int]] = field(default_factory=dict)
    # True when the response is encoded by msgspec (the HTTP view): resolvers may then hand back
    # already-encoded JSON as ``msgspec.Raw``.
    raw_json: bool = False
    # The request is a query (``api.gql.operation_kind``): its reads see one committed state.
    snapshot: bool = False
    # A plan already ran for this request and stepped aside (``api.planned.direct``): normal
    # execution answers it without running the plan again.
    plan_stepped_aside: bool = False
    _loaders: dict[Hashable, DataLoader] = field(default_factory=dict)
    _reads: RequestReads | None = None

    def tenant_id(self) -> uuid.UUID:
        """The caller's county; raises UNAUTHENTICATED / FORBIDDEN for anyone else."""
        if self.auth_failed:
            raise Unauthenticated("令牌无效或已过期")
        return self.actor.require_tenant_user()

    def require_actor(self) -> Actor:
        if self.auth_failed or self.actor.is_anonymous:
            raise Unauthenticated()
        return self.actor

    def read(self, tenant_id: uuid.UUID | None = None) -> AbstractAsyncContextManager[Any]:
        """The request's read session in ``tenant_id`` (default: the caller's county), shared
        by every resolver and loader of the request (``api.gql.reads``)."""
        return self._request_reads().session(
            tenant_id if tenant_id is not None else self.actor.tenant_id
        )

    def connection(
        self, tenant_id: uuid.UUID | None
    ) -> AbstractAsyncContextManager[SharedConnection]:
        """Core statements in the same transaction as ``read``'s session for ``tenant_id``;
        every statement must name the tenant (no ORM filter on a Core connection)."""
        return self._request_reads().connection(tenant_id)

    def _request_reads(self) -> RequestReads:
        if self._reads is None:
            self._reads = RequestReads(self.db, snapshot=self.snapshot)
        return self._reads

    async def close(self) -> None:
        """End the request's read transaction; the next read opens a new one."""
        if self._reads is not None:
            reads, self._reads = self._reads, None
            await reads.close()

    def write(
        self, tenant_id: uuid.UUID | None = None
    ) -> Callable[[], AbstractAsyncContextManager[AsyncSession]]:
        """A transaction factory bound to the caller's county (or ``tenant_id``: a platform
        operator acting in a county it named), for ``run_change``.

        A change runs in its own all-or-nothing transaction; the reads after it (the payload)
        start a new transaction that sees it. When only the caller's row was read before, in
        the same county, the change continues that transaction (``RequestReads.take``: no
        second checkout, ``BEGIN`` or ``set_config``); otherwise the reads end first. Either
        way each of the change's statements reads what is committed when it runs (READ
        COMMITTED), as in a transaction of its own.
        """
        tenant_id = tenant_id if tenant_id is not None else self.actor.tenant_id
        self.counters.clear()  # a change may move them: later reads ask the database

        @asynccontextmanager
        async def transaction() -> AsyncIterator[AsyncSession]:
            taken = await self._reads.take(tenant_id) if self._reads is not None else None
            await self.close()
            if taken is None:
                async with self.db.transaction(tenant_id) as session:
                    yield session
                return
            try:
                async with self.db.transaction_on(taken, tenant_id) as session:
                    yield session
            finally:
                await taken.close()

        return transaction

    def loader(
        self, key: Hashable, load: Callable[[AppContext, list[Any]], Awaitable[list[Any]]]
    ) -> DataLoader:
        """The request's DataLoader for ``key``; its batches read on the request's session."""
        existing = self._loaders.get(key)
        if existing is None:

            async def batch(keys: list[Any]) -> list[Any]:
                return await load(self, keys)

            existing = self._loaders[key] = DataLoader(load_fn=batch)
        return existing


def app_context(info: Info) -> AppContext:
    return info.context["app"]
