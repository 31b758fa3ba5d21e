"""GraphQL types and resolvers of the site network; they only translate to ``network.service``."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

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
from api.gql.time import aware
from network import service, site_updates, standards, tree
from network import zones as zones_rule
from network.models import Site, SiteLevel, SiteStatus, StandardClass, ZoneKind

SiteLevelEnum = strawberry.enum(SiteLevel, name="SiteLevel", description="场所层级 (1+7+N)")
StandardClassEnum = strawberry.enum(
    StandardClass, name="StandardClass", description="基础型 / 标准型 / 标杆型"
)
SiteStatusEnum = strawberry.enum(SiteStatus, name="SiteStatus")
ZoneKindEnum = strawberry.enum(
    ZoneKind,
    name="ZoneKind",
    description="功能分区:咨询引导、窗口服务、自助服务、政务公开、休息等候",
)


@strawberry.type(name="SiteZone", description="场所的一个功能分区")
class SiteZoneType:
    kind: ZoneKind
    label: str = strawberry.field(description="中文名称")
    merged_with: ZoneKind | None = strawberry.field(description="与之合并设置的功能分区")
    note: str | None

    @classmethod
    def from_plain(cls, zone: dict) -> SiteZoneType:
        kind = ZoneKind(zone["kind"])
        merged = zone.get("mergedWith")
        return cls(
            kind=kind,
            label=zones_rule.LABEL[kind],
            merged_with=ZoneKind(merged) if merged else None,
            note=zone.get("note"),
        )


@strawberry.input(description="一个功能分区;小型场所可与另一分区合并设置")
class SiteZoneInput:
    kind: ZoneKind
    merged_with: ZoneKind | None = None
    note: str | None = None

    def to_domain(self) -> zones_rule.Zone:
        return zones_rule.Zone(kind=self.kind, merged_with=self.merged_with, note=self.note)


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
    zones: list[SiteZoneType] = strawberry.field(description="功能分区")
    missing_zones: list[ZoneKind] = strawberry.field(description="尚未设置的功能分区")
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
            closed_at=aware(site.closed_at),
            zones=[SiteZoneType.from_plain(z) for z in site.zones or []],
            missing_zones=zones_rule.missing(site.zones),
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
        status: SiteStatus | None = None,
        standard_class: StandardClass | None = None,
    ) -> Connection[SiteType]:
        return await _sites(
            app_context(info), self.site_id, level, first, after, status, standard_class
        )


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
    status: SiteStatus | None = None,
    standard_class: StandardClass | None = None,
    staffed: bool | None = None,
) -> Connection[SiteType]:
    ctx.tenant_id()
    page = page_args(first, after, ctx.settings.page_cap)
    async with ctx.read() as session:
        rows, total = await service.list_sites(
            session,
            parent_id=parent_id,
            level=level,
            offset=page.offset,
            limit=page.limit,
            status=status,
            standard_class=standard_class,
            staffed=staffed,
        )
    return connection(rows, total, page, SiteType.from_row)


@strawberry.type(
    name="SiteStandardReport",
    description="镇(街道)便民服务中心的建设类型:标准型(含标杆型)与标杆型占比对照本县目标",
)
class SiteStandardReportType:
    township_count: int = strawberry.field(description="开放的镇(街道)便民服务中心数")
    basic_count: int
    standard_count: int = strawberry.field(description="标准型(不含标杆型)")
    benchmark_count: int
    standard_share: float = strawberry.field(description="达到标准型(含标杆型)的占比")
    benchmark_share: float
    standard_target: float = strawberry.field(description="本县目标(政策参数,默认 1.00)")
    benchmark_target: float = strawberry.field(description="本县目标(政策参数,默认 0.30)")
    meets_standard_target: bool
    meets_benchmark_target: bool
    below_standard: list[SiteType] = strawberry.field(description="仍为基础型的中心")

    @classmethod
    def of(cls, r: standards.StandardReport) -> SiteStandardReportType:
        return cls(
            township_count=r.total,
            basic_count=len(r.basic),
            standard_count=len(r.standard),
            benchmark_count=len(r.benchmark),
            standard_share=round(r.standard_share, 4),
            benchmark_share=round(r.benchmark_share, 4),
            standard_target=r.standard_target,
            benchmark_target=r.benchmark_target,
            meets_standard_target=r.standard_share >= r.standard_target,
            meets_benchmark_target=r.benchmark_share >= r.benchmark_target,
            below_standard=[SiteType.from_row(s) for s in r.basic],
        )


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
        status: SiteStatus | None = None,
        standard_class: StandardClass | None = None,
        staffed: Annotated[
            bool | None, strawberry.argument(description="今日有人在岗(false:无人在岗;停职不计)")
        ] = None,
    ) -> Connection[SiteType]:
        parent = query_id(parent_id, "Site", "parentId") if parent_id is not None else None
        return await _sites(
            app_context(info), parent, level, first, after, status, standard_class, staffed
        )

    @strawberry.field(
        description="建设类型报表:镇(街道)中心达到标准型、标杆型的占比与本县目标(县级、监督人员)"
    )
    async def site_standard_report(self, info: Info) -> SiteStandardReportType:
        ctx = app_context(info)
        ctx.tenant_id()
        async with ctx.read() as session:
            report = await standards.standard_report(session, ctx.actor)
        return SiteStandardReportType.of(report)

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
    standard_class: StandardClass | None = strawberry.field(
        default=strawberry.UNSET, description="建设类型:仅县政务服务管理办公室可设定"
    )
    opening_hours: str | None = strawberry.UNSET
    managing_department: str | None = strawberry.UNSET
    zones: list[SiteZoneInput] | None = strawberry.field(
        default=strawberry.UNSET, description="功能分区(整体替换;空列表为清空)"
    )


@strawberry.input
class CloseSiteInput:
    id: strawberry.ID
    reason: str | None = None


@strawberry.type
class SitePayload:
    site: SiteType | None
    user_errors: list[UserErrorType]


def _zones(value):
    """An input's zones for the service: UNSET stays UNSET, null is no zones."""
    if isinstance(value, list):
        return [z.to_domain() for z in value]
    return value if value is not None else []


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
            changed = await site_updates.update_site(
                session,
                actor,
                input_id(input.id, "Site", "id"),
                name=None if input.name is strawberry.UNSET else input.name,
                address=given(input.address),
                location=location,
                standard_class=input.standard_class or None,
                opening_hours=given(input.opening_hours),
                managing_department=given(input.managing_department),
                zones=_zones(given(input.zones)),
            )
            return SiteType.from_row(Site(**changed))

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
