"""Mutations of bundles (一件事)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from catalog.models import ChangeKind
from catalog.schema.inputs import DefineBundleInput
from catalog.schema.mutations.common import ChangePayload, propose


@strawberry.type
class BundleMutation:
    @strawberry.mutation(description="定义一件事(变更申请)")
    async def define_bundle(self, info: Info, input: DefineBundleInput) -> ChangePayload:
        return await propose(info, ChangeKind.DEFINE_BUNDLE, input.payload)
