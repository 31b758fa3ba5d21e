"""The catalog's signed-in queries: the effective catalog, the working definitions, changes,
releases and their diff, bundles, the one-window ratio."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.ids import query_id
from api.gql.pagination import Connection, connection, page_args
from authz.errors import BadRequest
from catalog import changes, definitions, drafts, ratio, releases
from catalog.bundles import bundle_views
from catalog.schema.enums import ChangeStatus
from catalog.schema.history import (
    CatalogChangeType,
    CatalogDiffEntryType,
    CatalogDiffType,
    CatalogReleaseType,
)
from catalog.schema.reads import check_effective_catalog, known_version, read_catalog
from catalog.schema.types import (
    BundleType,
    DepartmentType,
    EffectiveCatalogConnection,
    MatterDefinitionType,
    OneWindowRatioType,
)
from network.schema import site_of
from tenants.errors import UserErrors

T = TypeVar("T")


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
        folded = await read_catalog(ctx, request)
        return EffectiveCatalogConnection.of(folded, folded.search(request.search), request.page)

    @strawberry.field(
        description="按编码取县级事项定义(已审核的工作版本,可能未发布;限审核、申请及监督人员)"
    )
    async def matter(self, info: Info, code: str) -> MatterDefinitionType | None:
        ctx = app_context(info)
        ctx.tenant_id()
        async with ctx.read() as session:
            row = await drafts.matter_by_code(session, ctx.actor, code)
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
        async with ctx.read() as session:
            rows = await drafts.find_matters(session, ctx.actor, department_id=dept, search=search)
        window = rows[page.offset : page.offset + page.limit]
        return connection(window, len(rows), page, MatterDefinitionType.from_row)

    @strawberry.field(description="本县的实施部门,按名称排序(分页)")
    async def departments(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> Connection[DepartmentType]:
        ctx = app_context(info)
        ctx.tenant_id()
        page = page_args(first, after, ctx.settings.page_cap)
        async with ctx.read() as session:
            rows, total = await definitions.page_departments(session, page.offset, page.limit)
        return connection(rows, total, page, DepartmentType.from_row)

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
            except UserErrors as refused:  # a query argument: a GraphQL error, not userErrors
                raise BadRequest(refused.errors[0].message, "NOT_FOUND") from None
        return CatalogDiffType(
            from_release=from_release,
            to_release=to_release,
            entries=[CatalogDiffEntryType.from_entry(e) for e in entries],
        )

    @strawberry.field(description="一件事(最新发布版本);给出 siteId 时按该场所的实施清单合并材料")
    async def bundles(
        self, info: Info, site_id: strawberry.ID | None = None, preview: bool | None = False
    ) -> list[BundleType]:
        found, _ = await _site_or_county(info, site_id, preview, bundle_views)
        return BundleType.from_views(found)

    @strawberry.field(description="一窗通办比例:给出 siteId 为该场所,否则为全县(最新发布版本)")
    async def one_window_ratio(
        self, info: Info, site_id: strawberry.ID | None = None, preview: bool | None = False
    ) -> OneWindowRatioType:
        result, site = await _site_or_county(info, site_id, preview, ratio.one_window_ratio)
        return OneWindowRatioType.from_ratio(result, await site_of(info, site))


async def _site_or_county(
    info: Info, site_id: str | None, preview: bool | None, read: Callable[..., Awaitable[T]]
) -> tuple[T, uuid.UUID | None]:
    """A caller's read at a site or county-wide (``bundles``, ``oneWindowRatio``): ``read``
    takes (session, actor, county, site, preview, version); the parsed site comes back too."""
    ctx = app_context(info)
    tenant_id = ctx.tenant_id()
    site = query_id(site_id, "Site", "siteId") if site_id else None
    async with ctx.read() as session:
        found = await read(
            session,
            ctx.actor,
            tenant_id,
            site,
            preview=bool(preview),
            version=known_version(ctx, tenant_id),
        )
    return found, site
