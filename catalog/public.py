"""Anonymous reads for the mobile app (办事指南): the county by its code, the sites near a point
that accept a matter, a matter's guide at a site. Published data only: the latest release, never
the approved or pending drafts.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import BadRequest, check_argument
from catalog.data import CatalogData
from catalog.definitions import CODE_MAX
from catalog.effective import (
    CatalogVersion,
    SiteNotFound,
    catalog_version,
    effective_catalog,
    release_data,
)
from catalog.fold import fold
from network import staffing
from network.models import Site, SiteLevel, SiteStatus
from network.service import Location, on_earth
from tenants import counters
from tenants.database import Database
from tenants.models import TenantStatus

EARTH_RADIUS_M = 6371008.8
COUNTY_CODE = re.compile(r"^[0-9]{6}$")  # 县级行政区划代码
# What a public site list shows (and what it needs to rank and fold): no internal columns.
SITE_COLUMNS = (
    Site.id,
    Site.parent_id,
    Site.level,
    Site.name,
    Site.official_name,
    Site.address,
    Site.opening_hours,
    Site.lat,
    Site.lng,
    Site.status,
    Site.division_code,
)


def distance_meters(lat1: float, lng1: float, lat2: float, lng2: float) -> int:
    """Great-circle distance (haversine), in whole metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(a)))


async def open_county(db: Database, code: str) -> tuple[uuid.UUID, Mapping[str, int]]:
    """The county with this code and its counters (the catalog version among them), for
    anonymous reads; unknown or suspended: NOT_FOUND."""
    code = (code or "").strip()
    if not COUNTY_CODE.match(code):  # not a county code: no lookup, and not echoed back
        raise BadRequest("没有该代码的县:县代码为 6 位数字的县级行政区划代码", "NOT_FOUND")
    found = await counters.read_county_by_code(db, code)
    if found is None or found[1].status is not TenantStatus.ACTIVE:
        raise BadRequest(f"没有代码为 {code} 的县", "NOT_FOUND")
    tenant_id, state = found
    return tenant_id, state.counters


def site_chains(sites: Sequence[Any]) -> dict[uuid.UUID, list[tuple[str, str]]]:
    """Each site's chain ``[(site id, level)]`` from the county centre down, from the sites'
    parents (all the county's sites are at hand: no closure-table query per site)."""
    by_id = {s.id: s for s in sites}
    chains: dict[uuid.UUID, list[tuple[str, str]]] = {}
    for s in sites:
        chain = []
        node = s
        while node is not None:
            chain.append((str(node.id), SiteLevel(node.level).value))
            node = by_id.get(node.parent_id) if node.parent_id else None
        chains[s.id] = list(reversed(chain))
    return chains


def _accepts(data: CatalogData, matter: dict[str, Any], chain: list[tuple[str, str]]) -> bool:
    """Does the site at the end of ``chain`` offer and accept the matter?"""
    entries = fold(data, chain, [matter])
    return bool(entries) and entries[0]["acceptedHere"]


@dataclass(frozen=True)
class NearbySite:
    site: Any  # a row of ``SITE_COLUMNS``
    distance_meters: int | None  # None: no ``near`` point, or the site has no location


async def sites_near(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    *,
    near: Location | None = None,
    matter_code: str | None = None,
    version: CatalogVersion | None = None,
) -> list[NearbySite]:
    """The county's open sites with someone at them today (``network.staffing``), nearest first
    (those without a distance last, then by division code and name); with ``matter_code``, only
    those that accept it in the latest release.

    ``near`` is where the person is: any point on Earth (``INVALID_LOCATION`` otherwise)."""
    check_argument(matter_code, "matterCode", CODE_MAX)
    if near is not None and not on_earth(near):
        raise BadRequest(
            "near 坐标无效:纬度应在 -90 到 90 之间,经度应在 -180 到 180 之间", "INVALID_LOCATION"
        )
    sites = (await session.execute(select(*SITE_COLUMNS))).all()
    candidates = [s for s in sites if s.status is SiteStatus.OPEN]
    # Nobody is sent to a window with nobody at it today (000: "one radish, one hole").
    staffed = await staffing.staffed_sites(session, [s.id for s in candidates])
    candidates = [s for s in candidates if s.id in staffed]
    if matter_code:
        version = await catalog_version(session, version)
        data = await release_data(session, tenant_id, version.release)
        matter = data.by_code.get(matter_code)
        chains = site_chains(sites) if matter is not None else {}
        candidates = [
            s for s in candidates if matter is not None and _accepts(data, matter, chains[s.id])
        ]
    ranked = []
    for s in candidates:
        distance = None
        if near is not None and s.lat is not None and s.lng is not None:
            distance = distance_meters(near.lat, near.lng, s.lat, s.lng)
        ranked.append((distance is None, distance or 0, s.division_code, s.name, s))
    ranked.sort(key=lambda r: r[:4])
    return [NearbySite(r[4], None if r[0] else r[1]) for r in ranked]


async def matter_guide(
    session: AsyncSession,
    tenant_id: uuid.UUID,
    site_id: uuid.UUID,
    code: str,
    *,
    version: CatalogVersion | None = None,
) -> tuple[dict[str, Any], int | None] | None:
    """The matter's entry in the site's effective catalog (latest release), and that release;
    None when the site or the matter is not there."""
    check_argument(code, "code", CODE_MAX)
    try:
        folded = await effective_catalog(session, tenant_id, site_id, version=version)
    except SiteNotFound:
        return None
    entry = folded.by_code.get(code)
    return (entry, folded.release) if entry else None
