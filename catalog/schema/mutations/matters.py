"""Mutations of the county's definitions: departments, and matters defined, changed, withdrawn."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.gql.errors import UserErrorType, mutate
from api.gql.ids import input_id
from catalog import definitions
from catalog.models import ChangeKind
from catalog.schema.inputs import (
    DefineDepartmentInput,
    DefineMatterInput,
    UpdateMatterInput,
    WithdrawMatterInput,
)
from catalog.schema.mutations.common import ChangePayload, propose
from catalog.schema.types import DepartmentType


@strawberry.type
class DepartmentPayload:
    department: DepartmentType | None
    user_errors: list[UserErrorType]


@strawberry.type
class MatterMutation:
    @strawberry.mutation(description="新增实施部门(县政务服务管理办公室)")
    async def define_department(
        self, info: Info, input: DefineDepartmentInput
    ) -> DepartmentPayload:
        async def change(session, actor):
            site = input_id(input.site_id, "Site", "siteId") if input.site_id else None
            row = await definitions.create_department(session, actor, input.name, site)
            return DepartmentType.from_row(row)

        result, errors = await mutate(info, change)
        return DepartmentPayload(department=result, user_errors=errors)

    @strawberry.mutation(description="新增事项(变更申请;县政务服务管理办公室提交的直接通过)")
    async def define_matter(self, info: Info, input: DefineMatterInput) -> ChangePayload:
        return await propose(info, ChangeKind.DEFINE_MATTER, input.payload)

    @strawberry.mutation(description="修改事项(变更申请)")
    async def update_matter(self, info: Info, input: UpdateMatterInput) -> ChangePayload:
        return await propose(info, ChangeKind.UPDATE_MATTER, input.payload)

    @strawberry.mutation(description="取消事项(变更申请)")
    async def withdraw_matter(self, info: Info, input: WithdrawMatterInput) -> ChangePayload:
        return await propose(info, ChangeKind.WITHDRAW_MATTER, input.payload)
