"""GraphQL for role bindings: grantRole / revokeRole."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from accounts import roles as service
from accounts.schema.users import UserPayload, UserType
from api.gql.errors import mutate
from api.gql.ids import input_id
from authz.roles import Role


@strawberry.input
class GrantRoleInput:
    user_id: strawberry.ID
    role: Role
    scope_id: strawberry.ID = strawberry.field(description="场所 ID;县级角色授予在县政务服务中心")


@strawberry.input
class RevokeRoleInput:
    user_id: strawberry.ID
    role: Role
    scope_id: strawberry.ID


@strawberry.type
class AuthzMutation:
    @strawberry.mutation(description="授予角色:不能授予超出自己权限的角色")
    async def grant_role(self, info: Info, input: GrantRoleInput) -> UserPayload:
        async def change(session, actor):
            user = await service.grant_role(
                session,
                actor,
                input_id(input.user_id, "User", "userId"),
                input.role.value,
                input_id(input.scope_id, "Site", "scopeId"),
            )
            return UserType.from_row(user)

        user, errors = await mutate(info, change)
        return UserPayload(user=user, user_errors=errors)

    @strawberry.mutation
    async def revoke_role(self, info: Info, input: RevokeRoleInput) -> UserPayload:
        async def change(session, actor):
            user = await service.revoke_role(
                session,
                actor,
                input_id(input.user_id, "User", "userId"),
                input.role.value,
                input_id(input.scope_id, "Site", "scopeId"),
            )
            return UserType.from_row(user)

        user, errors = await mutate(info, change)
        return UserPayload(user=user, user_errors=errors)
