"""GraphQL of the matter catalog (事项目录); resolvers only translate to the catalog services."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from api.gql.context import AppContext, app_context
from api.gql.errors import UserErrorType, mutate, run_change, to_user_errors
from api.gql.ids import global_id, input_id, query_id
from api.gql.nodes import register_node
from api.gql.pagination import Connection, Edge, Page, PageInfo, connection, page_args
from api.storage import storage_for
from authz.errors import BadRequest, Forbidden
from authz.guard import Actor, require_somewhere
from catalog import changes, definitions, effective, importer, releases
from catalog.bundles import bundle_view
from catalog.data import fee_text
from catalog.models import (
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Department,
    HandlingKind,
    MaterialForm,
    MaterialKind,
    Matter,
    MatterStatus,
    MatterType,
    Release,
    ServiceObject,
)
from catalog.search import normalise, rank
from network.models import SiteLevel
from network.schema import SiteType, site_loader
from tenants.errors import UserErrors
from tenants.models import Tenant

MatterTypeEnum = strawberry.enum(MatterType, name="MatterType", description="事项类型")
HandlingKindEnum = strawberry.enum(
    HandlingKind, name="HandlingKind", description="办件类型:即办件 / 承诺件"
)
ServiceObjectEnum = strawberry.enum(ServiceObject, name="ServiceObject", description="服务对象")
MaterialFormEnum = strawberry.enum(MaterialForm, name="MaterialForm", description="材料形式")
MaterialKindEnum = strawberry.enum(MaterialKind, name="MaterialKind", description="材料类型")
MatterStatusEnum = strawberry.enum(MatterStatus, name="MatterStatus")
ChangeKindEnum = strawberry.enum(ChangeKind, name="ChangeKind", description="变更种类")
ChangeStatusEnum = strawberry.enum(ChangeStatus, name="ChangeStatus", description="审核状态")


def _not_found(message: str) -> BadRequest:
    return BadRequest(message, "NOT_FOUND")


async def _download_url(info: Info, key: str | None) -> str | None:
    if not key:
        return None
    return await storage_for(app_context(info).settings).download_url(key)


# --------------------------------------------------------------------------- output types


@strawberry.type(name="Material", description="申请材料")
class MaterialType:
    name: str
    kind: MaterialKind
    form: MaterialForm
    copies: int
    required: bool
    source: str | None = strawberry.field(description="来源渠道")
    note: str | None = strawberry.field(description="本级说明(实施清单的加注)")
    blank_form: str | None = strawberry.field(description="空白表格(存储文件键)")
    sample: str | None = strawberry.field(description="示例样表(存储文件键)")

    @strawberry.field(description="空白表格的下载地址(限时)")
    async def blank_form_url(self, info: Info) -> str | None:
        return await _download_url(info, self.blank_form)

    @strawberry.field(description="示例样表的下载地址(限时)")
    async def sample_url(self, info: Info) -> str | None:
        return await _download_url(info, self.sample)

    @classmethod
    def from_plain(cls, m: dict[str, Any]) -> MaterialType:
        return cls(
            name=m["name"],
            kind=m.get("kind") or "ORIGINAL",
            form=m.get("form") or "PAPER",
            copies=m.get("copies") or 1,
            required=bool(m.get("required", True)),
            source=m.get("source"),
            note=m.get("note"),
            blank_form=m.get("blankForm"),
            sample=m.get("sample"),
        )


@strawberry.type(name="EffectiveMatter", description="一个场所实施清单中的事项(已叠加各级调整)")
class EffectiveMatterType:
    code: str = strawberry.field(description="事项编码(四级统一)")
    name: str = strawberry.field(description="事项名称(四级统一)")
    type: MatterType
    basis: str = strawberry.field(description="设定依据(四级统一)")
    department_name: str = strawberry.field(description="实施部门")
    service_object: ServiceObject
    conditions: str = strawberry.field(description="受理条件")
    process: list[str] = strawberry.field(description="办理流程")
    handling_kind: HandlingKind
    legal_limit_days: int = strawberry.field(description="法定办结时限(工作日)")
    promised_limit_days: int = strawberry.field(description="承诺办结时限(工作日)")
    fee_yuan: str | None = strawberry.field(description="收费金额(元);不收费为 null")
    fee_basis: str | None
    online: bool = strawberry.field(description="可网上办理")
    keywords: list[str]
    accepted_here: bool = strawberry.field(description="本场所可受理")
    processed_here: bool = strawberry.field(description="本场所可办理")
    comprehensive_window: bool = strawberry.field(description="由综合窗口受理(一窗通办)")
    materials: list[MaterialType]
    note: str | None = strawberry.field(description="本级说明")
    acceptance_place: str | None = strawberry.field(description="受理地点")
    processing_place: str | None = strawberry.field(description="办理地点")
    overridden_site_id: strawberry.Private[str | None]

    @classmethod
    def from_entry(cls, e: dict[str, Any]) -> EffectiveMatterType:
        shaped = e["overriddenAt"]
        return cls(
            code=e["code"],
            name=e["name"],
            type=e["type"],
            basis=e["basis"],
            department_name=e["departmentName"],
            service_object=e["serviceObject"],
            conditions=e["conditions"],
            process=e["process"],
            handling_kind=e["handlingKind"],
            legal_limit_days=e["legalLimitDays"],
            promised_limit_days=e["promisedLimitDays"],
            fee_yuan=e["feeYuan"],
            fee_basis=e["feeBasis"],
            online=e["online"],
            keywords=e["keywords"],
            accepted_here=e["acceptedHere"],
            processed_here=e["processedHere"],
            comprehensive_window=e["comprehensiveWindow"],
            materials=[MaterialType.from_plain(m) for m in e["materials"]],
            note=e["note"],
            acceptance_place=e["acceptancePlace"],
            processing_place=e["processingPlace"],
            overridden_site_id=shaped["id"] if shaped else None,
        )

    @strawberry.field(description="塑造本条目的最近一级调整所在场所;未经调整为 null")
    async def overridden_at(self, info: Info) -> SiteType | None:
        if self.overridden_site_id is None:
            return None
        site_id = query_id(self.overridden_site_id, "Site", "overriddenAt")
        return await site_loader(app_context(info)).load(site_id)


@strawberry.type(name="EffectiveCatalogConnection", description="一个场所的实施清单")
class EffectiveCatalogConnection:
    total_count: int
    release: int | None = strawberry.field(description="所示的发布版本号;尚未发布为 null")
    preview: bool = strawberry.field(description="含已审核通过、尚未发布的变更")
    edges: list[Edge[EffectiveMatterType]]
    page_info: PageInfo


@strawberry.type(name="Department", description="实施部门 / 业务主管部门")
class DepartmentType(relay.Node):
    id: relay.NodeID[str]
    name: str
    site_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, row: Department) -> DepartmentType:
        return cls(id=str(row.id), name=row.name, site_id=row.site_id)

    @strawberry.field(description="部门所在场所(分中心或县中心)")
    async def site(self, info: Info) -> SiteType | None:
        return await site_loader(app_context(info)).load(self.site_id)


@strawberry.type(name="Matter", description="县级事项定义(已审核的工作版本,可能尚未发布)")
class MatterDefinitionType(relay.Node):
    id: relay.NodeID[str]
    code: str
    name: str
    type: MatterType
    basis: str
    service_object: ServiceObject
    conditions: str
    process: list[str]
    materials: list[MaterialType]
    legal_limit_days: int
    promised_limit_days: int
    handling_kind: HandlingKind
    fee_yuan: str | None
    fee_basis: str | None
    levels: list[SiteLevel] = strawberry.field(description="行使层级")
    online: bool
    comprehensive_window: bool
    keywords: list[str]
    status: MatterStatus
    department_id: strawberry.Private[uuid.UUID]

    @classmethod
    def from_row(cls, m: Matter) -> MatterDefinitionType:
        return cls(
            id=str(m.id),
            code=m.code,
            name=m.name,
            type=m.type,
            basis=m.basis,
            service_object=m.service_object,
            conditions=m.conditions or "",
            process=list(m.process or []),
            materials=[MaterialType.from_plain(x) for x in m.materials or []],
            legal_limit_days=m.legal_limit_days,
            promised_limit_days=m.promised_limit_days,
            handling_kind=m.handling_kind,
            fee_yuan=fee_text(m.fee_yuan),
            fee_basis=m.fee_basis,
            levels=[SiteLevel(x) for x in m.levels or []],
            online=m.online,
            comprehensive_window=m.comprehensive_window,
            keywords=list(m.keywords or []),
            status=m.status,
            department_id=m.department_id,
        )

    @strawberry.field
    async def department(self, info: Info) -> DepartmentType | None:
        return await _department_loader(app_context(info)).load(self.department_id)


@strawberry.type(name="CatalogChange", description="目录变更申请")
class CatalogChangeType(relay.Node):
    id: relay.NodeID[str]
    kind: ChangeKind
    status: ChangeStatus
    matter_code: str | None
    summary: str
    payload: JSON = strawberry.field(description="申请的内容")
    proposed_by: str
    proposed_at: datetime
    reviewed_by: str | None
    reviewed_at: datetime | None
    comment: str | None = strawberry.field(description="审核意见")
    released_in: int | None = strawberry.field(description="发布该变更的版本号")
    site_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, c: ChangeRequest) -> CatalogChangeType:
        return cls(
            id=str(c.id),
            kind=c.kind,
            status=c.status,
            matter_code=c.matter_code,
            summary=c.summary,
            payload=c.payload,
            proposed_by=c.proposed_by_label,
            proposed_at=c.proposed_at,
            reviewed_by=c.reviewed_by_label,
            reviewed_at=c.reviewed_at,
            comment=c.comment,
            released_in=c.released_in,
            site_id=c.site_id,
        )

    @strawberry.field(description="变更涉及的场所")
    async def site(self, info: Info) -> SiteType | None:
        if self.site_id is None:
            return None
        return await site_loader(app_context(info)).load(self.site_id)


@strawberry.type(name="CatalogRelease", description="目录发布版本(不可更改)")
class CatalogReleaseType(relay.Node):
    id: relay.NodeID[str]
    number: int
    published_at: datetime
    published_by: str
    note: str
    matter_count: int
    change_count: int

    @classmethod
    def from_row(cls, r: Release) -> CatalogReleaseType:
        return cls(
            id=str(r.id),
            number=r.number,
            published_at=r.published_at,
            published_by=r.published_by_label,
            note=r.note,
            matter_count=r.matter_count,
            change_count=r.change_count,
        )


@strawberry.type(name="CatalogDiffEntry", description="两个版本之间的一处差异")
class CatalogDiffEntryType:
    kind: str = strawberry.field(description="MATTER / OVERRIDE / DELEGATION / BUNDLE")
    change: str = strawberry.field(description="ADDED / REMOVED / CHANGED")
    code: str
    name: str | None
    site_id: strawberry.ID | None
    fields: list[str]


@strawberry.type(name="CatalogDiff")
class CatalogDiffType:
    from_release: int
    to_release: int
    entries: list[CatalogDiffEntryType]


@strawberry.type(name="BundleMaterial", description="一件事合并后的材料(同一材料只列一次)")
class BundleMaterialType:
    name: str
    kind: MaterialKind
    form: MaterialForm
    copies: int
    required: bool
    note: str | None
    for_matters: list[str] = strawberry.field(description="需要该材料的事项")


@strawberry.type(name="BundleMatter")
class BundleMatterType:
    code: str
    name: str
    promised_limit_days: int
    accepted_here: bool | None


@strawberry.type(name="Bundle", description="一件事:一表申请、一套材料、一窗受理、一次办结")
class BundleType:
    code: str
    name: str
    description: str
    form_name: str = strawberry.field(description="一张申请表")
    matters: list[BundleMatterType]
    materials: list[BundleMaterialType]
    legal_limit_days: int = strawberry.field(description="合计法定时限(工作日)")
    promised_limit_days: int = strawberry.field(description="合计承诺时限(工作日)")
    release: int | None

    @classmethod
    def from_view(cls, view: dict[str, Any], release: int | None) -> BundleType:
        return cls(
            code=view["code"],
            name=view["name"],
            description=view["description"],
            form_name=view["formName"],
            matters=[
                BundleMatterType(
                    code=m["code"],
                    name=m["name"],
                    promised_limit_days=m["promisedLimitDays"],
                    accepted_here=m.get("acceptedHere"),
                )
                for m in view["matters"]
            ],
            materials=[
                BundleMaterialType(
                    name=m["name"],
                    kind=m.get("kind") or "ORIGINAL",
                    form=m.get("form") or "PAPER",
                    copies=m["copies"],
                    required=m["required"],
                    note=m.get("note"),
                    for_matters=m["forMatters"],
                )
                for m in view["materials"]
            ],
            legal_limit_days=view["legalLimitDays"],
            promised_limit_days=view["promisedLimitDays"],
            release=release,
        )


@strawberry.type(name="MatterRef")
class MatterRefType:
    code: str
    name: str


@strawberry.type(name="OneWindowRatio", description="一窗通办比例")
class OneWindowRatioType:
    site: SiteType | None = strawberry.field(description="场所;为 null 时是全县")
    accepted_count: int = strawberry.field(description="受理的事项数")
    comprehensive_count: int = strawberry.field(description="其中综合窗口受理的事项数")
    ratio: float
    target: float = strawberry.field(description="本县目标(政策参数,默认 0.95)")
    meets_target: bool
    not_comprehensive: list[MatterRefType] = strawberry.field(description="未进综合窗口的事项")
    release: int | None


# --------------------------------------------------------------------------- loaders, nodes


async def _load_departments(ctx: AppContext, ids: list[uuid.UUID]) -> list[DepartmentType | None]:
    async with ctx.read() as session:
        rows = (
            (await session.execute(select(Department).where(Department.id.in_(ids))))
            .scalars()
            .all()
        )
    by_id = {r.id: DepartmentType.from_row(r) for r in rows}
    return [by_id.get(i) for i in ids]


def _department_loader(ctx: AppContext):
    return ctx.loader("catalog.department", _load_departments)


async def _row_node(ctx: AppContext, model: type, object_id: uuid.UUID):
    ctx.tenant_id()
    async with ctx.read() as session:
        return await session.get(model, object_id)


async def _department_node(ctx: AppContext, object_id: uuid.UUID) -> DepartmentType | None:
    ctx.tenant_id()
    return await _department_loader(ctx).load(object_id)


async def require_draft_reader(ctx: AppContext, session: AsyncSession) -> None:
    """The approved, unpublished state is for those who review or propose (and supervisors)."""
    ctx.tenant_id()
    try:
        await require_somewhere(session, ctx.actor, "catalog", "preview")
    except Forbidden:
        await require_somewhere(session, ctx.actor, "catalog", "read")


async def _matter_node(ctx: AppContext, object_id: uuid.UUID) -> MatterDefinitionType | None:
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await session.get(Matter, object_id)
        if row is None:
            return None
        await require_draft_reader(ctx, session)
    return MatterDefinitionType.from_row(row)


async def _change_node(ctx: AppContext, object_id: uuid.UUID) -> CatalogChangeType | None:
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await changes.visible_change(session, ctx.actor, object_id)
    return CatalogChangeType.from_row(row) if row else None


async def _release_node(ctx: AppContext, object_id: uuid.UUID) -> CatalogReleaseType | None:
    row = await _row_node(ctx, Release, object_id)
    return CatalogReleaseType.from_row(row) if row else None


register_node("Department", _department_node)
register_node("Matter", _matter_node)
register_node("CatalogChange", _change_node)
register_node("CatalogRelease", _release_node)


# --------------------------------------------------------------------------- queries


@dataclass(frozen=True)
class CatalogRequest:
    """Checked arguments of an ``effectiveCatalog`` request (shared with the fast path)."""

    tenant_id: uuid.UUID
    site_id: uuid.UUID
    preview: bool
    search: str
    page: Page


async def check_effective_catalog(
    ctx: AppContext,
    site_id: str,
    search: str | None,
    preview: bool | None,
    first: int | None,
    after: str | None,
) -> CatalogRequest:
    """Who may ask, and whether the arguments are well-formed (raises the GraphQL errors)."""
    tenant_id = ctx.tenant_id()
    site = query_id(site_id, "Site", "siteId")
    page = page_args(first, after, ctx.settings.page_cap)
    if preview:
        async with ctx.read() as session:
            await require_somewhere(session, ctx.actor, "catalog", "preview")
    return CatalogRequest(tenant_id, site, bool(preview), normalise(search), page)


async def request_version(
    ctx: AppContext, session: AsyncSession, tenant_id: uuid.UUID
) -> effective.CatalogVersion:
    """The county's catalog version for this request: read with the caller, or asked now."""
    known = effective.version_from(ctx.counters.get(tenant_id))
    return known if known is not None else await effective.catalog_version(session)


async def folded_for(
    session: AsyncSession, request: CatalogRequest, version: effective.CatalogVersion | None = None
) -> effective.FoldedCatalog:
    try:
        return await effective.effective_catalog(
            session, request.tenant_id, request.site_id, preview=request.preview, version=version
        )
    except effective.SiteNotFound:
        raise _not_found("场所不存在") from None


@strawberry.type
class CatalogQuery:
    @strawberry.field(
        description="场所的实施清单:县级定义叠加各上级及本级调整。默认为最新发布版本;"
        "preview: true 时含已审核通过、尚未发布的变更(仅限有审核或申请权限者)。"
        "search 支持中文、全拼和拼音首字母。"
    )
    async def effective_catalog(
        self,
        info: Info,
        site_id: strawberry.ID,
        search: str | None = None,
        preview: bool | None = False,
        first: int | None = None,
        after: str | None = None,
    ) -> EffectiveCatalogConnection:
        ctx = app_context(info)
        request = await check_effective_catalog(ctx, site_id, search, preview, first, after)
        async with ctx.read() as session:
            version = await request_version(ctx, session, request.tenant_id)
            folded = await folded_for(session, request, version)
        items = folded.search(request.search)
        page = request.page
        rows = items[page.offset : page.offset + page.limit]
        conn = connection(rows, len(items), page, EffectiveMatterType.from_entry)
        return EffectiveCatalogConnection(
            total_count=conn.total_count,
            release=folded.release,
            preview=folded.preview,
            edges=conn.edges,
            page_info=conn.page_info,
        )

    @strawberry.field(
        description="按编码取县级事项定义(已审核的工作版本,可能未发布;限审核、申请及监督人员)"
    )
    async def matter(self, info: Info, code: str) -> MatterDefinitionType | None:
        ctx = app_context(info)
        async with ctx.read() as session:
            await require_draft_reader(ctx, session)
            row = await definitions.get_matter(session, code)
        return MatterDefinitionType.from_row(row) if row else None

    @strawberry.field(
        description="县级事项定义列表(工作版本;限审核、申请及监督人员),可按部门筛选、"
        "按名称或拼音检索"
    )
    async def matters(
        self,
        info: Info,
        department_id: strawberry.ID | None = None,
        search: str | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[MatterDefinitionType]:
        ctx = app_context(info)
        ctx.tenant_id()
        page = page_args(first, after, ctx.settings.page_cap)
        dept = query_id(department_id, "Department", "departmentId") if department_id else None
        query = select(Matter).where(Matter.status == MatterStatus.ACTIVE)
        if dept is not None:
            query = query.where(Matter.department_id == dept)
        async with ctx.read() as session:
            await require_draft_reader(ctx, session)
            rows = list((await session.execute(query.order_by(Matter.code))).scalars())
        q = normalise(search)
        if q:
            scored = [
                (r, len(m.name), i)
                for i, m in enumerate(rows)
                if (r := rank(q, m.name, m.code, m.pinyin, m.initials, m.keywords or []))
                is not None
            ]
            rows = [rows[i] for _, _, i in sorted(scored)]
        window = rows[page.offset : page.offset + page.limit]
        return connection(window, len(rows), page, MatterDefinitionType.from_row)

    @strawberry.field(description="本县的实施部门")
    async def departments(self, info: Info) -> list[DepartmentType]:
        ctx = app_context(info)
        ctx.tenant_id()
        async with ctx.read() as session:
            rows = await definitions.list_departments(session)
        return [DepartmentType.from_row(r) for r in rows]

    @strawberry.field(
        description="目录变更申请:县政务服务管理办公室和监督人员看全部,其他人看自己提交的"
    )
    async def catalog_changes(
        self,
        info: Info,
        status: ChangeStatus | None = None,
        first: int | None = None,
        after: str | None = None,
    ) -> Connection[CatalogChangeType]:
        ctx = app_context(info)
        ctx.tenant_id()
        page = page_args(first, after, ctx.settings.page_cap)
        async with ctx.read() as session:
            rows, total = await changes.list_changes(
                session, ctx.actor, status=status, offset=page.offset, limit=page.limit
            )
        return connection(rows, total, page, CatalogChangeType.from_row)

    @strawberry.field(description="发布版本,新的在前")
    async def catalog_releases(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[CatalogReleaseType]:
        ctx = app_context(info)
        ctx.tenant_id()
        page = page_args(first, after, ctx.settings.page_cap)
        async with ctx.read() as session:
            rows, total = await releases.list_releases(session, page.offset, page.limit)
        return connection(rows, total, page, CatalogReleaseType.from_row)

    @strawberry.field(description="两个发布版本之间的差异(0 表示首次发布前的空目录)")
    async def catalog_diff(self, info: Info, from_release: int, to_release: int) -> CatalogDiffType:
        ctx = app_context(info)
        tenant_id = ctx.tenant_id()
        async with ctx.read() as session:
            try:
                entries = await releases.diff(session, tenant_id, from_release, to_release)
            except UserErrors as refused:
                raise _not_found(refused.errors[0].message) from None
        return CatalogDiffType(
            from_release=from_release,
            to_release=to_release,
            entries=[
                CatalogDiffEntryType(
                    kind=e.kind,
                    change=e.change,
                    code=e.code,
                    name=e.name,
                    site_id=strawberry.ID(global_id("Site", e.site_id)) if e.site_id else None,
                    fields=list(e.fields),
                )
                for e in entries
            ],
        )

    @strawberry.field(description="一件事(最新发布版本);给出 siteId 时按该场所的实施清单合并材料")
    async def bundles(
        self, info: Info, site_id: strawberry.ID | None = None, preview: bool | None = False
    ) -> list[BundleType]:
        ctx = app_context(info)
        tenant_id = ctx.tenant_id()
        return await _bundles(ctx, tenant_id, site_id, bool(preview), None)

    @strawberry.field(description="一窗通办比例:给出 siteId 为该场所,否则为全县(最新发布版本)")
    async def one_window_ratio(
        self, info: Info, site_id: strawberry.ID | None = None, preview: bool | None = False
    ) -> OneWindowRatioType:
        ctx = app_context(info)
        tenant_id = ctx.tenant_id()
        site = query_id(site_id, "Site", "siteId") if site_id else None
        async with ctx.read() as session:
            if preview:
                await require_somewhere(session, ctx.actor, "catalog", "preview")
            version = await request_version(ctx, session, tenant_id)
            tenant = await session.get(Tenant, tenant_id)
            target = float(
                (tenant.settings or {}).get("catalog", {}).get("one_window_ratio_target", "0.95")
            )  # type: ignore[union-attr]
            if site is not None:
                try:
                    folded = await effective.effective_catalog(
                        session, tenant_id, site, preview=bool(preview), version=version
                    )
                except effective.SiteNotFound:
                    raise _not_found("场所不存在") from None
                result = effective.site_ratio(folded)
            else:
                data = (
                    await effective.working_data(session, tenant_id, version.draft)
                    if preview
                    else await effective.release_data(session, tenant_id, version.release)
                )
                result = effective.county_ratio(data)
        site_type = await site_loader(ctx).load(site) if site is not None else None
        return OneWindowRatioType(
            site=site_type,
            accepted_count=result.accepted,
            comprehensive_count=result.comprehensive,
            ratio=round(result.ratio, 4),
            target=target,
            meets_target=result.ratio >= target,
            not_comprehensive=[
                MatterRefType(code=m["code"], name=m["name"]) for m in result.not_comprehensive
            ],
            release=version.release or None,
        )


async def _bundles(
    ctx: AppContext,
    tenant_id: uuid.UUID,
    site_id: str | None,
    preview: bool,
    code: str | None,
) -> list[BundleType]:
    site = query_id(site_id, "Site", "siteId") if site_id else None
    async with ctx.db.session(tenant_id) as session:
        if preview:
            await require_somewhere(session, ctx.actor, "catalog", "preview")
        version = await request_version(ctx, session, tenant_id)
        data = (
            await effective.working_data(session, tenant_id, version.draft)
            if preview
            else await effective.release_data(session, tenant_id, version.release)
        )
        entries: dict[str, dict[str, Any]] = data.by_code
        if site is not None:
            try:
                folded = await effective.effective_catalog(
                    session, tenant_id, site, preview=preview, version=version
                )
            except effective.SiteNotFound:
                raise _not_found("场所不存在") from None
            entries = folded.by_code
    chosen = [b for b in data.bundles if code is None or b["code"] == code]
    return [BundleType.from_view(bundle_view(b, entries), version.release or None) for b in chosen]


# --------------------------------------------------------------------------- mutations


@strawberry.input(description="申请材料")
class MaterialInput:
    name: str
    copies: int = 1
    required: bool = True
    form: MaterialForm = MaterialForm.PAPER
    kind: MaterialKind = MaterialKind.ORIGINAL
    source: str | None = None
    blank_form: str | None = strawberry.field(default=None, description="空白表格的存储文件键")
    sample: str | None = strawberry.field(default=None, description="示例样表的存储文件键")

    def plain(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "copies": self.copies,
            "required": self.required,
            "form": self.form.value,
            "kind": self.kind.value,
            "source": self.source,
            "blank_form": self.blank_form,
            "sample": self.sample,
        }


@strawberry.input(description="新增县级事项定义")
class DefineMatterInput:
    code: str
    name: str
    type: MatterType
    basis: str
    department_id: strawberry.ID
    handling_kind: HandlingKind
    legal_limit_days: int
    promised_limit_days: int
    service_object: ServiceObject
    conditions: str = ""
    materials: list[MaterialInput] = strawberry.field(default_factory=list)
    fee_yuan: str | None = None
    fee_basis: str | None = None
    process: list[str] = strawberry.field(default_factory=list)
    levels: list[SiteLevel] = strawberry.field(
        default_factory=lambda: [SiteLevel.COUNTY_CENTER],
        description="行使层级:COUNTY_CENTER / TOWNSHIP_CENTER / VILLAGE_STATION",
    )
    online: bool = False
    comprehensive_window: bool = True
    keywords: list[str] = strawberry.field(default_factory=list, description="搜索关键词(俗称)")


@strawberry.input(description="修改县级事项定义:只填要改的字段")
class UpdateMatterInput:
    code: str
    name: str | None = strawberry.UNSET
    type: MatterType | None = strawberry.UNSET
    basis: str | None = strawberry.UNSET
    department_id: strawberry.ID | None = strawberry.UNSET
    handling_kind: HandlingKind | None = strawberry.UNSET
    legal_limit_days: int | None = strawberry.UNSET
    promised_limit_days: int | None = strawberry.UNSET
    service_object: ServiceObject | None = strawberry.UNSET
    conditions: str | None = strawberry.UNSET
    materials: list[MaterialInput] | None = strawberry.UNSET
    fee_yuan: str | None = strawberry.UNSET
    fee_basis: str | None = strawberry.UNSET
    process: list[str] | None = strawberry.UNSET
    levels: list[SiteLevel] | None = strawberry.UNSET
    online: bool | None = strawberry.UNSET
    comprehensive_window: bool | None = strawberry.UNSET
    keywords: list[str] | None = strawberry.UNSET


@strawberry.input
class WithdrawMatterInput:
    code: str


@strawberry.input(description="材料的本级调整:免交或加注说明;材料不能改名")
class MaterialOverrideInput:
    name: str
    waived: bool | None = None
    note: str | None = None
    new_name: str | None = strawberry.field(
        default=None, description="不允许:填写即报 LOCKED_FIELD"
    )


@strawberry.input(
    description="本级调整,对本场所及全部下级生效。名称、编码、依据、类型四级统一,不可调整"
)
class OverrideMatterInput:
    site_id: strawberry.ID
    matter_code: str
    offered: bool | None = None
    promised_limit_days: int | None = None
    accepted_here: bool | None = None
    processed_here: bool | None = None
    comprehensive_window: bool | None = None
    materials: list[MaterialOverrideInput] | None = None
    note: str | None = None
    acceptance_place: str | None = None
    processing_place: str | None = None
    reset: bool = strawberry.field(default=False, description="撤销本场所对该事项的全部调整")
    name: str | None = strawberry.field(default=None, description="四级四同:不可调整")
    code: str | None = strawberry.field(default=None, description="四级四同:不可调整")
    basis: str | None = strawberry.field(default=None, description="四级四同:不可调整")
    type: MatterType | None = strawberry.field(default=None, description="四级四同:不可调整")


@strawberry.input(description="委托下放受理权/办理权;两者都为 false 即收回")
class DelegateMatterInput:
    matter_code: str
    site_id: strawberry.ID
    accept: bool
    process: bool
    include_below: bool = strawberry.field(
        default=False, description="镇(街道)中心:连同所辖村(社区)站一并下放"
    )


@strawberry.input(description="一件事")
class DefineBundleInput:
    code: str
    name: str
    matter_codes: list[str]
    form_name: str | None = None
    description: str | None = None
    promised_limit_days: int | None = None


@strawberry.input
class ReviewChangeInput:
    change_id: strawberry.ID
    approve: bool
    comment: str | None = None


@strawberry.input
class PublishReleaseInput:
    note: str | None = None


@strawberry.input
class DefineDepartmentInput:
    name: str
    site_id: strawberry.ID | None = None


@strawberry.input(description="从国家政务服务事项要素表(.xlsx)导入县级目录,全部成功或全部不导入")
class ImportCatalogInput:
    file_base64: str = strawberry.field(description=".xlsx 文件内容的 base64")


@strawberry.type
class ChangePayload:
    change: CatalogChangeType | None
    user_errors: list[UserErrorType]


@strawberry.type
class PublishReleasePayload:
    release: CatalogReleaseType | None
    user_errors: list[UserErrorType]


@strawberry.type
class DepartmentPayload:
    department: DepartmentType | None
    user_errors: list[UserErrorType]


@strawberry.type(name="ImportRow", description="导入报告的一行")
class ImportRowType:
    row: int
    code: str | None
    ok: bool
    errors: list[UserErrorType]


@strawberry.type
class ImportCatalogPayload:
    imported: int = strawberry.field(description="导入的事项数(失败时为 0)")
    rows: list[ImportRowType]
    user_errors: list[UserErrorType]


def _plain_value(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain_value(v) for v in value]
    if isinstance(value, MaterialInput):
        return value.plain()
    if hasattr(value, "value") and not isinstance(value, (str, int, float, bool)):
        return value.value
    return value


async def _propose(ctx: AppContext, actor: Actor, kind: ChangeKind, build) -> ChangePayload:
    async def change(session):
        payload = build()
        row = await changes.propose(session, actor, kind, payload)
        return CatalogChangeType.from_row(row)

    result, errors = await run_change(ctx.write(), change)
    return ChangePayload(change=result, user_errors=errors)


def _department_payload_id(value: str | None) -> str | None:
    return str(input_id(value, "Department", "departmentId")) if value else None


@strawberry.type
class CatalogMutation:
    @strawberry.mutation(description="新增实施部门(县政务服务管理办公室)")
    async def define_department(
        self, info: Info, input: DefineDepartmentInput
    ) -> DepartmentPayload:
        async def change(session, actor):
            site = input_id(input.site_id, "Site", "siteId") if input.site_id else None
            row = await definitions.create_department(session, actor, input.name, site)
            return DepartmentType.from_row(row)

        result, errors = await mutate(info, change)
        return DepartmentPayload(department=result, user_errors=errors)

    @strawberry.mutation(description="新增事项(变更申请;县政务服务管理办公室提交的直接通过)")
    async def define_matter(self, info: Info, input: DefineMatterInput) -> ChangePayload:
        ctx = app_context(info)
        actor = ctx.require_actor()

        def build() -> dict[str, Any]:
            return {
                "code": input.code,
                "name": input.name,
                "type": input.type.value,
                "basis": input.basis,
                "department_id": _department_payload_id(input.department_id),
                "handling_kind": input.handling_kind.value,
                "legal_limit_days": input.legal_limit_days,
                "promised_limit_days": input.promised_limit_days,
                "service_object": input.service_object.value,
                "conditions": input.conditions,
                "materials": [m.plain() for m in input.materials],
                "fee_yuan": input.fee_yuan,
                "fee_basis": input.fee_basis,
                "process": list(input.process),
                "levels": [level.value for level in input.levels],
                "online": input.online,
                "comprehensive_window": input.comprehensive_window,
                "keywords": list(input.keywords),
            }

        return await _propose(ctx, actor, ChangeKind.DEFINE_MATTER, build)

    @strawberry.mutation(description="修改事项(变更申请)")
    async def update_matter(self, info: Info, input: UpdateMatterInput) -> ChangePayload:
        ctx = app_context(info)
        actor = ctx.require_actor()

        def build() -> dict[str, Any]:
            payload: dict[str, Any] = {"code": input.code}
            for field in definitions.MATTER_FIELDS:
                value = getattr(input, field)
                if value is strawberry.UNSET:
                    continue
                if field == "department_id":
                    value = _department_payload_id(value)
                payload[field] = _plain_value(value)
            return payload

        return await _propose(ctx, actor, ChangeKind.UPDATE_MATTER, build)

    @strawberry.mutation(description="取消事项(变更申请)")
    async def withdraw_matter(self, info: Info, input: WithdrawMatterInput) -> ChangePayload:
        ctx = app_context(info)
        actor = ctx.require_actor()
        return await _propose(ctx, actor, ChangeKind.WITHDRAW_MATTER, lambda: {"code": input.code})

    @strawberry.mutation(description="本级调整(变更申请):对本场所及其全部下级生效")
    async def override_matter(self, info: Info, input: OverrideMatterInput) -> ChangePayload:
        ctx = app_context(info)
        actor = ctx.require_actor()

        def build() -> dict[str, Any]:
            return {
                "site_id": str(input_id(input.site_id, "Site", "siteId")),
                "matter_code": input.matter_code,
                "offered": input.offered,
                "promised_limit_days": input.promised_limit_days,
                "accepted_here": input.accepted_here,
                "processed_here": input.processed_here,
                "comprehensive_window": input.comprehensive_window,
                "materials": [
                    {"name": m.name, "waived": m.waived, "note": m.note, "new_name": m.new_name}
                    for m in input.materials
                ]
                if input.materials
                else None,
                "note": input.note,
                "acceptance_place": input.acceptance_place,
                "processing_place": input.processing_place,
                "reset": input.reset,
                "name": input.name,
                "code": input.code,
                "basis": input.basis,
                "type": input.type.value if input.type else None,
            }

        return await _propose(ctx, actor, ChangeKind.OVERRIDE_MATTER, build)

    @strawberry.mutation(description="委托下放受理权、办理权(变更申请)")
    async def delegate_matter(self, info: Info, input: DelegateMatterInput) -> ChangePayload:
        ctx = app_context(info)
        actor = ctx.require_actor()

        def build() -> dict[str, Any]:
            return {
                "matter_code": input.matter_code,
                "site_id": str(input_id(input.site_id, "Site", "siteId")),
                "accept": input.accept,
                "process": input.process,
                "include_below": input.include_below,
            }

        return await _propose(ctx, actor, ChangeKind.DELEGATE_MATTER, build)

    @strawberry.mutation(description="定义一件事(变更申请)")
    async def define_bundle(self, info: Info, input: DefineBundleInput) -> ChangePayload:
        ctx = app_context(info)
        actor = ctx.require_actor()

        def build() -> dict[str, Any]:
            return {
                "code": input.code,
                "name": input.name,
                "matter_codes": list(input.matter_codes),
                "form_name": input.form_name,
                "description": input.description,
                "promised_limit_days": input.promised_limit_days,
            }

        return await _propose(ctx, actor, ChangeKind.DEFINE_BUNDLE, build)

    @strawberry.mutation(description="审核变更申请:通过(待发布)或驳回(须填意见)")
    async def review_change(self, info: Info, input: ReviewChangeInput) -> ChangePayload:
        async def change(session, actor):
            change_id = input_id(input.change_id, "CatalogChange", "changeId")
            row = await changes.review(session, actor, change_id, input.approve, input.comment)
            return CatalogChangeType.from_row(row)

        result, errors = await mutate(info, change)
        return ChangePayload(change=result, user_errors=errors)

    @strawberry.mutation(description="发布新版本:已审核通过的变更同时对所有渠道公开")
    async def publish_release(
        self, info: Info, input: PublishReleaseInput
    ) -> PublishReleasePayload:
        async def change(session, actor):
            row = await releases.publish(session, actor, input.note)
            return CatalogReleaseType.from_row(row)

        result, errors = await mutate(info, change)
        return PublishReleasePayload(release=result, user_errors=errors)

    @strawberry.mutation(description="从 .xlsx 导入县级目录:全部成功才导入,并逐行报告")
    async def import_catalog(self, info: Info, input: ImportCatalogInput) -> ImportCatalogPayload:
        ctx = app_context(info)
        actor = ctx.require_actor()
        try:
            content = base64.b64decode(input.file_base64, validate=True)
        except (binascii.Error, ValueError):
            return ImportCatalogPayload(
                imported=0,
                rows=[],
                user_errors=[
                    UserErrorType(
                        field="fileBase64", code="INVALID_FILE", message="文件内容不是有效的 base64"
                    )
                ],
            )
        holder: dict[str, Any] = {}

        async def change(session):
            report = await importer.import_catalog(session, actor, content)
            holder["report"] = report
            if not report.ok:
                raise UserErrors(report.summary_errors())
            return report

        report, errors = await run_change(ctx.write(), change)
        report = report or holder.get("report")
        rows = [
            ImportRowType(row=r.row, code=r.code, ok=not r.errors, errors=to_user_errors(r.errors))
            for r in (report.rows if report else [])
        ]
        return ImportCatalogPayload(
            imported=report.imported if report and not errors else 0, rows=rows, user_errors=errors
        )
