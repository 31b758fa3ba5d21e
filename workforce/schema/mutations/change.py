"""The body every workforce mutation shares."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from api.gql.errors import UserErrorType, mutate
from authz.guard import Actor

T = TypeVar("T")


async def changed(
    info: Info,
    wrap: Callable[[Any], T],
    change: Callable[[AsyncSession, Actor], Awaitable[Any]],
) -> tuple[T | None, list[UserErrorType]]:
    """``change(session, actor)`` in one transaction of the caller's county, its answer wrapped
    for GraphQL inside it; a refusal (a bad input ID too: decode IDs inside ``change``) rolls
    it all back and comes back as ``userErrors``."""

    async def run(session: AsyncSession, actor: Actor) -> T:
        return wrap(await change(session, actor))

    return await mutate(info, run)
