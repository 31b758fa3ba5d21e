"""GraphQL for counties (tenants): read one's own county; operators open new ones."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Annotated

import strawberry
from sqlalchemy import select
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from api.gql.context import AppContext, app_context
from api.gql.errors import UserErrorType, run_change
from api.gql.nodes import register_node
from tenants.models import Tenant, TenantStatus

if TYPE_CHECKING:
    from api.accounts_schema import UserType
    from network.schema import LocationInput, SiteType

TenantStatusEnum = strawberry.enum(TenantStatus, name="TenantStatus")


@strawberry.type(name="Tenant", description="一个县(租户)")
class TenantType(relay.Node):
    id: relay.NodeID[str]
    code: str = strawberry.field(description="6 位县级区划代码")
    name: str
    status: TenantStatus
    policy: JSON = strawberry.field(description="本县政策参数(津贴、比例、期限等)")

    @classmethod
    def from_row(cls, tenant: Tenant) -> TenantType:
        return cls(
            id=str(tenant.id),
            code=tenant.code,
            name=tenant.name,
            status=tenant.status,
            policy=tenant.settings,
        )


async def load_tenant(ctx: AppContext, tenant_id: uuid.UUID) -> TenantType | None:
    async with ctx.read(None) as session:
        tenant = await session.get(Tenant, tenant_id)
    return TenantType.from_row(tenant) if tenant else None


async def _tenant_node(ctx: AppContext, tenant_id: uuid.UUID) -> TenantType | None:
    actor = ctx.require_actor()
    if not actor.is_operator and actor.tenant_id != tenant_id:
        return None
    return await load_tenant(ctx, tenant_id)


register_node("Tenant", _tenant_node)


@strawberry.type
class TenantQuery:
    @strawberry.field(description="平台运营:全部县")
    async def tenants(self, info: Info) -> list[TenantType]:
        ctx = app_context(info)
        ctx.require_actor().require_operator("tenant.list")
        async with ctx.read(None) as session:
            rows = (await session.execute(select(Tenant).order_by(Tenant.code))).scalars().all()
        return [TenantType.from_row(t) for t in rows]


@strawberry.input
class CreateTenantInput:
    code: str
    name: str
    admin_username: str | None = None
    admin_password: str | None = None
    admin_display_name: str | None = None
    location: Annotated[LocationInput, strawberry.lazy("network.schema")] | None = None


@strawberry.type
class CreateTenantPayload:
    tenant: TenantType | None
    county_center: Annotated[SiteType, strawberry.lazy("network.schema")] | None
    admin: Annotated[UserType, strawberry.lazy("api.accounts_schema")] | None
    user_errors: list[UserErrorType]


@strawberry.type
class TenantMutation:
    @strawberry.mutation(description="平台运营:开通一个县,建立县中心和首个县级管理员")
    async def create_tenant(self, info: Info, input: CreateTenantInput) -> CreateTenantPayload:
        from api.accounts_schema import UserType
        from network.schema import SiteType
        from tenants.service import create_tenant

        ctx = app_context(info)
        actor = ctx.require_actor()
        actor.require_operator("tenant.create")

        async def change(session):
            opened = await create_tenant(
                ctx.db,
                session,
                actor,
                code=input.code,
                name=input.name,
                admin_username=input.admin_username,
                admin_password=input.admin_password,
                admin_display_name=input.admin_display_name,
                location=input.location.to_domain() if input.location else None,
            )
            return (
                TenantType.from_row(opened.tenant),
                SiteType.from_row(opened.county_center),
                UserType.from_row(opened.admin) if opened.admin else None,
            )

        result, errors = await run_change(lambda: ctx.db.transaction(None), change)
        tenant, root, admin = result if result else (None, None, None)
        return CreateTenantPayload(
            tenant=tenant, county_center=root, admin=admin, user_errors=errors
        )
