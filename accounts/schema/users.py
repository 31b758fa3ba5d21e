"""GraphQL for accounts: ``me``, users, and creating users."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.types import Info

from accounts import service as accounts
from accounts.models import User, UserStatus
from accounts.roles import roles_of
from accounts.schema.tenant import TenantType, load_tenant
from api.gql.context import AppContext, app_context
from api.gql.errors import UserErrorType, mutate, run_change, to_user_errors
from api.gql.ids import input_id
from api.gql.nodes import register_node
from authz.errors import Unauthenticated
from authz.guard import Actor
from authz.roles import Role
from network.schema import SiteType, site_loader
from tenants.errors import UserError

RoleEnum = strawberry.enum(Role, name="Role", description="角色")
UserStatusEnum = strawberry.enum(UserStatus, name="UserStatus")


@strawberry.type(description="一个角色及其作用范围(该场所及其全部下级)")
class RoleAssignment:
    role: Role
    scope_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="授予角色的场所;平台运营为空")
    async def scope(self, info: Info) -> SiteType | None:
        if self.scope_id is None:
            return None
        return await site_loader(app_context(info)).load(self.scope_id)


@strawberry.type(name="User", description="登录账号")
class UserType(relay.Node):
    id: relay.NodeID[str]
    username: str
    display_name: str
    status: UserStatus
    user_id: strawberry.Private[uuid.UUID]
    tenant_id: strawberry.Private[uuid.UUID | None]

    @classmethod
    def from_row(cls, user: User) -> UserType:
        return cls(
            id=str(user.id),
            user_id=user.id,
            tenant_id=user.tenant_id,
            username=user.username,
            display_name=user.display_name,
            status=user.status,
        )

    @strawberry.field
    async def tenant(self, info: Info) -> TenantType | None:
        if self.tenant_id is None:
            return None
        return await load_tenant(app_context(info), self.tenant_id)

    @strawberry.field
    async def roles(self, info: Info) -> list[RoleAssignment]:
        if self.tenant_id is None:
            return [RoleAssignment(role=Role.PLATFORM_OPERATOR, scope_id=None)]
        ctx = app_context(info)
        async with ctx.read(self.tenant_id) as session:
            bindings = (await roles_of(session, [self.user_id]))[self.user_id]
        return [RoleAssignment(role=Role(b.role), scope_id=b.site_id) for b in bindings]


async def load_user(ctx: AppContext, user_id: uuid.UUID) -> UserType | None:
    actor = ctx.require_actor()
    async with ctx.read(actor.tenant_id) as session:
        user = await session.get(User, user_id)
    return UserType.from_row(user) if user else None


register_node("User", load_user)


@strawberry.type
class AccountQuery:
    @strawberry.field(description="当前登录的账号")
    async def me(self, info: Info) -> UserType:
        ctx = app_context(info)
        actor = ctx.require_actor()
        user = await load_user(ctx, actor.user_id)  # type: ignore[arg-type]
        if user is None:  # deleted between token check and now
            raise Unauthenticated()
        return user


@strawberry.input
class CreateUserInput:
    username: str
    password: str
    display_name: str | None = None
    staff_id: strawberry.ID | None = strawberry.field(
        default=None, description="对应的窗口工作人员档案"
    )


@strawberry.type
class UserPayload:
    user: UserType | None
    user_errors: list[UserErrorType]


@strawberry.type
class AccountMutation:
    @strawberry.mutation(description="在本县新建账号")
    async def create_user(self, info: Info, input: CreateUserInput) -> UserPayload:
        async def change(session, actor):
            staff_id = input_id(input.staff_id, "Staff", "staffId") if input.staff_id else None
            user = await accounts.create_user(
                session,
                actor,
                username=input.username,
                password=input.password,
                display_name=input.display_name,
                staff_id=staff_id,
            )
            return UserType.from_row(user)

        user, errors = await mutate(info, change)
        return UserPayload(user=user, user_errors=errors)

    @strawberry.mutation(description="停用账号:其令牌立即失效(县级管理员;平台运营人员指定县)")
    async def disable_user(self, info: Info, input: UserIdInput) -> UserPayload:
        return await _account_change(
            info, input, lambda s, a, u: accounts.set_status(s, a, u, UserStatus.DISABLED)
        )

    @strawberry.mutation(description="启用已停用的账号(县级管理员;平台运营人员指定县)")
    async def enable_user(self, info: Info, input: UserIdInput) -> UserPayload:
        return await _account_change(
            info, input, lambda s, a, u: accounts.set_status(s, a, u, UserStatus.ACTIVE)
        )

    @strawberry.mutation(description="解除因多次登录失败而对账号的锁定(县级管理员)")
    async def unlock_user(self, info: Info, input: UserIdInput) -> UserPayload:
        return await _account_change(info, input, accounts.unlock)


@strawberry.input
class UserIdInput:
    user_id: strawberry.ID
    tenant: str | None = strawberry.field(
        default=None, description="账号所在县的代码:仅平台运营人员需要(县内用户省略)"
    )


AccountChange = Callable[[AsyncSession, Actor, uuid.UUID], Awaitable[User]]


def _refused(code: str, message: str) -> UserPayload:
    return UserPayload(user=None, user_errors=to_user_errors([UserError("tenant", code, message)]))


async def _account_change(
    info: Info,
    input: UserIdInput,
    apply: Callable[[AsyncSession, Actor, uuid.UUID], Awaitable[User]],
) -> UserPayload:
    """Disable, enable or unlock: in the caller's county, or, for a platform operator, in the
    county ``input.tenant`` names (an operator has no county of its own)."""
    ctx = app_context(info)
    actor = ctx.require_actor()
    tenant_id: uuid.UUID | None = None
    if actor.is_operator:
        if not input.tenant:
            return UserPayload(
                user=None,
                user_errors=to_user_errors([UserError("tenant", "REQUIRED", "请指定县代码")]),
            )
        async with ctx.db.session(None) as session:
            county = await accounts.county_by_code(session, input.tenant)
        if county is None:
            return UserPayload(
                user=None,
                user_errors=to_user_errors([UserError("tenant", "NOT_FOUND", "县不存在")]),
            )
        tenant_id = county.id

    async def change(session: AsyncSession) -> UserType:
        user_id = input_id(input.user_id, "User", "userId")
        return UserType.from_row(await apply(session, actor, user_id))

    user, errors = await run_change(ctx.write(tenant_id), change)
    return UserPayload(user=user, user_errors=errors)
