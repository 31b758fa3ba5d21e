"""Accounts: creating users, signing in, and turning a token into an ``Actor``."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Select, Uuid, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts import throttle
from accounts.models import User, UserStatus
from accounts.passwords import check_password, hash_password, verify_password
from authz.guard import Actor, require_somewhere
from tenants import audit, counters
from tenants.base import utcnow
from tenants.context import session_tenant
from tenants.database import Database
from tenants.errors import Collector, check_length, refuse
from tenants.models import Tenant, TenantStatus

USERNAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")

# Checks that a staff record (workforce, a layer above) may be linked to a new account by this
# actor: it exists in the county and lies within the actor's scope. Set at composition.
StaffLinkCheck = Callable[[AsyncSession, Actor, uuid.UUID], Awaitable[None]]
_staff_link_check: StaffLinkCheck | None = None


def use_staff_link_check(check: StaffLinkCheck) -> None:
    global _staff_link_check
    _staff_link_check = check


def _check_user_fields(
    errors: Collector, username: str, password: str, display_name: str | None
) -> None:
    if not USERNAME_RE.match(username or ""):
        errors.add(
            "username",
            "INVALID_USERNAME",
            "用户名为 2-64 位字母、数字、点、下划线或连字符,且以字母或数字开头",
        )
    check_password(errors, password, username)
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
        password_hash=await hash_password(password),
        staff_id=staff_id,
    )
    session.add(user)
    if user_tenant := session_tenant(session):
        user.tenant_id = user_tenant
        details = {"username": username}
        if staff_id is not None:
            details["staffId"] = str(staff_id)  # the link to a person's record is audited
        audit.record(session, actor_label, "user.create", "User", user.id, details)
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
    if staff_id is not None:
        await _check_staff_link(session, actor, staff_id)
    return await new_user(
        session,
        actor.label,
        username=username,
        password=password,
        display_name=display_name,
        staff_id=staff_id,
    )


async def _check_staff_link(session: AsyncSession, actor: Actor, staff_id: uuid.UUID) -> None:
    """A staff record is linked to one account at most, by someone whose scope covers it."""
    if _staff_link_check is None:
        raise refuse("staffId", "NOT_FOUND", "人员不存在")
    await _staff_link_check(session, actor, staff_id)
    linked = await session.execute(select(User.id).where(User.staff_id == staff_id).limit(1))
    if linked.first() is not None:
        raise refuse("staffId", "ALREADY_LINKED", "该人员已有登录账号")


async def _managed_user(session: AsyncSession, actor: Actor, user_id: uuid.UUID) -> User:
    """An account of the session's county that ``actor`` may disable, enable or unlock: county
    administrators in their county, platform operators in any county they name."""
    user = await session.get(User, user_id)
    if user is None or user.tenant_id is None:
        raise refuse("userId", "NOT_FOUND", "用户不存在")
    if not actor.is_operator:
        await require_somewhere(session, actor, "user", "disable")
    return user


async def county_by_code(session: AsyncSession, code: str) -> Tenant | None:
    """The county whose administrative code is ``code`` (a platform operator names it)."""
    return (await session.execute(select(Tenant).where(Tenant.code == code))).scalar_one_or_none()


async def set_status(
    session: AsyncSession, actor: Actor, user_id: uuid.UUID, status: UserStatus
) -> User:
    """停用 / 启用 an account of the county: a disabled user's tokens stop at the next request."""
    user = await _managed_user(session, actor, user_id)
    if user.id == actor.user_id and status is UserStatus.DISABLED:
        raise refuse("userId", "CANNOT_DISABLE_SELF", "不能停用自己的账号")
    if user.status is not status:
        user.status = status
        verb = "user.disable" if status is UserStatus.DISABLED else "user.enable"
        audit.record(session, actor.label, verb, "User", user.id, {"username": user.username})
    return user


async def unlock(session: AsyncSession, actor: Actor, user_id: uuid.UUID) -> User:
    """解锁: lift the lock that repeated failed sign-ins put on an account."""
    user = await _managed_user(session, actor, user_id)
    tenant = await session.get(Tenant, user.tenant_id)
    await throttle.clear(
        session, throttle.username_key(tenant.code if tenant else None, user.username)
    )
    audit.record(session, actor.label, "user.unlock", "User", user.id, {"username": user.username})
    return user


async def authenticate(
    db: Database, tenant_code: str | None, username: str, password: str
) -> User | None:
    """The user whose credentials these are, or None (same answer for every kind of failure).

    The password is verified with no database connection held: a burst of sign-ins waits for
    the hashing threads (``accounts.passwords``), not in the pool every request needs."""
    tenant_id: uuid.UUID | None = None
    if tenant_code:
        async with db.session(None) as session:
            tenant = (
                await session.execute(select(Tenant).where(Tenant.code == tenant_code))
            ).scalar_one_or_none()
        if tenant is None or tenant.status is not TenantStatus.ACTIVE:
            await verify_password(None, password)
            return None
        tenant_id = tenant.id
    async with db.session(tenant_id) as session:
        user = (
            await session.execute(select(User).where(User.username == username))
        ).scalar_one_or_none()
    if user is None or user.status is not UserStatus.ACTIVE:
        await verify_password(None, password)
        return None
    if not await verify_password(user.password_hash, password):
        return None
    async with db.transaction(tenant_id) as session:
        await session.execute(update(User).where(User.id == user.id).values(last_login_at=utcnow()))
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


class Executes(Protocol):
    """A connection's ``execute``: a plain connection, or the request's shared one."""

    async def execute(self, statement: Any, parameters: Any = None) -> Any: ...


async def load_actor(
    db: Database,
    user_id: uuid.UUID,
    tenant_id: uuid.UUID | None,
    connection: Executes | None = None,
) -> SignedIn | None:
    """The actor behind a verified token; None when the user or the county is gone or disabled.

    One Core statement, because every authenticated request runs it: on ``connection`` (a
    request's read connection in ``tenant_id``, which the request then goes on using) or on a
    connection of its own.
    """
    names, statement = _actor.get()
    parameters = {"user_id": user_id, "tenant_id": tenant_id}
    if connection is not None:
        row = (await connection.execute(statement, parameters)).first()
    else:
        async with db.read_connection(tenant_id) as conn:
            row = (await conn.execute(statement, parameters)).first()
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
