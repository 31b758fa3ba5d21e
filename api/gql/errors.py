"""``userErrors`` entries and the common shape of a mutation."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

import strawberry
from sqlalchemy.exc import DBAPIError, IntegrityError
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


# A change that lost a race for a lock: PostgreSQL broke a deadlock (40P01), could not serialize
# (40001) or ran out of lock_timeout (55P03); SQLite stayed busy or locked past its timeout.
# The database rolled it back whole: the client may simply try again.
LOST_RACE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
SQLITE_BUSY, SQLITE_LOCKED = 5, 6


def lost_race(exc: DBAPIError) -> bool:
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_BUSY, SQLITE_LOCKED)  # extended codes: BUSY_SNAPSHOT, ...
    return getattr(exc.orig, "sqlstate", None) in LOST_RACE_SQLSTATES


def conflict() -> list[UserErrorType]:
    return [UserErrorType(field=None, code="CONFLICT", message="数据已被其他操作修改,请刷新后重试")]


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
        return None, conflict()
    except DBAPIError as exc:
        if not lost_race(exc):
            raise
        log.info("lost a race for a lock: %s", exc.orig)
        return None, conflict()


async def mutate(
    info: Info, change: Callable[[AsyncSession, Actor], Awaitable[T]]
) -> tuple[T | None, list[UserErrorType]]:
    """The usual mutation: a signed-in actor, one transaction in their county, ``userErrors``."""
    ctx = app_context(info)
    actor = ctx.require_actor()
    return await run_change(ctx.write(), lambda session: change(session, actor))
