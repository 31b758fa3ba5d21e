"""The effective catalog of a site (本级实施清单): the fold, and its cache.

Fold: the county's definitions, then the overrides of every ancestor from the county centre down
(closure table), then the site's own; acceptance and processing rights come from the levels at
which a matter is exercised (行使层级) plus delegations (委托下放). ``overriddenAt`` is the nearest
site whose override shaped the entry.

Cache: a published release never changes, so the fold of (county, site, release) is computed
once per process and kept (LRU). Preview folds are keyed by the county's ``draft_version``, which
every approved change bumps. Each request reads the county's current release number and draft
version from ``catalog_state`` and uses them in the key, so a publish or an approval in any
process is seen by every process at once; nothing is ever invalidated by hand. The two numbers
are registered as county counters (``tenants.counters``), so the statement that loads the
request's caller (or the public request's county) reads them too.

Memory: sites that fold a matter alike share one entry object (a pool kept with the release's
data), so a fold is mostly references (~0.1 MB rather than ~1 MB). When a county's new release
or draft arrives, its older data and folds are dropped (``EffectiveCache.supersede``): numbers
only grow, so nobody asks for them again.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from api.gql.ids import global_id
from api.lru import LRU
from catalog.data import CatalogData, read_working
from catalog.models import CatalogState, Release
from catalog.search import normalise, search_entries
from network import tree
from network.models import SiteLevel
from tenants import counters

COUNTY = SiteLevel.COUNTY_CENTER.value
SUB = SiteLevel.SUB_CENTER.value
SEARCH_CACHE_PER_SITE = 32


class SiteNotFound(Exception):
    """The site does not exist in the session's county."""


@dataclass(frozen=True)
class CatalogVersion:
    """What a request sees: the latest release number (0: none yet) and the draft counter."""

    release: int
    draft: int


@dataclass
class FoldedCatalog:
    """The effective catalog of one site at one release (or preview version)."""

    site_id: uuid.UUID
    level: str
    release: int | None
    preview: bool
    entries: list[dict[str, Any]]
    keys: list[tuple[str, str]]
    by_code: dict[str, dict[str, Any]]
    _searches: OrderedDict[str, list[dict[str, Any]]] = field(default_factory=OrderedDict)

    def search(self, query: str | None) -> list[dict[str, Any]]:
        """Entries matching ``query`` (all of them without one), best first; cached per query."""
        q = normalise(query)
        if not q:
            return self.entries
        found = self._searches.get(q)
        if found is None:
            found = search_entries(self.entries, self.keys, q)
            self._searches[q] = found
            if len(self._searches) > SEARCH_CACHE_PER_SITE:
                self._searches.popitem(last=False)
        return found


def _base_right(matter: dict[str, Any], site_id: str, level: str, root_id: str) -> bool:
    """May this level exercise the matter by itself (行使层级)?

    County-level matters are handled at the county centre, or at the department's own
    sub-centre when the department sits at one.
    """
    levels = matter["levels"]
    if level == COUNTY:
        return COUNTY in levels and matter.get("departmentSiteId") in (None, root_id)
    if level == SUB:
        return COUNTY in levels and matter.get("departmentSiteId") == site_id
    return level in levels


def _material_shape(changes: dict[str, dict[str, Any]] | None) -> tuple | None:
    if not changes:
        return None
    return tuple(
        (name, change.get("waived"), change.get("note")) for name, change in sorted(changes.items())
    )


def fold(data: CatalogData, chain: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Entries of the site at the end of ``chain`` (``[(site id, level)]``, county centre first)."""
    site_id, level = chain[-1]
    root_id = chain[0][0]
    layers = [
        (sid, lvl, data.overrides_by_site[sid])
        for sid, lvl in chain
        if sid in data.overrides_by_site
    ]
    own_delegations = data.delegations_by_site.get(site_id, {})
    above_delegations = [
        data.delegations_by_site[sid] for sid, _ in chain[:-1] if sid in data.delegations_by_site
    ]
    entries: list[dict[str, Any]] = []
    for matter in data.matters:
        code = matter["code"]
        accept = process = _base_right(matter, site_id, level, root_id)
        delegated = own_delegations.get(code)
        if delegated is not None:
            accept = accept or delegated["accept"]
            process = process or delegated["process"]
        for layer in above_delegations:
            delegated = layer.get(code)
            if delegated is not None and delegated["includeBelow"]:
                accept = accept or delegated["accept"]
                process = process or delegated["process"]
        offered = True
        promised = matter["promisedLimitDays"]
        accept_override: bool | None = None
        process_override: bool | None = None
        window = matter["comprehensiveWindow"]
        note = acceptance_place = processing_place = None
        material_changes: dict[str, dict[str, Any]] | None = None
        shaped_by: tuple[str, str] | None = None
        for sid, lvl, overrides in layers:
            o = overrides.get(code)
            if o is None:
                continue
            shaped_by = (sid, lvl)
            if o["offered"] is not None:
                offered = o["offered"]
            if o["promisedLimitDays"] is not None:
                promised = o["promisedLimitDays"]
            if o["acceptedHere"] is not None:
                accept_override = o["acceptedHere"]
            if o["processedHere"] is not None:
                process_override = o["processedHere"]
            if o["comprehensiveWindow"] is not None:
                window = o["comprehensiveWindow"]
            if o["note"] is not None:
                note = o["note"]
            if o["acceptancePlace"] is not None:
                acceptance_place = o["acceptancePlace"]
            if o["processingPlace"] is not None:
                processing_place = o["processingPlace"]
            if o["materials"]:
                material_changes = dict(material_changes or {})
                for change in o["materials"]:
                    merged = dict(material_changes.get(change["name"], {}))
                    if change.get("waived") is not None:
                        merged["waived"] = change["waived"]
                    if change.get("note") is not None:
                        merged["note"] = change["note"]
                    material_changes[change["name"]] = merged
        if not offered:
            continue
        materials = matter["materials"]
        if material_changes:
            materials = []
            for m in matter["materials"]:
                change = material_changes.get(m["name"])
                if change is None:
                    materials.append(m)
                elif not change.get("waived"):
                    materials.append({**m, "note": change.get("note", m.get("note"))})
        accepted = accept and (accept_override if accept_override is not None else True)
        processed = process and (process_override if process_override is not None else True)
        # Sites whose chains shape a matter alike (sibling villages, say) get the very same
        # entry object: a fold is then mostly references, not 1,100 new dicts.
        shape = (
            code,
            accepted,
            processed,
            min(promised, matter["legalLimitDays"]),
            window,
            note,
            acceptance_place,
            processing_place,
            shaped_by,
            _material_shape(material_changes),
        )
        entry = data.entry_pool.get(shape)
        if entry is None:
            entry = data.entry_pool[shape] = {
                "code": code,
                "name": matter["name"],
                "type": matter["type"],
                "basis": matter["basis"],
                "departmentName": matter["departmentName"],
                "serviceObject": matter["serviceObject"],
                "conditions": matter["conditions"],
                "process": matter["process"],
                "handlingKind": matter["handlingKind"],
                "legalLimitDays": matter["legalLimitDays"],
                "promisedLimitDays": min(promised, matter["legalLimitDays"]),
                "feeYuan": matter["feeYuan"],
                "feeBasis": matter["feeBasis"],
                "online": matter["online"],
                "keywords": matter["keywords"],
                "acceptedHere": accepted,
                "processedHere": processed,
                "comprehensiveWindow": window,
                "materials": materials,
                "note": note,
                "acceptancePlace": acceptance_place,
                "processingPlace": processing_place,
                "overriddenAt": (
                    {"id": global_id("Site", shaped_by[0]), "level": shaped_by[1]}
                    if shaped_by
                    else None
                ),
            }
        entries.append(entry)
    return entries


def make_folded(
    data: CatalogData,
    chain: list[tuple[str, str]],
    site_id: uuid.UUID,
    release: int | None,
    preview: bool,
) -> FoldedCatalog:
    entries = fold(data, chain)
    keys = [
        (data.by_code[e["code"]]["pinyin"], data.by_code[e["code"]]["initials"]) for e in entries
    ]
    return FoldedCatalog(
        site_id=site_id,
        level=chain[-1][1],
        release=release,
        preview=preview,
        entries=entries,
        keys=keys,
        by_code={e["code"]: e for e in entries},
    )


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


async def catalog_version(session: AsyncSession) -> CatalogVersion:
    row = (
        await session.execute(select(CatalogState.latest_release, CatalogState.draft_version))
    ).first()
    return CatalogVersion(release=row[0], draft=row[1]) if row else CatalogVersion(0, 0)


async def site_chain(session: AsyncSession, site_id: uuid.UUID) -> list[tuple[str, str]]:
    """[(site id, level)] from the county centre down to the site (closure table)."""
    chain = [(str(sid), level.value) for sid, level in await tree.chain(session, site_id)]
    if not chain:
        raise SiteNotFound(site_id)
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


async def effective_catalog(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    site_id: uuid.UUID,
    *,
    preview: bool = False,
    version: CatalogVersion | None = None,
) -> FoldedCatalog:
    """The site's effective catalog: latest release, or with ``preview`` the approved state.

    Raises ``SiteNotFound`` when the site is not one of the session's county.
    """
    if version is None:
        version = await catalog_version(session)
    # A preview shows the approved state and names the latest release: both are in its key.
    key = (
        (tenant_id, site_id, "d", version.draft, version.release)
        if preview
        else (tenant_id, site_id, "r", version.release)
    )

    async def compute() -> FoldedCatalog:
        chain = await site_chain(session, site_id)
        if preview:
            data = await working_data(session, tenant_id, version.draft)
        else:
            data = await release_data(session, tenant_id, version.release)
        cache.misses += 1
        return make_folded(data, chain, site_id, version.release or None, preview)

    return await cache.get_or_compute(cache.folds, key, compute)


@dataclass(frozen=True)
class OneWindowRatio:
    """一窗通办比例: the share of matters accepted here that the comprehensive window accepts."""

    accepted: int
    comprehensive: int
    not_comprehensive: list[dict[str, Any]]

    @property
    def ratio(self) -> float:
        return 1.0 if self.accepted == 0 else self.comprehensive / self.accepted


def site_ratio(folded: FoldedCatalog) -> OneWindowRatio:
    accepted = [e for e in folded.entries if e["acceptedHere"]]
    outside = [e for e in accepted if not e["comprehensiveWindow"]]
    return OneWindowRatio(len(accepted), len(accepted) - len(outside), outside)


def county_ratio(data: CatalogData) -> OneWindowRatio:
    """For the county: every matter of its catalog, by its county definition."""
    outside = [m for m in data.matters if not m["comprehensiveWindow"]]
    return OneWindowRatio(len(data.matters), len(data.matters) - len(outside), outside)
