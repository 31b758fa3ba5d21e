"""The catalog's mutation inputs; ``payload()`` turns one into the plain payload of its change
request (``catalog.changes``). It runs inside the mutation's transaction: a bad ID is a user
error there."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import strawberry

from api.gql.ids import input_id
from api.gql.inputs import given
from catalog.definitions import MATTER_FIELDS
from catalog.schema.enums import (
    HandlingKind,
    MaterialForm,
    MaterialKind,
    MatterType,
    ServiceObject,
)
from network.models import SiteLevel
from tenants.errors import refuse
from tenants.values import UNSET


def _site_id(value: str) -> str:
    return str(input_id(value, "Site", "siteId"))


def _department_id(value: str | None) -> str | None:
    return str(input_id(value, "Department", "departmentId")) if value else None


@strawberry.input(description="申请材料")
class MaterialInput:
    name: str
    copies: int = 1
    required: bool = True
    waivable: bool = strawberry.field(
        default=False, description="县级决定:必交材料可由镇(街道)、村(社区)在实施清单中免交"
    )
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
            "waivable": self.waivable,
            "form": self.form.value,
            "kind": self.kind.value,
            "source": self.source,
            "blank_form": self.blank_form,
            "sample": self.sample,
        }


def _plain(value: Any) -> Any:
    """An input value as plain JSON data: enums by value, materials as dicts."""
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, MaterialInput):
        return value.plain()
    if hasattr(value, "value") and not isinstance(value, (str, int, float, bool)):
        return value.value
    return value


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

    def payload(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "type": self.type.value,
            "basis": self.basis,
            "department_id": _department_id(self.department_id),
            "handling_kind": self.handling_kind.value,
            "legal_limit_days": self.legal_limit_days,
            "promised_limit_days": self.promised_limit_days,
            "service_object": self.service_object.value,
            "conditions": self.conditions,
            "materials": [m.plain() for m in self.materials],
            "fee_yuan": self.fee_yuan,
            "fee_basis": self.fee_basis,
            "process": list(self.process),
            "levels": [level.value for level in self.levels],
            "online": self.online,
            "comprehensive_window": self.comprehensive_window,
            "keywords": list(self.keywords),
        }


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

    def payload(self) -> dict[str, Any]:
        """The code and the fields given (a field left out is not in the payload)."""
        payload: dict[str, Any] = {"code": self.code}
        for field in MATTER_FIELDS:
            value = given(getattr(self, field))
            if value is UNSET:
                continue
            payload[field] = _department_id(value) if field == "department_id" else _plain(value)
        return payload


@strawberry.input
class WithdrawMatterInput:
    code: str

    def payload(self) -> dict[str, Any]:
        return {"code": self.code}


@strawberry.input(description="材料的本级调整:免交或加注说明;材料不能改名")
class MaterialOverrideInput:
    name: str
    waived: bool | None = None
    note: str | None = None
    new_name: str | None = strawberry.field(
        default=None, description="不允许:填写即报 LOCKED_FIELD"
    )

    def plain(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "waived": self.waived,
            "note": self.note,
            "new_name": self.new_name,
        }


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

    def payload(self) -> dict[str, Any]:
        return {
            "site_id": _site_id(self.site_id),
            "matter_code": self.matter_code,
            "offered": self.offered,
            "promised_limit_days": self.promised_limit_days,
            "accepted_here": self.accepted_here,
            "processed_here": self.processed_here,
            "comprehensive_window": self.comprehensive_window,
            "materials": [m.plain() for m in self.materials] if self.materials else None,
            "note": self.note,
            "acceptance_place": self.acceptance_place,
            "processing_place": self.processing_place,
            "reset": self.reset,
            "name": self.name,
            "code": self.code,
            "basis": self.basis,
            "type": self.type.value if self.type else None,
        }


@strawberry.input(description="委托下放受理权/办理权;两者都为 false 即收回")
class DelegateMatterInput:
    matter_code: str
    site_id: strawberry.ID
    accept: bool
    process: bool
    include_below: bool = strawberry.field(
        default=False, description="镇(街道)中心:连同所辖村(社区)站一并下放"
    )

    def payload(self) -> dict[str, Any]:
        return {
            "matter_code": self.matter_code,
            "site_id": _site_id(self.site_id),
            "accept": self.accept,
            "process": self.process,
            "include_below": self.include_below,
        }


@strawberry.input(description="一件事")
class DefineBundleInput:
    code: str
    name: str
    matter_codes: list[str]
    form_name: str | None = None
    description: str | None = None
    promised_limit_days: int | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "matter_codes": list(self.matter_codes),
            "form_name": self.form_name,
            "description": self.description,
            "promised_limit_days": self.promised_limit_days,
        }


@strawberry.input
class ReviewChangeInput:
    change_id: strawberry.ID
    approve: bool
    comment: str | None = None


@strawberry.input
class WithdrawChangeInput:
    change_id: strawberry.ID
    reason: str | None = None


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

    def content(self) -> bytes:
        try:
            return base64.b64decode(self.file_base64, validate=True)
        except (binascii.Error, ValueError):
            raise refuse("fileBase64", "INVALID_FILE", "文件内容不是有效的 base64") from None
