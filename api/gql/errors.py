"""``userErrors`` entries and the common shape of a mutation."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from api.gql.context import app_context
from authz.guard import Actor
from tenants.errors import UserError, UserErrors

log = logging.getLogger("onewindow.graphql")
T = TypeVar("T")


@strawberry.type(name="UserError")
class UserErrorType:
    """Why a change was refused: ``code`` is stable, ``message`` is for people (Chinese)."""

    field: str | None
    code: str
    message: str


def to_user_errors(errors: list[UserError]) -> list[UserErrorType]:
    return [UserErrorType(field=e.field, code=e.code, message=e.message) for e in errors]


async def run_change(
    open_transaction: Callable[[], object],
    change: Callable[[AsyncSession], Awaitable[T]],
) -> tuple[T | None, list[UserErrorType]]:
    """Run ``change`` in one transaction: all of it commits, or a refusal rolls it all back."""
    try:
        async with open_transaction() as session:  # type: ignore[attr-defined]
            result = await change(session)
            await session.flush()
        return result, []
    except UserErrors as refused:
        return None, to_user_errors(refused.errors)
    except IntegrityError as exc:
        # Two concurrent changes raced past the checks; the database kept the data consistent.
        log.info("integrity conflict: %s", exc.orig)
        return None, [
            UserErrorType(field=None, code="CONFLICT", message="数据已被其他操作修改,请刷新后重试")
        ]


async def mutate(
    info: Info, change: Callable[[AsyncSession, Actor], Awaitable[T]]
) -> tuple[T | None, list[UserErrorType]]:
    """The usual mutation: a signed-in actor, one transaction in their county, ``userErrors``."""
    ctx = app_context(info)
    actor = ctx.require_actor()
    return await run_change(ctx.write(), lambda session: change(session, actor))
