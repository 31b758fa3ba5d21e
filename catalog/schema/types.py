"""The catalog's GraphQL output types: definitions, effective entries, bundles, the ratio; each
built from a row or from the plain data of ``catalog.data`` / ``catalog.effective``."""

from __future__ import annotations

import uuid
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.ids import query_id
from api.gql.pagination import Edge, Page, PageInfo, connection
from api.storage import storage_for
from catalog.data import fee_text
from catalog.fold import FoldedCatalog
from catalog.models import Department, Matter
from catalog.ratio import OneWindowRatio
from catalog.schema.enums import (
    HandlingKind,
    MaterialForm,
    MaterialKind,
    MatterStatus,
    MatterType,
    ServiceObject,
)
from catalog.schema.loaders import department_loader
from network.models import SiteLevel
from network.schema import SiteType, site_of


async def _download_url(info: Info, key: str | None) -> str | None:
    if not key:
        return None
    return await storage_for(app_context(info).settings).download_url(key)


@strawberry.type(name="Material", description="申请材料")
class MaterialType:
    name: str
    kind: MaterialKind
    form: MaterialForm
    copies: int
    required: bool
    waivable: bool = strawberry.field(description="必交材料可由下级在实施清单中免交(县级决定)")
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
            waivable=bool(m.get("waivable", False)),
            source=m.get("source"),
            note=m.get("note"),
            blank_form=m.get("blankForm"),
            sample=m.get("sample"),
        )


def entry_fields(e: dict[str, Any]) -> dict[str, Any]:
    """The fields an effective entry shares with the public guide (``PublicMatter``)."""
    return {
        "code": e["code"],
        "name": e["name"],
        "type": e["type"],
        "basis": e["basis"],
        "department_name": e["departmentName"],
        "service_object": e["serviceObject"],
        "conditions": e["conditions"],
        "process": e["process"],
        "handling_kind": e["handlingKind"],
        "legal_limit_days": e["legalLimitDays"],
        "promised_limit_days": e["promisedLimitDays"],
        "fee_yuan": e["feeYuan"],
        "fee_basis": e["feeBasis"],
        "online": e["online"],
        "accepted_here": e["acceptedHere"],
        "processed_here": e["processedHere"],
        "materials": [MaterialType.from_plain(m) for m in e["materials"]],
        "note": e["note"],
        "acceptance_place": e["acceptancePlace"],
        "processing_place": e["processingPlace"],
    }


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
            **entry_fields(e),
            keywords=e["keywords"],
            comprehensive_window=e["comprehensiveWindow"],
            overridden_site_id=shaped["id"] if shaped else None,
        )

    @strawberry.field(description="塑造本条目的最近一级调整所在场所;未经调整为 null")
    async def overridden_at(self, info: Info) -> SiteType | None:
        if self.overridden_site_id is None:
            return None
        return await site_of(info, query_id(self.overridden_site_id, "Site", "overriddenAt"))


@strawberry.type(name="EffectiveCatalogConnection", description="一个场所的实施清单")
class EffectiveCatalogConnection:
    total_count: int
    release: int | None = strawberry.field(description="所示的发布版本号;尚未发布为 null")
    preview: bool = strawberry.field(description="含已审核通过、尚未发布的变更")
    edges: list[Edge[EffectiveMatterType]]
    page_info: PageInfo

    @classmethod
    def of(
        cls, folded: FoldedCatalog, items: list[dict[str, Any]], page: Page
    ) -> EffectiveCatalogConnection:
        """The page of ``items`` (the folded catalog's entries, searched)."""
        rows = items[page.offset : page.offset + page.limit]
        conn = connection(rows, len(items), page, EffectiveMatterType.from_entry)
        return cls(
            total_count=conn.total_count,
            release=folded.release,
            preview=folded.preview,
            edges=conn.edges,
            page_info=conn.page_info,
        )


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
        return await site_of(info, self.site_id)


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
        row = await department_loader(app_context(info)).load(self.department_id)
        return DepartmentType.from_row(row) if row else None


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

    @classmethod
    def from_views(cls, found: tuple[list[dict[str, Any]], int | None]) -> list[BundleType]:
        """``catalog.bundles.bundle_views``'s answer: the views and their release."""
        views, release = found
        return [cls.from_view(view, release) for view in views]


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

    @classmethod
    def from_ratio(cls, result: OneWindowRatio, site: SiteType | None) -> OneWindowRatioType:
        return cls(
            site=site,
            accepted_count=result.accepted,
            comprehensive_count=result.comprehensive,
            ratio=round(result.ratio, 4),
            target=result.target,
            meets_target=result.meets_target,
            not_comprehensive=[
                MatterRefType(code=m["code"], name=m["name"]) for m in result.not_comprehensive
            ],
            release=result.release,
        )
