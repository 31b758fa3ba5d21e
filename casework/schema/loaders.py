"""The casework's per-request DataLoaders: a case's steps, windows by id."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from api.gql.context import AppContext
from api.gql.loaders import aligned, batch
from casework.events import events_of
from casework.models import Window


@batch("case.events")
async def events_loader(ctx: AppContext, ids: list[uuid.UUID]) -> list[list]:
    async with ctx.read() as session:
        return aligned(ids, await events_of(session, ids), [])


@batch("window")
async def window_loader(ctx: AppContext, ids: list[uuid.UUID]) -> list[Window | None]:
    async with ctx.read() as session:
        rows = await session.execute(select(Window).where(Window.id.in_(ids)))
        return aligned(ids, {w.id: w for w in rows.scalars()})
