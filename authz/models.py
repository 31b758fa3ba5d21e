"""Role bindings (casbin ``g`` lines) and per-tenant policy extensions (``p`` lines)."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tenants.base import Base, Timestamped, UUIDPrimaryKey
from tenants.models import TenantScoped


class RoleBinding(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """``g, user:<id>, <role>, site:<id>``: the role holds at the site and all its descendants."""

    __tablename__ = "role_bindings"
    __table_args__ = (UniqueConstraint("user_id", "role", "site_id"),)

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("users.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"), index=True)
    granted_by: Mapped[str | None] = mapped_column(String(128))


class PolicyRule(UUIDPrimaryKey, TenantScoped, Base):
    """``p, <role>, <object>, <action>``: a county's addition to the checked-in default policy."""

    __tablename__ = "policy_rules"
    __table_args__ = (UniqueConstraint("tenant_id", "role", "obj", "act"),)

    role: Mapped[str] = mapped_column(String(32))
    obj: Mapped[str] = mapped_column(String(64))
    act: Mapped[str] = mapped_column(String(32))
