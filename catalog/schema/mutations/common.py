"""What the catalog's change-request mutations share: their payload, and proposing a change."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry
from strawberry.types import Info

from api.gql.errors import UserErrorType, mutate
from catalog import changes
from catalog.models import ChangeKind
from catalog.schema.history import CatalogChangeType


@strawberry.type
class ChangePayload:
    change: CatalogChangeType | None
    user_errors: list[UserErrorType]


async def propose(
    info: Info, kind: ChangeKind, payload: Callable[[], dict[str, Any]]
) -> ChangePayload:
    """Propose a change of ``kind`` (approved at once for the county office). ``payload`` is the
    input's, built inside the transaction so that a bad ID in it is a user error."""

    async def change(session, actor):
        row = await changes.propose(session, actor, kind, payload())
        return CatalogChangeType.from_row(row)

    result, errors = await mutate(info, change)
    return ChangePayload(change=result, user_errors=errors)
