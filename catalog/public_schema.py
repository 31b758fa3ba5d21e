"""Anonymous queries for the mobile app (办事指南): published data only, no login.

The county comes from the ``tenant`` argument (its 6-digit code); everything is then read in a
session bound to that county alone (ORM filter and PostgreSQL RLS), and only from the latest
release: pending or approved drafts never leak.
"""

from __future__ import annotations

import math
import uuid
from types import SimpleNamespace
from typing import Any

import strawberry
from sqlalchemy import select
from strawberry.types import Info

from api.gql.context import AppContext, app_context
from api.gql.ids import global_id, parse_global_id
from api.gql.pagination import Connection, connection, page_args
from authz.errors import BadRequest
from catalog import effective
from catalog.models import HandlingKind, MatterType, ServiceObject
from catalog.schema import (
    BundleType,
    EffectiveCatalogConnection,
    EffectiveMatterType,
    MaterialType,
    _bundles,
    request_version,
)
from network.models import Site, SiteLevel, SiteStatus
from network.schema import LocationInput
from tenants import counters
from tenants.models import TenantStatus

EARTH_RADIUS_M = 6371008.8


def distance_meters(lat1: float, lng1: float, lat2: float, lng2: float) -> int:
    """Great-circle distance (haversine), in whole metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return round(2 * EARTH_RADIUS_M * math.asin(math.sqrt(a)))


async def public_tenant(ctx: AppContext, code: str) -> uuid.UUID:
    """The county with this code, for anonymous reads; unknown or suspended: NOT_FOUND.

    Its counters (the catalog version) come with it and stay in the request's context.
    """
    found = await counters.read_county_by_code(ctx.db, (code or "").strip())
    if found is None or found[1].status is not TenantStatus.ACTIVE:
        raise BadRequest(f"没有代码为 {code} 的县", "NOT_FOUND")
    tenant_id, state = found
    ctx.counters[tenant_id] = state.counters
    return tenant_id


def _site_arg(value: str | None) -> uuid.UUID | None:
    parsed = parse_global_id(value) if value else None
    if parsed is None or parsed[0] != "Site":
        return None
    return parsed[1]


@strawberry.type(name="PublicSite", description="可办理的服务场所(公开信息)")
class PublicSiteType:
    id: strawberry.ID = strawberry.field(description="场所 ID(与 Site 相同)")
    name: str
    official_name: str
    level: SiteLevel
    address: str | None
    opening_hours: str | None
    lat: float | None
    lng: float | None
    distance_meters: int | None = strawberry.field(description="与 near 的直线距离(米)")


@strawberry.type(name="PublicMatter", description="一个场所的办事指南(最新发布版本)")
class PublicMatterType:
    code: str
    name: str
    type: MatterType
    basis: str
    department_name: str
    service_object: ServiceObject
    handling_kind: HandlingKind
    legal_limit_days: int
    promised_limit_days: int
    fee_yuan: str | None
    fee_basis: str | None
    conditions: str
    process: list[str]
    materials: list[MaterialType]
    online: bool
    accepted_here: bool
    processed_here: bool
    acceptance_place: str | None
    processing_place: str | None
    note: str | None
    release: int | None

    @classmethod
    def from_entry(cls, e: dict[str, Any], release: int | None) -> PublicMatterType:
        return cls(
            code=e["code"],
            name=e["name"],
            type=e["type"],
            basis=e["basis"],
            department_name=e["departmentName"],
            service_object=e["serviceObject"],
            handling_kind=e["handlingKind"],
            legal_limit_days=e["legalLimitDays"],
            promised_limit_days=e["promisedLimitDays"],
            fee_yuan=e["feeYuan"],
            fee_basis=e["feeBasis"],
            conditions=e["conditions"],
            process=e["process"],
            materials=[MaterialType.from_plain(m) for m in e["materials"]],
            online=e["online"],
            accepted_here=e["acceptedHere"],
            processed_here=e["processedHere"],
            acceptance_place=e["acceptancePlace"],
            processing_place=e["processingPlace"],
            note=e["note"],
            release=release,
        )


def _chains(sites: list[Any]) -> dict[uuid.UUID, list[tuple[str, str]]]:
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


@strawberry.type
class PublicQuery:
    @strawberry.field(description="公开:附近可办理某事项的场所,由近及远(只看最新发布版本;无需登录)")
    async def public_sites(
        self,
        info: Info,
        tenant: str,
        near: LocationInput | None = None,
        matter_code: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[PublicSiteType]:
        ctx = app_context(info)
        page = page_args(first, after, ctx.settings.page_cap)
        tenant_id = await public_tenant(ctx, tenant)
        async with ctx.db.session(tenant_id) as session:
            sites = (
                await session.execute(
                    select(
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
                )
            ).all()
            data = None
            if matter_code:
                version = await request_version(ctx, session, tenant_id)
                data = await effective.release_data(session, tenant_id, version.release)
        candidates = [s for s in sites if s.status is SiteStatus.OPEN]
        if data is not None:
            matter = data.by_code.get(matter_code)  # type: ignore[arg-type]
            if matter is None:
                candidates = []
            else:
                view = SimpleNamespace(
                    matters=[matter],
                    overrides_by_site=data.overrides_by_site,
                    delegations_by_site=data.delegations_by_site,
                    entry_pool=data.entry_pool,
                )
                chains = _chains(list(sites))
                candidates = [
                    s
                    for s in candidates
                    if (entry := effective.fold(view, chains[s.id]))  # type: ignore[arg-type]
                    and entry[0]["acceptedHere"]
                ]
        ranked = []
        for s in candidates:
            distance = None
            if near is not None and s.lat is not None and s.lng is not None:
                distance = distance_meters(near.lat, near.lng, s.lat, s.lng)
            ranked.append((distance is None, distance or 0, s.division_code, s.name, s))
        ranked.sort(key=lambda r: r[:4])
        window = ranked[page.offset : page.offset + page.limit]
        return connection(
            window,
            len(ranked),
            page,
            lambda r: PublicSiteType(
                id=strawberry.ID(global_id("Site", r[4].id)),
                name=r[4].name,
                official_name=r[4].official_name,
                level=r[4].level,
                address=r[4].address,
                opening_hours=r[4].opening_hours,
                lat=r[4].lat,
                lng=r[4].lng,
                distance_meters=None if r[0] else r[1],
            ),
        )

    @strawberry.field(description="公开:某场所某事项的办事指南(最新发布版本;无需登录)")
    async def public_matter(
        self, info: Info, tenant: str, site_id: strawberry.ID, code: str
    ) -> PublicMatterType | None:
        ctx = app_context(info)
        tenant_id = await public_tenant(ctx, tenant)
        site = _site_arg(site_id)
        if site is None:
            raise BadRequest("参数 siteId 不是有效的 Site ID", "INVALID_ID")
        async with ctx.db.session(tenant_id) as session:
            version = await request_version(ctx, session, tenant_id)
            try:
                folded = await effective.effective_catalog(
                    session, tenant_id, site, version=version
                )
            except effective.SiteNotFound:
                return None
        entry = folded.by_code.get(code)
        return PublicMatterType.from_entry(entry, folded.release) if entry else None

    @strawberry.field(
        description="公开:某场所的事项目录,可按中文、全拼或拼音首字母检索(最新发布版本)"
    )
    async def public_catalog(
        self,
        info: Info,
        tenant: str,
        site_id: strawberry.ID,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> EffectiveCatalogConnection:
        ctx = app_context(info)
        page = page_args(first, after, ctx.settings.page_cap)
        tenant_id = await public_tenant(ctx, tenant)
        site = _site_arg(site_id)
        if site is None:
            raise BadRequest("参数 siteId 不是有效的 Site ID", "INVALID_ID")
        async with ctx.db.session(tenant_id) as session:
            version = await request_version(ctx, session, tenant_id)
            try:
                folded = await effective.effective_catalog(
                    session, tenant_id, site, version=version
                )
            except effective.SiteNotFound:
                raise BadRequest("场所不存在", "NOT_FOUND") from None
        items = folded.search(search)
        conn = connection(
            items[page.offset : page.offset + page.limit],
            len(items),
            page,
            EffectiveMatterType.from_entry,
        )
        return EffectiveCatalogConnection(
            total_count=conn.total_count,
            release=folded.release,
            preview=False,
            edges=conn.edges,
            page_info=conn.page_info,
        )

    @strawberry.field(description="公开:一件事的合并办事指南(最新发布版本)")
    async def public_bundle(
        self, info: Info, tenant: str, code: str, site_id: strawberry.ID | None = None
    ) -> BundleType | None:
        ctx = app_context(info)
        tenant_id = await public_tenant(ctx, tenant)
        if site_id is not None and _site_arg(site_id) is None:
            raise BadRequest("参数 siteId 不是有效的 Site ID", "INVALID_ID")
        found = await _bundles(ctx, tenant_id, site_id, False, code)
        return found[0] if found else None

    @strawberry.field(description="公开:本县全部一件事(最新发布版本)")
    async def public_bundles(
        self, info: Info, tenant: str, site_id: strawberry.ID | None = None
    ) -> list[BundleType]:
        ctx = app_context(info)
        tenant_id = await public_tenant(ctx, tenant)
        if site_id is not None and _site_arg(site_id) is None:
            raise BadRequest("参数 siteId 不是有效的 Site ID", "INVALID_ID")
        return await _bundles(ctx, tenant_id, site_id, False, None)
