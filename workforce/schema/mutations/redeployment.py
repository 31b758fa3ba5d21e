"""The redeployment order (调配令) mutation."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from workforce import redeployment
from workforce.schema.inputs import RedeployInput
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
