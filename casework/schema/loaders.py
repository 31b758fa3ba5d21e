"""The casework's per-request DataLoaders: a case's steps and rating, cases, windows and users
by id."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from accounts.models import User
from api.gql.context import AppContext
from api.gql.loaders import aligned, batch
from casework.calendar import WorkingCalendar
from casework.deadlines import county_calendar, due_soon_days
from casework.events import events_of
from casework.models import Case, Rating, Window
from casework.ratings import ratings_of


@batch("case.events")
async def events_loader(ctx: AppContext, ids: list[uuid.UUID]) -> list[list]:
    async with ctx.read() as session:
        return aligned(ids, await events_of(session, ids), [])


@batch("window")
async def window_loader(ctx: AppContext, ids: list[uuid.UUID]) -> list[Window | None]:
    async with ctx.read() as session:
        rows = await session.execute(select(Window).where(Window.id.in_(ids)))
        return aligned(ids, {w.id: w for w in rows.scalars()})


@batch("case")
async def case_loader(ctx: AppContext, ids: list[uuid.UUID]) -> list[Case | None]:
    async with ctx.read() as session:
        rows = await session.execute(select(Case).where(Case.id.in_(ids)))
        return aligned(ids, {c.id: c for c in rows.scalars()})


@batch("case.rating")
async def rating_loader(ctx: AppContext, case_ids: list[uuid.UUID]) -> list[Rating | None]:
    """Each case's rating (by the case's id)."""
    async with ctx.read() as session:
        return aligned(case_ids, await ratings_of(session, case_ids))


@batch("casework.user")
async def user_loader(ctx: AppContext, ids: list[uuid.UUID]) -> list[User | None]:
    async with ctx.read() as session:
        rows = await session.execute(select(User).where(User.id.in_(ids)))
        return aligned(ids, {u.id: u for u in rows.scalars()})


@batch("casework.calendar")
async def calendar_loader(ctx: AppContext, tenant_ids: list[uuid.UUID]) -> list[WorkingCalendar]:
    """The county's working-day calendar, read once per request."""
    async with ctx.read() as session:
        calendar = await county_calendar(session)
    return [calendar for _ in tenant_ids]


@batch("casework.due_soon")
async def due_soon_loader(ctx: AppContext, tenant_ids: list[uuid.UUID]) -> list[int]:
    """The county's DUE_SOON threshold (its casework policy), read once per request."""
    async with ctx.read() as session:
        days = await due_soon_days(session)
    return [days for _ in tenant_ids]
