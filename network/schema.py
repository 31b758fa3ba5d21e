"""GraphQL types and resolvers of the site network; they only translate to ``network.service``."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from sqlalchemy import select
from strawberry import relay
from strawberry.types import Info

from api.gql.context import AppContext, app_context
from api.gql.errors import UserErrorType, mutate
from api.gql.ids import input_id, query_id
from api.gql.inputs import given
from api.gql.nodes import register_node
from api.gql.pagination import Connection, connection, page_args
from network import service, tree
from network.models import Site, SiteLevel, SiteStatus, StandardClass

SiteLevelEnum = strawberry.enum(SiteLevel, name="SiteLevel", description="场所层级 (1+7+N)")
StandardClassEnum = strawberry.enum(
    StandardClass, name="StandardClass", description="基础型 / 标准型 / 标杆型"
)
SiteStatusEnum = strawberry.enum(SiteStatus, name="SiteStatus")


@strawberry.type
class Location:
    lat: float
    lng: float


@strawberry.input
class LocationInput:
    lat: float
    lng: float

    def to_domain(self) -> service.Location:
        return service.Location(lat=self.lat, lng=self.lng)


@strawberry.type(name="Site", description="一个服务场所:县中心、分中心、镇(街道)中心或村(社区)站")
class SiteType(relay.Node):
    id: relay.NodeID[str]
    name: str
    official_name: str = strawberry.field(description="规范名称")
    level: SiteLevel
    division_code: str
    address: str | None
    location: Location | None
    standard_class: StandardClass
    opening_hours: str | None
    managing_department: str | None = strawberry.field(description="分中心的业务主管部门")
    status: SiteStatus
    closed_at: datetime | None
    parent_id: strawberry.Private[uuid.UUID | None]
    site_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, site: Site) -> SiteType:
        return cls(
            id=str(site.id),
            site_id=site.id,
            name=site.name,
            official_name=site.official_name,
            level=site.level,
            division_code=site.division_code,
            address=site.address,
            location=Location(lat=site.lat, lng=site.lng)
            if site.lat is not None and site.lng is not None
            else None,
            standard_class=site.standard_class,
            opening_hours=site.opening_hours,
            managing_department=site.managing_department,
            status=site.status,
            closed_at=site.closed_at,
            parent_id=site.parent_id,
        )

    @strawberry.field
    async def parent(self, info: Info) -> SiteType | None:
        return await site_of(info, self.parent_id)

    @strawberry.field(description="从县中心到上级,不含本场所")
    async def ancestors(self, info: Info) -> list[SiteType]:
        ctx = app_context(info)
        async with ctx.read() as session:
            rows = await tree.ancestors(session, self.site_id)
        return [SiteType.from_row(r) for r in rows]

    @strawberry.field
    async def child_count(self, info: Info) -> int:
        return await child_count_loader(app_context(info)).load(self.site_id)

    @strawberry.field
    async def children(
        self,
        info: Info,
        level: SiteLevel | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[SiteType]:
        return await _sites(app_context(info), self.site_id, level, first, after)


async def _load_sites(ctx: AppContext, ids: list[uuid.UUID]) -> list[SiteType | None]:
    async with ctx.read() as session:
        rows = (await session.execute(select(Site).where(Site.id.in_(ids)))).scalars().all()
    by_id = {r.id: SiteType.from_row(r) for r in rows}
    return [by_id.get(i) for i in ids]


async def _load_child_counts(ctx: AppContext, ids: list[uuid.UUID]) -> list[int]:
    async with ctx.read() as session:
        counts = await service.child_counts(session, ids)
    return [counts[i] for i in ids]


def site_loader(ctx: AppContext):
    return ctx.loader("site", _load_sites)


async def site_of(info: Info, site_id: uuid.UUID | None) -> SiteType | None:
    """The site a field's foreign key names (batched for the request); None for no key."""
    if site_id is None:
        return None
    return await site_loader(app_context(info)).load(site_id)


def child_count_loader(ctx: AppContext):
    return ctx.loader("site.child_count", _load_child_counts)


async def _site_node(ctx: AppContext, site_id: uuid.UUID) -> SiteType | None:
    ctx.tenant_id()
    return await site_loader(ctx).load(site_id)


register_node("Site", _site_node)


async def _sites(
    ctx: AppContext,
    parent_id: uuid.UUID | None,
    level: SiteLevel | None,
    first: int | None,
    after: str | None,
) -> Connection[SiteType]:
    ctx.tenant_id()
    page = page_args(first, after, ctx.settings.page_cap)
    async with ctx.read() as session:
        rows, total = await service.list_sites(
            session, parent_id=parent_id, level=level, offset=page.offset, limit=page.limit
        )
    return connection(rows, total, page, SiteType.from_row)


@strawberry.type
class NetworkQuery:
    @strawberry.field(
        description="parentId 的下级场所;不给 parentId 时为调用者可见的全部场所。level 可筛选。"
    )
    async def sites(
        self,
        info: Info,
        parent_id: strawberry.ID | None = None,
        level: SiteLevel | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[SiteType]:
        parent = query_id(parent_id, "Site", "parentId") if parent_id is not None else None
        return await _sites(app_context(info), parent, level, first, after)

    @strawberry.field(description="本县的县政务服务中心(场所树的根)")
    async def county_center(self, info: Info) -> SiteType | None:
        ctx = app_context(info)
        ctx.tenant_id()
        async with ctx.read() as session:
            root = await tree.county_center(session)
        return SiteType.from_row(root) if root else None


@strawberry.input
class CreateSiteInput:
    parent_id: strawberry.ID
    level: SiteLevel
    name: str
    division_code: str | None = strawberry.field(
        default=None, description="镇 9 位、村 12 位;分中心沿用本县 6 位代码"
    )
    address: str | None = None
    location: LocationInput | None = None
    standard_class: StandardClass | None = None
    opening_hours: str | None = None
    managing_department: str | None = None


@strawberry.input
class UpdateSiteInput:
    id: strawberry.ID
    name: str | None = strawberry.UNSET
    address: str | None = strawberry.UNSET
    location: LocationInput | None = strawberry.UNSET
    standard_class: StandardClass | None = strawberry.UNSET
    opening_hours: str | None = strawberry.UNSET
    managing_department: str | None = strawberry.UNSET


@strawberry.input
class CloseSiteInput:
    id: strawberry.ID
    reason: str | None = None


@strawberry.type
class SitePayload:
    site: SiteType | None
    user_errors: list[UserErrorType]


@strawberry.type
class NetworkMutation:
    @strawberry.mutation(description="新建分中心、镇(街道)中心或村(社区)站")
    async def create_site(self, info: Info, input: CreateSiteInput) -> SitePayload:
        async def change(session, actor):
            data = service.NewSite(
                parent_id=input_id(input.parent_id, "Site", "parentId"),
                level=input.level,
                name=input.name,
                division_code=input.division_code,
                address=input.address,
                location=input.location.to_domain() if input.location else None,
                standard_class=input.standard_class,
                opening_hours=input.opening_hours,
                managing_department=input.managing_department,
            )
            return SiteType.from_row(await service.create_site(session, actor, data))

        site, errors = await mutate(info, change)
        return SitePayload(site=site, user_errors=errors)

    @strawberry.mutation
    async def update_site(self, info: Info, input: UpdateSiteInput) -> SitePayload:
        async def change(session, actor):
            location = given(input.location)
            if isinstance(location, LocationInput):
                location = location.to_domain()
            site = await service.update_site(
                session,
                actor,
                input_id(input.id, "Site", "id"),
                name=None if input.name is strawberry.UNSET else input.name,
                address=given(input.address),
                location=location,
                standard_class=input.standard_class or None,
                opening_hours=given(input.opening_hours),
                managing_department=given(input.managing_department),
            )
            return SiteType.from_row(site)

        site, errors = await mutate(info, change)
        return SitePayload(site=site, user_errors=errors)

    @strawberry.mutation(description="撤销场所(不删除,历史保留)")
    async def close_site(self, info: Info, input: CloseSiteInput) -> SitePayload:
        async def change(session, actor):
            site_id = input_id(input.id, "Site", "id")
            return SiteType.from_row(
                await service.close_site(session, actor, site_id, input.reason)
            )

        site, errors = await mutate(info, change)
        return SitePayload(site=site, user_errors=errors)
