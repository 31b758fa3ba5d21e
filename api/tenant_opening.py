"""Opening a county: the platform operator's explicit, audited path across tenants."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import User
from accounts.roles import bind
from accounts.service import new_user
from assessment.rubric import seed_rubric
from authz.guard import Actor
from authz.roles import Role
from network.models import Site
from network.service import Location, check_location, create_county_center
from tenants import audit
from tenants.database import Database
from tenants.errors import Collector, check_length
from tenants.models import Tenant
from tenants.policy import default_policy

COUNTY_CODE_RE = re.compile(r"^[1-8][0-9]{5}$")


@dataclass
class OpenedTenant:
    tenant: Tenant
    county_center: Site
    admin: User | None


async def create_tenant(
    db: Database,
    session: AsyncSession,
    actor: Actor,
    *,
    code: str,
    name: str,
    admin_username: str | None = None,
    admin_password: str | None = None,
    admin_display_name: str | None = None,
    location: Location | None = None,
) -> OpenedTenant:
    """Create a county, its county centre and (optionally) its first county administrator.

    ``session`` starts without a tenant; this switches it into the new county explicitly and
    leaves an audit record there.
    """
    actor.require_operator("tenant.create")
    errors = Collector()
    if not COUNTY_CODE_RE.match(code or ""):
        errors.add("code", "INVALID_DIVISION_CODE", "县级区划代码应为 6 位数字")
    if not (name or "").strip():
        errors.add("name", "REQUIRED", "县名不能为空")
    check_length(errors, "name", name, 64, "县名")
    check_location(errors, location)
    if not errors.errors:
        taken = await session.execute(select(Tenant.id).where(Tenant.code == code))
        if taken.first() is not None:
            errors.add("code", "DUPLICATE_TENANT", f"区划代码 {code} 的县已开通")
    errors.raise_if_any()

    tenant = Tenant(id=uuid.uuid4(), code=code, name=name.strip(), settings=default_policy())
    session.add(tenant)
    await session.flush()
    await db.switch_tenant(session, tenant.id)
    root = await create_county_center(
        session, name=tenant.name, division_code=code, location=location
    )
    await seed_rubric(session, actor.label)  # 考核细则, version 1 from 001's annex
    admin = None
    if admin_username:
        admin = await new_user(
            session,
            actor.label,
            username=admin_username,
            password=admin_password or "",
            display_name=admin_display_name or f"{tenant.name}管理员",
        )
        await session.flush()
        await bind(session, actor.label, admin, Role.COUNTY_ADMIN, root)
    audit.record(
        session,
        actor.label,
        "tenant.create",
        "Tenant",
        tenant.id,
        {"code": code, "name": tenant.name},
        "平台运营开通县级租户",
    )
    await session.flush()
    return OpenedTenant(tenant, root, admin)
