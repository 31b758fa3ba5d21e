"""Build counties, sites and users for tests through the real services."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

import httpx
from sqlalchemy import select

from accounts.models import User
from accounts.roles import bind
from accounts.service import new_user
from accounts.tokens import issue_token
from api.gql.ids import global_id
from api.tenant_opening import create_tenant
from authz.guard import Actor
from authz.roles import Role
from network import service as network
from network.models import Site, SiteLevel
from tenants.database import Database
from tenants.models import Tenant
from tests.conftest import TEST_SECRET, next_county_code

PASSWORD = "test-password-1"


@dataclass
class County:
    """A small county: root, one sub-centre, two townships with two villages each."""

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
        from api.settings import Settings

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
        await county.add_user("head_a", Role.TOWNSHIP_HEAD, "town_a")
        await county.add_user("dept", Role.DEPARTMENT_ADMIN, "sub")
        await county.add_user("supervisor", Role.SUPERVISOR, "root")
        await county.add_user("manager_a1", Role.STATION_MANAGER, "village_a1")
        await county.add_user("staff_a1", Role.WINDOW_STAFF, "village_a1")
        await county.add_user("approver", Role.APPROVER, "sub")
    return county


async def reload(db: Database, tenant_id: uuid.UUID, site_id: uuid.UUID) -> Site | None:
    async with db.session(tenant_id) as session:
        return (await session.execute(select(Site).where(Site.id == site_id))).scalar_one_or_none()


async def gql(
    client: httpx.AsyncClient, query: str, variables: dict | None = None, token: str | None = None
) -> dict:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    return response.json()
