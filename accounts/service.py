"""Accounts: creating users, signing in, and turning a token into an ``Actor``."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Select, Uuid, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import User, UserStatus
from accounts.passwords import hash_password, verify_password
from authz.guard import Actor, require_somewhere
from tenants import audit, counters
from tenants.base import utcnow
from tenants.context import session_tenant
from tenants.database import Database
from tenants.errors import Collector, check_length
from tenants.models import Tenant, TenantStatus

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
PASSWORD_MIN = 8
PASSWORD_MAX = 128


def _check_user_fields(
    errors: Collector, username: str, password: str, display_name: str | None
) -> None:
    if not USERNAME_RE.match(username or ""):
        errors.add(
            "username",
            "INVALID_USERNAME",
            "用户名为 2-64 位字母、数字、点、下划线或连字符,且以字母或数字开头",
        )
    if len(password or "") < PASSWORD_MIN:
        errors.add("password", "WEAK_PASSWORD", f"密码至少 {PASSWORD_MIN} 位")
    check_length(errors, "password", password, PASSWORD_MAX, "密码")
    check_length(errors, "displayName", display_name, 64, "姓名")


async def _username_taken(session: AsyncSession, username: str) -> bool:
    found = await session.execute(select(User.id).where(User.username == username).limit(1))
    return found.first() is not None


async def new_user(
    session: AsyncSession,
    actor_label: str,
    *,
    username: str,
    password: str,
    display_name: str | None,
    staff_id: uuid.UUID | None = None,
) -> User:
    """Create a user in the session's tenant (or a platform operator in a tenant-less session)."""
    errors = Collector()
    _check_user_fields(errors, username, password, display_name)
    if not errors.errors and await _username_taken(session, username):
        errors.add("username", "DUPLICATE_USERNAME", f"用户名「{username}」已存在")
    errors.raise_if_any()
    user = User(
        id=uuid.uuid4(),
        username=username,
        display_name=(display_name or username).strip() or username,
        password_hash=hash_password(password),
        staff_id=staff_id,
    )
    session.add(user)
    if user_tenant := session_tenant(session):
        user.tenant_id = user_tenant
        audit.record(session, actor_label, "user.create", "User", user.id, {"username": username})
    return user


async def create_user(
    session: AsyncSession,
    actor: Actor,
    *,
    username: str,
    password: str,
    display_name: str | None,
    staff_id: uuid.UUID | None = None,
) -> User:
    await require_somewhere(session, actor, "user", "create")
    return await new_user(
        session,
        actor.label,
        username=username,
        password=password,
        display_name=display_name,
        staff_id=staff_id,
    )


async def authenticate(
    db: Database, tenant_code: str | None, username: str, password: str
) -> User | None:
    """The user whose credentials these are, or None (same answer for every kind of failure)."""
    tenant_id: uuid.UUID | None = None
    if tenant_code:
        async with db.session(None) as session:
            tenant = (
                await session.execute(select(Tenant).where(Tenant.code == tenant_code))
            ).scalar_one_or_none()
        if tenant is None or tenant.status is not TenantStatus.ACTIVE:
            verify_password(None, password)
            return None
        tenant_id = tenant.id
    async with db.transaction(tenant_id) as session:
        user = (
            await session.execute(select(User).where(User.username == username))
        ).scalar_one_or_none()
        if user is None or user.status is not UserStatus.ACTIVE:
            verify_password(None, password)
            return None
        if not verify_password(user.password_hash, password):
            return None
        user.last_login_at = utcnow()
        return user


@dataclass(frozen=True)
class SignedIn:
    """The caller of an authenticated request, with its county's counters (``tenants.counters``)."""

    actor: Actor
    counters: Mapping[str, int]


def _actor_statement() -> Select:
    """User joined to its county, plus the county's counters."""
    users, tenants = User.__table__, Tenant.__table__
    return (
        select(
            users.c.username,
            users.c.status,
            users.c.staff_id,
            tenants.c.status,
            tenants.c.authz_version,
            *counters.columns(users.c.tenant_id),
        )
        .select_from(users.outerjoin(tenants, tenants.c.id == users.c.tenant_id))
        .where(users.c.id == bindparam("user_id"))
        # A Core statement: the tenant is named here, not added by the ORM filter.
        .where(users.c.tenant_id.is_not_distinct_from(bindparam("tenant_id", type_=Uuid)))
    )


_actor = counters.WithCounters(_actor_statement)


async def load_actor(
    db: Database, user_id: uuid.UUID, tenant_id: uuid.UUID | None
) -> SignedIn | None:
    """The actor behind a verified token; None when the user or the county is gone or disabled.

    One statement on a plain connection, because every authenticated request runs it.
    """
    names, statement = _actor.get()
    async with db.read_connection(tenant_id) as conn:
        row = (await conn.execute(statement, {"user_id": user_id, "tenant_id": tenant_id})).first()
    if row is None:
        return None
    username, status, staff_id, tenant_status, version, *values = row
    if UserStatus(status) is not UserStatus.ACTIVE:
        return None
    if tenant_id is not None and TenantStatus(tenant_status) is not TenantStatus.ACTIVE:
        return None
    actor = Actor(
        user_id=user_id,
        tenant_id=tenant_id,
        username=username,
        authz_version=version or 0,
        is_operator=tenant_id is None,
        staff_id=staff_id,
    )
    return SignedIn(actor, dict(zip(names, values, strict=True)) if tenant_id else {})
