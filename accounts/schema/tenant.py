"""GraphQL for counties (tenants): the county type, reading one's own, operators listing all."""

from __future__ import annotations

import uuid

import strawberry
from sqlalchemy import select
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from api.gql.context import AppContext, app_context
from api.gql.nodes import register_node
from tenants.models import Tenant, TenantStatus

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
