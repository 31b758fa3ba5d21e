"""Reviewing a change request (the county office)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.gql.errors import mutate
from api.gql.ids import input_id
from catalog import changes, withdrawal
from catalog.schema.history import CatalogChangeType
from catalog.schema.inputs import ReviewChangeInput, WithdrawChangeInput
from catalog.schema.mutations.common import ChangePayload


@strawberry.type
class ChangeMutation:
    @strawberry.mutation(description="审核变更申请:通过(待发布)或驳回(须填意见)")
    async def review_change(self, info: Info, input: ReviewChangeInput) -> ChangePayload:
        async def change(session, actor):
            change_id = input_id(input.change_id, "CatalogChange", "changeId")
            row = await changes.review(session, actor, change_id, input.approve, input.comment)
            return CatalogChangeType.from_row(row)

        result, errors = await mutate(info, change)
        return ChangePayload(change=result, user_errors=errors)

    @strawberry.mutation(description="撤回自己提交、尚未审核的变更申请")
    async def withdraw_change(self, info: Info, input: WithdrawChangeInput) -> ChangePayload:
        async def change(session, actor):
            change_id = input_id(input.change_id, "CatalogChange", "changeId")
            row = await withdrawal.withdraw(session, actor, change_id, input.reason)
            return CatalogChangeType.from_row(row)

        result, errors = await mutate(info, change)
        return ChangePayload(change=result, user_errors=errors)
