"""How the workforce's queries read: as the signed-in caller of a county, in one session."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.pagination import Connection, connection, page_args
from authz.guard import Actor

T = TypeVar("T")
Rows = tuple[Sequence[Any], int]


async def as_caller(info: Info, read: Callable[[AsyncSession, Actor], Awaitable[T]]) -> T:
    """``read(session, actor)`` for a signed-in user of a county (the rules check the rest)."""
    ctx = app_context(info)
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        return await read(session, actor)


async def paged(
    info: Info,
    first: int | None,
    after: str | None,
    read: Callable[..., Awaitable[Rows]],
    wrap: Callable[[Any], T],
) -> Connection[T]:
    """A connection page: ``read(session, actor, offset=, limit=)`` answers rows and a total."""
    cap = app_context(info).settings.page_cap

    async def read_page(session: AsyncSession, actor: Actor) -> Connection[T]:
        page = page_args(first, after, cap)
        rows, total = await read(session, actor, offset=page.offset, limit=page.limit)
        return connection(rows, total, page, wrap)

    return await as_caller(info, read_page)
