"""The 1+7+N site network: county centre, sub-centres, township centres, village stations."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from tenants.base import Base, Timestamped, UUIDPrimaryKey
from tenants.models import TenantScoped


class SiteLevel(enum.StrEnum):
    COUNTY_CENTER = "COUNTY_CENTER"  # 县政务服务中心
    SUB_CENTER = "SUB_CENTER"  # 分中心
    TOWNSHIP_CENTER = "TOWNSHIP_CENTER"  # 镇(街道)便民服务中心
    VILLAGE_STATION = "VILLAGE_STATION"  # 村(社区)便民服务站


class StandardClass(enum.StrEnum):
    BASIC = "BASIC"  # 基础型
    STANDARD = "STANDARD"  # 标准型
    BENCHMARK = "BENCHMARK"  # 标杆型


class ZoneKind(enum.StrEnum):
    """功能分区 (001): small sites may merge zones."""

    CONSULTATION = "CONSULTATION"  # 咨询引导
    WINDOWS = "WINDOWS"  # 窗口服务
    SELF_SERVICE = "SELF_SERVICE"  # 自助服务
    PUBLIC_INFORMATION = "PUBLIC_INFORMATION"  # 政务公开
    WAITING = "WAITING"  # 休息等候


class SiteStatus(enum.StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=24, validate_strings=True)


class Site(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """一个服务场所. Closed, never deleted."""

    __tablename__ = "sites"
    __table_args__ = (
        UniqueConstraint("tenant_id", "parent_id", "name"),
        Index("ix_sites_tenant_level", "tenant_id", "level"),
        Index("ix_sites_tenant_division_code", "tenant_id", "division_code"),
    )

    parent_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("sites.id"), index=True)
    level: Mapped[SiteLevel] = mapped_column(_enum(SiteLevel))
    depth: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    official_name: Mapped[str] = mapped_column(String(200))
    division_code: Mapped[str] = mapped_column(String(12))
    address: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None] = mapped_column(Float)
    lng: Mapped[float | None] = mapped_column(Float)
    standard_class: Mapped[StandardClass] = mapped_column(
        _enum(StandardClass), default=StandardClass.BASIC
    )
    opening_hours: Mapped[str | None] = mapped_column(String(200))
    managing_department: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[SiteStatus] = mapped_column(_enum(SiteStatus), default=SiteStatus.OPEN)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_reason: Mapped[str | None] = mapped_column(Text)
    # 功能分区: [{"kind": ZoneKind, "mergedWith": ZoneKind | None, "note": str | None}]
    zones: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)


class SiteClosure(TenantScoped, Base):
    """Closure table of the site tree: one row per (ancestor, descendant), self included.

    Authorization walks ancestors and the catalog folds overrides along them; both read this
    table with one indexed query on SQLite and PostgreSQL alike.
    """

    __tablename__ = "site_closure"
    __table_args__ = (Index("ix_site_closure_descendant", "descendant_id", "depth"),)

    ancestor_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"), primary_key=True)
    descendant_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"), primary_key=True)
    depth: Mapped[int] = mapped_column(Integer)
