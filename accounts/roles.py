"""Granting and revoking roles: nobody grants a role wider than their own."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import User
from authz.guard import Actor
from authz.models import RoleBinding
from authz.roles import TENANT_ROLES, Role, role_object
from network.access import require
from network.models import Site, SiteLevel, SiteStatus
from tenants import audit
from tenants.errors import refuse
from tenants.models import Tenant

# The site levels at which a role makes sense; binding elsewhere is a user error.
ROLE_SCOPE_LEVELS: dict[Role, frozenset[SiteLevel]] = {
    Role.COUNTY_ADMIN: frozenset({SiteLevel.COUNTY_CENTER}),
    Role.SUPERVISOR: frozenset({SiteLevel.COUNTY_CENTER}),
    Role.DEPARTMENT_ADMIN: frozenset({SiteLevel.SUB_CENTER, SiteLevel.COUNTY_CENTER}),
    Role.TOWNSHIP_HEAD: frozenset({SiteLevel.TOWNSHIP_CENTER}),
    Role.STATION_MANAGER: frozenset({SiteLevel.VILLAGE_STATION, SiteLevel.TOWNSHIP_CENTER}),
    Role.WINDOW_STAFF: frozenset(SiteLevel),
    Role.APPROVER: frozenset({SiteLevel.COUNTY_CENTER, SiteLevel.SUB_CENTER}),
}

ROLE_LABEL: dict[Role, str] = {
    Role.COUNTY_ADMIN: "县政务服务管理办公室管理员",
    Role.DEPARTMENT_ADMIN: "业务主管部门管理员",
    Role.TOWNSHIP_HEAD: "镇(街道)便民服务中心负责人",
    Role.STATION_MANAGER: "便民服务站站长",
    Role.WINDOW_STAFF: "窗口工作人员",
    Role.APPROVER: "审批人员",
    Role.SUPERVISOR: "监督人员",
}


async def bump_authz_version(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    """Tell every process's enforcer cache that this county's bindings changed."""
    await session.execute(
        update(Tenant).where(Tenant.id == tenant_id).values(authz_version=Tenant.authz_version + 1)
    )


async def _resolve(
    session: AsyncSession, user_id: uuid.UUID, role: str, site_id: uuid.UUID
) -> tuple[User, Role, Site]:
    try:
        parsed = Role(role)
    except ValueError:
        raise refuse("role", "UNKNOWN_ROLE", f"未知角色「{role}」") from None
    if parsed not in TENANT_ROLES:
        raise refuse("role", "UNKNOWN_ROLE", "平台运营角色不能在县内授予")
    user = await session.get(User, user_id)
    if user is None:
        raise refuse("userId", "NOT_FOUND", "用户不存在")
    site = await session.get(Site, site_id)
    if site is None:
        raise refuse("scopeId", "NOT_FOUND", "场所不存在")
    return user, parsed, site


async def bind(
    session: AsyncSession, actor_label: str, user: User, role: Role, site: Site
) -> RoleBinding:
    """Store a binding without checks (tenant creation, demo loading)."""
    binding = RoleBinding(user_id=user.id, role=role.value, site_id=site.id, granted_by=actor_label)
    session.add(binding)
    await bump_authz_version(session, site.tenant_id)
    audit.record(
        session,
        actor_label,
        "role.grant",
        "User",
        user.id,
        {"role": role.value, "site": str(site.id)},
    )
    return binding


async def grant_role(
    session: AsyncSession, actor: Actor, user_id: uuid.UUID, role: str, site_id: uuid.UUID
) -> User:
    user, parsed, site = await _resolve(session, user_id, role, site_id)
    await require(session, actor, role_object(parsed), "grant", site.id, site.official_name)
    if site.level not in ROLE_SCOPE_LEVELS[parsed]:
        raise refuse("scopeId", "INVALID_SCOPE", f"「{ROLE_LABEL[parsed]}」不能授予在此级别的场所")
    if site.status is SiteStatus.CLOSED:
        raise refuse("scopeId", "SITE_CLOSED", "场所已撤销")
    existing = await session.execute(
        select(RoleBinding.id).where(
            RoleBinding.user_id == user.id,
            RoleBinding.role == parsed.value,
            RoleBinding.site_id == site.id,
        )
    )
    if existing.first() is not None:
        raise refuse("role", "ALREADY_GRANTED", "该用户在此场所已有此角色")
    await bind(session, actor.label, user, parsed, site)
    return user


async def revoke_role(
    session: AsyncSession, actor: Actor, user_id: uuid.UUID, role: str, site_id: uuid.UUID
) -> User:
    user, parsed, site = await _resolve(session, user_id, role, site_id)
    await require(session, actor, role_object(parsed), "grant", site.id, site.official_name)
    binding = (
        await session.execute(
            select(RoleBinding).where(
                RoleBinding.user_id == user.id,
                RoleBinding.role == parsed.value,
                RoleBinding.site_id == site.id,
            )
        )
    ).scalar_one_or_none()
    if binding is None:
        raise refuse("role", "NOT_GRANTED", "该用户在此场所没有此角色")
    if user.id == actor.user_id and parsed is Role.COUNTY_ADMIN:
        raise refuse("role", "CANNOT_REVOKE_SELF", "不能撤销自己的县级管理员角色")
    await session.delete(binding)
    await bump_authz_version(session, site.tenant_id)
    audit.record(
        session,
        actor.label,
        "role.revoke",
        "User",
        user.id,
        {"role": parsed.value, "site": str(site.id)},
    )
    return user


async def roles_of(
    session: AsyncSession, user_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[RoleBinding]]:
    rows = await session.execute(
        select(RoleBinding)
        .where(RoleBinding.user_id.in_(user_ids))
        .order_by(RoleBinding.created_at, RoleBinding.role)
    )
    result: dict[uuid.UUID, list[RoleBinding]] = {uid: [] for uid in user_ids}
    for binding in rows.scalars():
        result[binding.user_id].append(binding)
    return result
