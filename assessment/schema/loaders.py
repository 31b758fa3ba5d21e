"""The assessment's per-request DataLoaders."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from accounts.models import User
from api.gql.context import AppContext
from api.gql.loaders import aligned, batch


@batch("assessment.recorder")
async def recorder_loader(ctx: AppContext, ids: list[uuid.UUID]) -> list[str | None]:
    """The display names of the users who recorded events."""
    async with ctx.read() as session:
        rows = await session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
        return aligned(ids, dict(rows.all()))
