"""Mutations of what a site does with an inherited matter: its override, and delegations."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from catalog.models import ChangeKind
from catalog.schema.inputs import DelegateMatterInput, OverrideMatterInput
from catalog.schema.mutations.common import ChangePayload, propose


@strawberry.type
class OverrideMutation:
    @strawberry.mutation(description="本级调整(变更申请):对本场所及其全部下级生效")
    async def override_matter(self, info: Info, input: OverrideMatterInput) -> ChangePayload:
        return await propose(info, ChangeKind.OVERRIDE_MATTER, input.payload)

    @strawberry.mutation(description="委托下放受理权、办理权(变更申请)")
    async def delegate_matter(self, info: Info, input: DelegateMatterInput) -> ChangePayload:
        return await propose(info, ChangeKind.DELEGATE_MATTER, input.payload)
