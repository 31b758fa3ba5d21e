"""The matter catalog (事项目录): definitions, overrides, delegations, bundles, changes, releases.

The working tables (``catalog_matters``, ``catalog_overrides``, ``catalog_delegations``,
``catalog_bundles``) hold the *approved* state of the catalog, published or not. A change request
(``catalog_changes``) is applied to them when it is approved. Publishing freezes the working state
into an immutable numbered release (``catalog_releases``: a compressed snapshot); every read of the
published catalog (``effectiveCatalog`` by default, and all public queries) comes from a release.
``catalog_state`` holds, per county, the latest release number and a counter of approved changes
(``draft_version``): the keys of the effective-catalog cache.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column

from tenants.base import Base, Timestamped, UUIDPrimaryKey, utcnow
from tenants.models import TenantScoped


class MatterType(enum.StrEnum):
    """事项类型."""

    LICENSING = "LICENSING"  # 行政许可
    CONFIRMATION = "CONFIRMATION"  # 行政确认
    PAYMENT = "PAYMENT"  # 行政给付
    REWARD = "REWARD"  # 行政奖励
    ADJUDICATION = "ADJUDICATION"  # 行政裁决
    FILING = "FILING"  # 备案
    OTHER_POWER = "OTHER_POWER"  # 其他行政权力
    PUBLIC_SERVICE = "PUBLIC_SERVICE"  # 公共服务


class HandlingKind(enum.StrEnum):
    """办件类型."""

    IMMEDIATE = "IMMEDIATE"  # 即办件
    PROMISED = "PROMISED"  # 承诺件


class ServiceObject(enum.StrEnum):
    """服务对象."""

    NATURAL_PERSON = "NATURAL_PERSON"  # 自然人
    LEGAL_PERSON = "LEGAL_PERSON"  # 法人
    BOTH = "BOTH"  # 自然人、法人


class MaterialForm(enum.StrEnum):
    """材料形式."""

    PAPER = "PAPER"  # 纸质
    ELECTRONIC = "ELECTRONIC"  # 电子
    BOTH = "BOTH"  # 纸质、电子


class MaterialKind(enum.StrEnum):
    """材料类型."""

    ORIGINAL = "ORIGINAL"  # 原件
    COPY = "COPY"  # 复印件
    ORIGINAL_AND_COPY = "ORIGINAL_AND_COPY"  # 原件和复印件


class MatterStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    WITHDRAWN = "WITHDRAWN"  # 已取消: kept for history, absent from the catalog


class ChangeKind(enum.StrEnum):
    """变更申请的种类."""

    DEFINE_MATTER = "DEFINE_MATTER"  # 新增事项
    UPDATE_MATTER = "UPDATE_MATTER"  # 修改事项
    WITHDRAW_MATTER = "WITHDRAW_MATTER"  # 取消事项
    OVERRIDE_MATTER = "OVERRIDE_MATTER"  # 本级调整(实施清单)
    DELEGATE_MATTER = "DELEGATE_MATTER"  # 委托下放受理权/办理权
    DEFINE_BUNDLE = "DEFINE_BUNDLE"  # 一件事


class ChangeStatus(enum.StrEnum):
    PENDING = "PENDING"  # 待审核
    APPROVED = "APPROVED"  # 已通过(待发布或已发布)
    REJECTED = "REJECTED"  # 已驳回
    WITHDRAWN = "WITHDRAWN"  # 已撤回(申请人在审核前撤回)


def _enum(cls: type[enum.Enum], length: int = 24) -> Enum:
    return Enum(cls, native_enum=False, length=length, validate_strings=True)


class Department(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """业务主管部门 / 实施部门. ``site_id``: where it sits (its sub-centre, or the county centre);
    a ``department_admin`` bound there (or above) manages the department's matters."""

    __tablename__ = "catalog_departments"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    name: Mapped[str] = mapped_column(String(100))
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"), index=True)


class Matter(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """一个政务服务事项的县级定义 (basic catalog 基本目录), in its approved working state."""

    __tablename__ = "catalog_matters"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    code: Mapped[str] = mapped_column(String(64))  # 基本编码
    name: Mapped[str] = mapped_column(String(200))  # 事项名称
    type: Mapped[MatterType] = mapped_column(_enum(MatterType))  # 事项类型
    basis: Mapped[str] = mapped_column(Text)  # 设定依据
    department_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("catalog_departments.id"), index=True
    )
    service_object: Mapped[ServiceObject] = mapped_column(_enum(ServiceObject))
    conditions: Mapped[str] = mapped_column(Text, default="")  # 受理条件
    process: Mapped[list[str]] = mapped_column(JSON, default=list)  # 办理流程
    # 申请材料: [{name, kind, form, copies, required, source, blankForm, sample}]
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    legal_limit_days: Mapped[int] = mapped_column(Integer)  # 法定办结时限(工作日)
    promised_limit_days: Mapped[int] = mapped_column(Integer)  # 承诺办结时限(工作日)
    handling_kind: Mapped[HandlingKind] = mapped_column(_enum(HandlingKind))
    fee_yuan: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # None: 不收费
    fee_basis: Mapped[str | None] = mapped_column(Text)
    levels: Mapped[list[str]] = mapped_column(JSON, default=list)  # 行使层级 (SiteLevel values)
    online: Mapped[bool] = mapped_column(Boolean, default=False)  # 可网上办理
    comprehensive_window: Mapped[bool] = mapped_column(Boolean, default=True)  # 综合窗口受理
    status: Mapped[MatterStatus] = mapped_column(_enum(MatterStatus), default=MatterStatus.ACTIVE)
    keywords: Mapped[list[str]] = mapped_column(JSON, default=list)  # 搜索关键词 (俗称)
    # Search keys of the name and the keywords, space separated (``catalog.search``).
    pinyin: Mapped[str] = mapped_column(Text, default="")
    initials: Mapped[str] = mapped_column(Text, default="")


class MatterOverride(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """一级对事项的本级调整 (implementation list 实施清单): holds for the site and below.

    ``None`` means "as inherited". Name, code, basis and type cannot be overridden (四级四同).
    """

    __tablename__ = "catalog_overrides"
    __table_args__ = (UniqueConstraint("tenant_id", "site_id", "matter_code"),)

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"), index=True)
    matter_code: Mapped[str] = mapped_column(String(64))
    offered: Mapped[bool | None] = mapped_column(Boolean)
    promised_limit_days: Mapped[int | None] = mapped_column(Integer)
    accepted_here: Mapped[bool | None] = mapped_column(Boolean)
    processed_here: Mapped[bool | None] = mapped_column(Boolean)
    comprehensive_window: Mapped[bool | None] = mapped_column(Boolean)
    # [{name, waived, note}]: waive a material or add a local note; never rename.
    materials: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    acceptance_place: Mapped[str | None] = mapped_column(String(200))  # 受理地点
    processing_place: Mapped[str | None] = mapped_column(String(200))  # 办理地点


class Delegation(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """委托下放: the acceptance right (受理权) and/or the processing right (经办权) of a matter
    given to a township centre or a village station (with ``include_below``: also every station
    under it)."""

    __tablename__ = "catalog_delegations"
    __table_args__ = (UniqueConstraint("tenant_id", "matter_code", "site_id"),)

    matter_code: Mapped[str] = mapped_column(String(64))
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"), index=True)
    accept: Mapped[bool] = mapped_column(Boolean, default=False)
    process: Mapped[bool] = mapped_column(Boolean, default=False)
    include_below: Mapped[bool] = mapped_column(Boolean, default=False)


class Bundle(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """一件事: several matters applied for at once (one form, one set of materials)."""

    __tablename__ = "catalog_bundles"
    __table_args__ = (UniqueConstraint("tenant_id", "code"),)

    code: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    form_name: Mapped[str] = mapped_column(String(200))  # 一表申请
    matter_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    promised_limit_days: Mapped[int | None] = mapped_column(Integer)  # None: combined


class ChangeRequest(UUIDPrimaryKey, TenantScoped, Base):
    """变更申请: every edit of the catalog. Applied to the working tables when approved."""

    __tablename__ = "catalog_changes"
    __table_args__ = (Index("ix_catalog_changes_tenant_status", "tenant_id", "status"),)

    kind: Mapped[ChangeKind] = mapped_column(_enum(ChangeKind))
    status: Mapped[ChangeStatus] = mapped_column(_enum(ChangeStatus), default=ChangeStatus.PENDING)
    matter_code: Mapped[str | None] = mapped_column(String(64))
    site_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("sites.id"))
    department_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("catalog_departments.id")
    )
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(String(300))
    proposed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    proposed_by_label: Mapped[str] = mapped_column(String(128))
    proposed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewed_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reviewed_by_label: Mapped[str | None] = mapped_column(String(128))
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    comment: Mapped[str | None] = mapped_column(Text)
    released_in: Mapped[int | None] = mapped_column(Integer)  # the release that published it
    # What the change was based on (``catalog.bases``): {"exists": bool, "values": {...}} of its
    # target when it was proposed; None for changes recorded before bases were kept.
    base: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Release(UUIDPrimaryKey, TenantScoped, Base):
    """发布版本: an immutable, numbered snapshot of the approved catalog (同源发布)."""

    __tablename__ = "catalog_releases"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    number: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    published_by_label: Mapped[str] = mapped_column(String(128))
    note: Mapped[str] = mapped_column(Text, default="")
    matter_count: Mapped[int] = mapped_column(Integer)
    change_count: Mapped[int] = mapped_column(Integer)
    # zlib-compressed JSON of the whole approved catalog at publishing time.
    snapshot: Mapped[bytes] = deferred(mapped_column(LargeBinary))


class CatalogState(UUIDPrimaryKey, TenantScoped, Base):
    """Per county: the latest release and a counter bumped by every approved change."""

    __tablename__ = "catalog_state"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    latest_release: Mapped[int] = mapped_column(Integer, default=0)
    draft_version: Mapped[int] = mapped_column(Integer, default=0)
