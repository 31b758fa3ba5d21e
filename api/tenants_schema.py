"""GraphQL for opening a county: it spans accounts, roles and the site tree, so it lives here."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from accounts.schema.tenant import TenantType
from accounts.schema.users import UserType
from api.gql.context import app_context
from api.gql.errors import UserErrorType, run_change
from api.tenant_opening import create_tenant
from network.schema import LocationInput, SiteType


@strawberry.input
class CreateTenantInput:
    code: str
    name: str
    admin_username: str | None = None
    admin_password: str | None = None
    admin_display_name: str | None = None
    location: LocationInput | None = None


@strawberry.type
class CreateTenantPayload:
    tenant: TenantType | None
    county_center: SiteType | None
    admin: UserType | None
    user_errors: list[UserErrorType]


@strawberry.type
class TenantMutation:
    @strawberry.mutation(description="平台运营:开通一个县,建立县中心和首个县级管理员")
    async def create_tenant(self, info: Info, input: CreateTenantInput) -> CreateTenantPayload:
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
