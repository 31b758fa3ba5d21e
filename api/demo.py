"""``onewindow demo``: two counties shaped like the source documents, with demo accounts."""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass

from sqlalchemy import select

from accounts.roles import bind
from accounts.service import new_user
from api.tenant_opening import create_tenant
from authz.guard import Actor
from authz.roles import Role
from network.demo import load_sites
from network.demo_data import lanling, lianshui
from tenants.database import Database
from tenants.models import Tenant

log = logging.getLogger("onewindow.demo")

DEMO_PASSWORD = "onewindow-demo"
# Each domain adds its demo data after the network: ``async def load(session, admin, county,
# sites)`` with the county administrator as actor and the sites by demo key.
DEMO_EXTENSIONS: tuple[str, ...] = (
    "workforce.demo:load",
    "catalog.demo:load",
    "casework.demo:load",
    "assessment.demo:load",
    "pay.demo:load",
)
OPERATOR = "operator"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: Role | None
    site_key: str | None


LIANSHUI_ACCOUNTS = (
    DemoAccount("county-admin", "涟水县政务服务管理办公室", Role.COUNTY_ADMIN, "county"),
    DemoAccount("hr-dept-admin", "人社局业务管理员", Role.DEPARTMENT_ADMIN, "sub.hr"),
    DemoAccount("gaogou-head", "高沟镇便民服务中心负责人", Role.TOWNSHIP_HEAD, "gaogou"),
    DemoAccount("yandian-staff", "盐店村便民服务站专员", Role.WINDOW_STAFF, "gaogou.yandian"),
    DemoAccount("supervisor", "县效能办", Role.SUPERVISOR, "county"),
)
LANLING_ACCOUNTS = (
    DemoAccount("county-admin", "兰陵县政务服务管理办公室", Role.COUNTY_ADMIN, "county"),
)
DEMO_ACCOUNTS = {"320826": LIANSHUI_ACCOUNTS, "371324": LANLING_ACCOUNTS}


async def load_demo(db: Database) -> bool:
    """Load the demo once; returns False when it was already there."""
    async with db.transaction(None) as session:
        if (await session.execute(select(Tenant.id).where(Tenant.code == "320826"))).first():
            return False
        operator_user = await new_user(
            session, "demo", username=OPERATOR, password=DEMO_PASSWORD, display_name="平台运营"
        )
    operator = Actor(user_id=operator_user.id, tenant_id=None, username=OPERATOR, is_operator=True)
    for county in (lianshui(), lanling()):
        accounts = DEMO_ACCOUNTS[county.code]
        admin_account = accounts[0]
        async with db.transaction(None) as session:
            opened = await create_tenant(
                db,
                session,
                operator,
                code=county.code,
                name=county.name,
                admin_username=admin_account.username,
                admin_password=DEMO_PASSWORD,
                admin_display_name=admin_account.display_name,
            )
            tenant = await session.get(Tenant, opened.tenant.id)
            # The demo is entered the way the county office would: as its administrator.
            admin = Actor(
                user_id=opened.admin.id,  # type: ignore[union-attr]
                tenant_id=tenant.id,  # type: ignore[union-attr]
                username=admin_account.username,
                authz_version=tenant.authz_version,  # type: ignore[union-attr]
            )
            sites = await load_sites(session, admin, county, opened.county_center)
            for account in accounts[1:]:
                user = await new_user(
                    session,
                    admin.label,
                    username=account.username,
                    password=DEMO_PASSWORD,
                    display_name=account.display_name,
                )
                await session.flush()
                if account.role and account.site_key:
                    await bind(session, admin.label, user, account.role, sites[account.site_key])
            await session.flush()
            for path in DEMO_EXTENSIONS:
                module_name, _, function = path.partition(":")
                loader = getattr(importlib.import_module(module_name), function)
                await loader(session, admin, county, sites)
        log.info("demo county %s %s loaded", county.code, county.name)
    return True
