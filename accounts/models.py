"""Accounts: users of a county, and platform operators (users of no county)."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import DateTime, Enum, Integer, String, UniqueConstraint, Uuid
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
    # One account per person: a staff record is linked at most once (NULLs do not collide).
    __table_args__ = (
        UniqueConstraint("tenant_id", "username"),
        UniqueConstraint("tenant_id", "staff_id"),
    )

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


class LoginThrottle(Base):
    """Failed sign-ins counted per key (a county's username, or a client address).

    Not a county's data: it is read before anyone is known, by every process, so it lives in the
    database (shared by all workers) and not in memory. A key over its limit is refused until
    its window passes or an administrator unlocks the account (``unlockUser``).
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
