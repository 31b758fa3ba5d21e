"""Tenant (a county), the ``TenantScoped`` mixin and the audit trail."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
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
    """全程留痕: one row for every change a user makes. Append-only and chained by hash per
    county (``tenants.audit``): ``seq`` numbers the county's rows 1, 2, …; ``hash`` covers the
    row's content and ``prev_hash``, the hash of the row before it."""

    __tablename__ = "audit_events"
    __table_args__ = (
        UniqueConstraint("tenant_id", "seq"),
        Index("ix_audit_events_tenant_object", "tenant_id", "object_id"),
        Index("ix_audit_events_tenant_at", "tenant_id", "at"),
    )

    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    action: Mapped[str] = mapped_column(String(64))
    object_type: Mapped[str] = mapped_column(String(64))
    object_id: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    seq: Mapped[int] = mapped_column(BigInteger)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditChainHead(UUIDPrimaryKey, TenantScoped, Base):
    """The last link of a county's audit chain. Every append advances it with one upsert, which
    locks the row until the transaction ends: a county's appends never fork the chain."""

    __tablename__ = "audit_chain_heads"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    seq: Mapped[int] = mapped_column(BigInteger, default=0)
    hash: Mapped[str] = mapped_column(String(64))
    # The last row's ``prev_hash``: the upsert that appends a row in the database returns it
    # (``tenants.audit.append_after``), as ``RETURNING`` gives only the values it wrote.
    prev_hash: Mapped[str | None] = mapped_column(String(64))


def tenant_scoped_models() -> list[type]:
    """Every mapped class that carries ``tenant_id`` (for the isolation suite and RLS checks)."""
    return sorted(
        (m.class_ for m in Base.registry.mappers if issubclass(m.class_, TenantScoped)),
        key=lambda c: c.__name__,
    )
