"""Tenant (a county), the ``TenantScoped`` mixin and the audit trail."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from tenants.base import Base, Timestamped, UUIDPrimaryKey, utcnow
from tenants.policy import default_policy


class TenantStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    SUSPENDED = "SUSPENDED"


class Tenant(UUIDPrimaryKey, Timestamped, Base):
    """一个县(市、区): the unit of tenancy. Not tenant-scoped itself."""

    __tablename__ = "tenants"

    code: Mapped[str] = mapped_column(String(6), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    status: Mapped[TenantStatus] = mapped_column(
        Enum(TenantStatus, native_enum=False, length=16), default=TenantStatus.ACTIVE
    )
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=default_policy)
    # Bumped on every change of role bindings or tenant policies so that cached enforcers of
    # every process notice it.
    authz_version: Mapped[int] = mapped_column(default=0)


class TenantScoped:
    """Mixin for every tenant-owned table.

    Reads are filtered to the session's tenant and inserts get its ``tenant_id``
    (``tenants.context``); on PostgreSQL row-level security enforces the same.
    """

    __tenant_nullable__: ClassVar[bool] = False

    @declared_attr
    def tenant_id(cls) -> Mapped[uuid.UUID]:
        return mapped_column(
            Uuid,
            ForeignKey("tenants.id"),
            index=True,
            nullable=cls.__tenant_nullable__,
        )


class AuditEvent(UUIDPrimaryKey, TenantScoped, Base):
    """全程留痕: one row for every change a user makes."""

    __tablename__ = "audit_events"

    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)


def tenant_scoped_models() -> list[type]:
    """Every mapped class that carries ``tenant_id`` (for the isolation suite and RLS checks)."""
    return sorted(
        (m.class_ for m in Base.registry.mappers if issubclass(m.class_, TenantScoped)),
        key=lambda c: c.__name__,
    )
