"""Accounts: users of a county, and platform operators (users of no county)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import DateTime, Enum, String, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tenants.base import Base, Timestamped, UUIDPrimaryKey
from tenants.models import TenantScoped


class UserStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    DISABLED = "DISABLED"


class User(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """一个登录账号. ``tenant_id`` is NULL only for platform operators (平台运营)."""

    __tablename__ = "users"
    __tenant_nullable__ = True
    __table_args__ = (UniqueConstraint("tenant_id", "username"),)

    username: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(64))
    password_hash: Mapped[str] = mapped_column(String(256))
    status: Mapped[UserStatus] = mapped_column(
        Enum(UserStatus, native_enum=False, length=16), default=UserStatus.ACTIVE
    )
    # A window worker's account points at their staff record (workforce), when there is one.
    staff_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    @property
    def is_platform_operator(self) -> bool:
        return self.tenant_id is None
