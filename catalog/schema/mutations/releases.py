"""Publishing a release."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.gql.errors import UserErrorType, mutate
from catalog import releases
from catalog.schema.history import CatalogReleaseType
from catalog.schema.inputs import PublishReleaseInput


@strawberry.type
class PublishReleasePayload:
    release: CatalogReleaseType | None
    user_errors: list[UserErrorType]


@strawberry.type
class ReleaseMutation:
    @strawberry.mutation(description="发布新版本:已审核通过的变更同时对所有渠道公开")
    async def publish_release(
        self, info: Info, input: PublishReleaseInput
    ) -> PublishReleasePayload:
        async def change(session, actor):
            row = await releases.publish(session, actor, input.note)
            return CatalogReleaseType.from_row(row)

        result, errors = await mutate(info, change)
        return PublishReleasePayload(release=result, user_errors=errors)
