"""Anonymous queries for the mobile app (办事指南): published data only, no login.

The county comes from the ``tenant`` argument (its 6-digit code); everything is then read in a
session bound to that county alone (ORM filter and PostgreSQL RLS), and only from the latest
release: pending or approved drafts never leak (``catalog.public``).
"""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.ids import global_id, query_id
from api.gql.pagination import Connection, connection, page_args
from catalog import bundles, public
from catalog.schema.enums import HandlingKind, MatterType, ServiceObject
from catalog.schema.reads import check_public_catalog, known_version, public_tenant, read_catalog
from catalog.schema.types import (
    BundleType,
    EffectiveCatalogConnection,
    MaterialType,
    entry_fields,
)
from network.models import SiteLevel
from network.schema import LocationInput


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

    @classmethod
    def from_nearby(cls, found: public.NearbySite) -> PublicSiteType:
        s = found.site
        return cls(
            id=strawberry.ID(global_id("Site", s.id)),
            name=s.name,
            official_name=s.official_name,
            level=s.level,
            address=s.address,
            opening_hours=s.opening_hours,
            lat=s.lat,
            lng=s.lng,
            distance_meters=found.distance_meters,
        )


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
    def from_guide(cls, found: tuple[dict[str, Any], int | None] | None) -> PublicMatterType | None:
        """``catalog.public.matter_guide``'s answer: the entry and its release, or None."""
        if found is None:
            return None
        entry, release = found
        return cls(**entry_fields(entry), release=release)


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
        async with ctx.read(tenant_id) as session:
            found = await public.sites_near(
                session,
                tenant_id,
                near=near.to_domain() if near else None,
                matter_code=matter_code,
                version=known_version(ctx, tenant_id),
            )
        window = found[page.offset : page.offset + page.limit]
        return connection(window, len(found), page, PublicSiteType.from_nearby)

    @strawberry.field(description="公开:某场所某事项的办事指南(最新发布版本;无需登录)")
    async def public_matter(
        self, info: Info, tenant: str, site_id: strawberry.ID, code: str
    ) -> PublicMatterType | None:
        ctx = app_context(info)
        tenant_id = await public_tenant(ctx, tenant)
        site = query_id(site_id, "Site", "siteId")
        async with ctx.read(tenant_id) as session:
            found = await public.matter_guide(
                session, tenant_id, site, code, version=known_version(ctx, tenant_id)
            )
        return PublicMatterType.from_guide(found)

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
        request = await check_public_catalog(ctx, tenant, site_id, search, first, after)
        folded = await read_catalog(ctx, request)
        return EffectiveCatalogConnection.of(folded, folded.search(request.search), request.page)

    @strawberry.field(description="公开:一件事的合并办事指南(最新发布版本)")
    async def public_bundle(
        self, info: Info, tenant: str, code: str, site_id: strawberry.ID | None = None
    ) -> BundleType | None:
        found = await _public_bundles(info, tenant, site_id, code)
        return found[0] if found else None

    @strawberry.field(description="公开:本县全部一件事(最新发布版本)")
    async def public_bundles(
        self, info: Info, tenant: str, site_id: strawberry.ID | None = None
    ) -> list[BundleType]:
        return await _public_bundles(info, tenant, site_id, None)


async def _public_bundles(
    info: Info, tenant: str, site_id: str | None, code: str | None
) -> list[BundleType]:
    ctx = app_context(info)
    tenant_id = await public_tenant(ctx, tenant)
    site = query_id(site_id, "Site", "siteId") if site_id is not None else None
    async with ctx.read(tenant_id) as session:
        found = await bundles.bundle_views(
            session,
            ctx.actor,
            tenant_id,
            site,
            preview=False,
            version=known_version(ctx, tenant_id),
            code=code,
        )
    return BundleType.from_views(found)
