"""Counties, sites and users for tests, built through the real services.

``make_county`` opens a county (its centre and administrator) and adds a small network and one
user per role; :data:`ROLE_USERS` names who holds which role where.
"""

from __future__ import annotations

import itertools
import os
import uuid
from dataclasses import dataclass, field

from accounts.models import User
from accounts.roles import bind
from accounts.service import new_user
from accounts.tokens import issue_token
from api.gql.ids import global_id
from api.settings import Settings
from api.tenant_opening import create_tenant
from authz.guard import Actor
from authz.roles import Role
from network import service as network
from network.models import Site, SiteLevel
from tenants.database import Database
from tenants.models import Tenant

PASSWORD = "test-password-1"
TEST_SECRET = "onewindow-test-secret-key-0123456789abcdef"

_codes = itertools.count(110000 + os.getpid() % 50 * 1000)


def next_county_code() -> str:
    """A fresh 6-digit county code: tests make their own counties instead of cleaning up."""
    return str(next(_codes))


@dataclass
class County:
    """A small county: root, one sub-centre, two townships with two villages and one village."""

    db: Database
    tenant_id: uuid.UUID
    code: str
    name: str
    sites: dict[str, Site] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)

    def site_gid(self, key: str) -> str:
        return global_id("Site", self.sites[key].id)

    def user_gid(self, key: str) -> str:
        return global_id("User", self.users[key].id)

    async def actor(self, username: str) -> Actor:
        user = self.users[username]
        async with self.db.session(self.tenant_id) as session:
            tenant = await session.get(Tenant, self.tenant_id)
        return Actor(
            user_id=user.id,
            tenant_id=self.tenant_id,
            username=user.username,
            authz_version=tenant.authz_version,  # type: ignore[union-attr]
        )

    def token(self, username: str) -> str:
        return issue_token(
            Settings(secret_key=TEST_SECRET), self.users[username].id, self.tenant_id
        )

    async def add_user(
        self, username: str, role: Role | None = None, site: str | None = None
    ) -> User:
        async with self.db.transaction(self.tenant_id) as session:
            user = await new_user(
                session, "test", username=username, password=PASSWORD, display_name=username
            )
            await session.flush()
            if role is not None and site is not None:
                await bind(
                    session, "test", user, role, await session.get(Site, self.sites[site].id)
                )
        self.users[username] = user
        return user


LAYOUT = (
    # key, parent key, level, name, code suffix
    ("sub", "root", SiteLevel.SUB_CENTER, "人社综合", None),
    ("town_a", "root", SiteLevel.TOWNSHIP_CENTER, "甲镇", "101"),
    ("town_b", "root", SiteLevel.TOWNSHIP_CENTER, "乙镇", "102"),
    ("village_a1", "town_a", SiteLevel.VILLAGE_STATION, "一村", "201"),
    ("village_a2", "town_a", SiteLevel.VILLAGE_STATION, "二村", "202"),
    ("village_b1", "town_b", SiteLevel.VILLAGE_STATION, "三村", "201"),
)

# role → (the user holding it in every county ``make_county`` builds, the site it is bound at)
ROLE_USERS: dict[str, tuple[str, str]] = {
    Role.COUNTY_ADMIN.value: ("admin", "root"),
    Role.TOWNSHIP_HEAD.value: ("head_a", "town_a"),
    Role.DEPARTMENT_ADMIN.value: ("dept", "sub"),
    Role.STATION_MANAGER.value: ("manager_a1", "village_a1"),
    Role.WINDOW_STAFF.value: ("staff_a1", "village_a1"),
    Role.APPROVER.value: ("approver", "sub"),
    Role.SUPERVISOR.value: ("supervisor", "root"),
}
# the order ``make_county`` adds them in (the administrator comes with the county)
ROLES_ADDED = (
    Role.TOWNSHIP_HEAD,
    Role.DEPARTMENT_ADMIN,
    Role.SUPERVISOR,
    Role.STATION_MANAGER,
    Role.WINDOW_STAFF,
    Role.APPROVER,
)


async def make_county(db: Database, name: str = "测试县", *, with_roles: bool = True) -> County:
    code = next_county_code()
    operator = Actor.platform("test")
    async with db.transaction(None) as session:
        opened = await create_tenant(
            db,
            session,
            operator,
            code=code,
            name=name,
            admin_username="admin",
            admin_password=PASSWORD,
        )
    county = County(db=db, tenant_id=opened.tenant.id, code=code, name=name)
    county.sites["root"] = opened.county_center
    county.users["admin"] = opened.admin  # type: ignore[assignment]
    admin = await county.actor("admin")
    async with db.transaction(county.tenant_id) as session:
        for key, parent_key, level, site_name, suffix in LAYOUT:
            parent = county.sites[parent_key]
            site = await network.create_site(
                session,
                admin,
                network.NewSite(
                    parent_id=parent.id,
                    level=level,
                    name=site_name,
                    division_code=parent.division_code + suffix if suffix else None,
                ),
            )
            await session.flush()
            county.sites[key] = site
    if with_roles:
        for role in ROLES_ADDED:
            username, site = ROLE_USERS[role.value]
            await county.add_user(username, role, site)
    return county
