"""The effective catalog of a site as a request reads it: the catalog version, the data of a
release or of the approved state, and the cache of folds (the fold itself is ``catalog.fold``).

Cache: a published release never changes, so the fold of (county, site, release) is computed
once per process and kept (LRU). Preview folds are keyed by the county's ``draft_version``, which
every approved change bumps. Each request reads the county's current release number and draft
version from ``catalog_state`` and uses them in the key, so a publish or an approval in any
process is seen by every process at once; nothing is ever invalidated by hand. The two numbers
are registered as county counters (``tenants.counters``), so the statement that loads the
request's caller (or the public request's county) reads them too.

Memory: when a county's new release or draft arrives, its older data and folds are dropped
(``EffectiveCache.supersede``): numbers only grow, so nobody asks for them again.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from api.lru import LRU
from authz.errors import BadRequest
from catalog.data import CatalogData, read_working
from catalog.fold import FoldedCatalog, make_folded
from catalog.models import CatalogState, Release
from network import tree
from tenants import counters


class SiteNotFound(BadRequest):
    """The site does not exist in the session's county (a NOT_FOUND error as it is)."""

    def __init__(self) -> None:
        super().__init__("场所不存在", "NOT_FOUND")


@dataclass(frozen=True)
class CatalogVersion:
    """What a request sees: the latest release number (0: none yet) and the draft counter."""

    release: int
    draft: int


class EffectiveCache:
    """Per-process cache of catalog data (per release / draft version) and of folds per site.

    Keys carry the release number or draft version read from the database, so entries are
    never stale; concurrent misses of one key are computed once.
    """

    def __init__(self, max_sites: int = 256, max_data: int = 8) -> None:
        self.folds = LRU(max_sites)
        self.data = LRU(max_data)
        self._inflight: dict[Hashable, asyncio.Future] = {}
        self.misses = 0

    def clear(self) -> None:
        self.folds.clear()
        self.data.clear()

    def supersede(self, tenant_id: uuid.UUID, kind: str, number: int) -> None:
        """Forget a county's data and folds older than release (``"r"``) or draft (``"d"``)
        ``number``: numbers only grow, so no new request asks for them. Called when the data of
        a new number arrives; without it the folds of every old release would stay until the
        LRU pushed them out (a fold of a new release shares no entries with the old ones)."""
        self.data.drop(lambda key: key[0] == tenant_id and key[1] == kind and key[2] < number)
        self.folds.drop(lambda key: key[0] == tenant_id and key[2] == kind and key[3] < number)

    async def get_or_compute(
        self, lru: LRU, key: Hashable, compute: Callable[[], Awaitable[Any]]
    ) -> Any:
        value = lru.get(key)
        if value is not None:
            return value
        pending = self._inflight.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            value = await compute()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters re-raise it
            raise
        else:
            lru.put(key, value)
            future.set_result(value)
            return value
        finally:
            self._inflight.pop(key, None)


# A site's fold is ~0.1 MB (entries are shared between sites that fold a matter alike): 1,024
# sites hold two or three whole counties.
cache = EffectiveCache(max_sites=int(os.environ.get("ONEWINDOW_CATALOG_CACHE_SITES", "1024")))


# Read with the caller of every request (``tenants.counters``): a cached page then needs no
# database access of its own.
RELEASE_COUNTER = "catalog.release"
DRAFT_COUNTER = "catalog.draft"
counters.register(RELEASE_COUNTER, CatalogState.__table__.c.latest_release)
counters.register(DRAFT_COUNTER, CatalogState.__table__.c.draft_version)


def version_from(known: Mapping[str, int] | None) -> CatalogVersion | None:
    """The catalog version among a request's counters, if they were read."""
    if known is None:
        return None
    return CatalogVersion(release=known[RELEASE_COUNTER], draft=known[DRAFT_COUNTER])


async def catalog_version(
    session: AsyncSession, known: CatalogVersion | None = None
) -> CatalogVersion:
    """The county's catalog version: ``known`` when the request read it with its caller
    (``version_from``), else from ``catalog_state``."""
    if known is not None:
        return known
    row = (
        await session.execute(select(CatalogState.latest_release, CatalogState.draft_version))
    ).first()
    return CatalogVersion(release=row[0], draft=row[1]) if row else CatalogVersion(0, 0)


async def site_chain(session: AsyncSession, site_id: uuid.UUID) -> list[tuple[str, str]]:
    """[(site id, level)] from the county centre down to the site (closure table)."""
    chain = [(str(sid), level.value) for sid, level in await tree.chain(session, site_id)]
    if not chain:
        raise SiteNotFound()
    return chain


async def release_data(session: AsyncSession, tenant_id: uuid.UUID, number: int) -> CatalogData:
    """The catalog of release ``number`` (0: the empty catalog before the first release)."""

    async def load() -> CatalogData:
        if number == 0:
            return CatalogData.empty()
        blob = (
            await session.execute(select(Release.snapshot).where(Release.number == number))
        ).scalar_one()
        cache.supersede(tenant_id, "r", number)
        return CatalogData.decode(blob)

    return await cache.get_or_compute(cache.data, (tenant_id, "r", number), load)


PUBLISHED_KEY = "catalog.published"


def keep_after_commit(
    session: AsyncSession, tenant_id: uuid.UUID | None, number: int, data: CatalogData
) -> None:
    """Cache the data of release ``number`` as soon as the transaction publishing it commits.

    The publishing process then serves the first read of the new release without decoding its
    snapshot (the larger part of a cold read); other processes decode it once as usual. Nothing
    is cached if the transaction rolls back, so a number that never became a release is never
    cached.
    """
    session.info.setdefault(PUBLISHED_KEY, []).append(((tenant_id, "r", number), data))


@event.listens_for(Session, "after_commit")
def _cache_published(session: Session) -> None:
    for key, data in session.info.pop(PUBLISHED_KEY, ()):
        tenant_id, kind, number = key
        cache.supersede(tenant_id, kind, number)
        cache.data.put(key, data)


@event.listens_for(Session, "after_rollback")
def _forget_published(session: Session) -> None:
    session.info.pop(PUBLISHED_KEY, None)


async def working_data(session: AsyncSession, tenant_id: uuid.UUID, draft: int) -> CatalogData:
    async def load() -> CatalogData:
        cache.supersede(tenant_id, "d", draft)
        return await read_working(session)

    return await cache.get_or_compute(cache.data, (tenant_id, "d", draft), load)


async def catalog_data(
    session: AsyncSession, tenant_id: uuid.UUID, version: CatalogVersion, *, preview: bool
) -> CatalogData:
    """The county's catalog at ``version``: the approved state with ``preview``, else the latest
    release."""
    if preview:
        return await working_data(session, tenant_id, version.draft)
    return await release_data(session, tenant_id, version.release)


async def effective_catalog(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    site_id: uuid.UUID,
    *,
    preview: bool = False,
    version: CatalogVersion | None = None,
) -> FoldedCatalog:
    """The site's effective catalog: latest release, or with ``preview`` the approved state.

    Raises ``SiteNotFound`` when the site is not one of the session's county; ``version``:
    as the request read it (None: read it now).
    """
    version = await catalog_version(session, version)
    # A preview shows the approved state and names the latest release: both are in its key.
    key = (
        (tenant_id, site_id, "d", version.draft, version.release)
        if preview
        else (tenant_id, site_id, "r", version.release)
    )

    async def compute() -> FoldedCatalog:
        chain = await site_chain(session, site_id)
        data = await catalog_data(session, tenant_id, version, preview=preview)
        cache.misses += 1
        return make_folded(data, chain, site_id, version.release or None, preview)

    return await cache.get_or_compute(cache.folds, key, compute)
