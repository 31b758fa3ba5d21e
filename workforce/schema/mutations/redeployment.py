"""The redeployment order (调配令) mutation."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.gql.ids import input_id
from workforce import redeployment
from workforce.schema.inputs import RedeployInput, RevokeRedeploymentInput
from workforce.schema.mutations.change import changed
from workforce.schema.payloads import RedeployPayload
from workforce.schema.types import RedeploymentOrderType


@strawberry.type
class RedeploymentMutation:
    @strawberry.mutation(description="调配令:多人同日调动,全部生效或全部不生效")
    async def redeploy(self, info: Info, input: RedeployInput) -> RedeployPayload:
        order, errors = await changed(
            info,
            RedeploymentOrderType.from_row,
            lambda session, actor: redeployment.redeploy(
                session,
                actor,
                effective_date=input.effective_date,
                reason=input.reason,
                moves=[move.to_domain() for move in input.moves],
            ),
        )
        return RedeployPayload(order=order, user_errors=errors)

    @strawberry.mutation(description="撤销尚未生效的调配令:各项调动作废,被结束的原分配恢复原状")
    async def revoke_redeployment(
        self, info: Info, input: RevokeRedeploymentInput
    ) -> RedeployPayload:
        order, errors = await changed(
            info,
            RedeploymentOrderType.from_row,
            lambda session, actor: redeployment.revoke_order(
                session,
                actor,
                input_id(input.order_id, "RedeploymentOrder", "orderId"),
                input.reason,
            ),
        )
        return RedeployPayload(order=order, user_errors=errors)
