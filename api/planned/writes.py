"""How a planned write commits (``api.planned``): a write may step aside to normal execution
only while nothing of it is committed.

``commit_or_step_aside`` runs a change in the caller's all-or-nothing transaction (the one
``run_change`` gives a resolver) and commits it itself, so that it knows where a failure
happened. Before the commit — variables of another shape, a refusal (``userErrors``), a
conflict, any error — everything is rolled back and the plan steps aside: normal execution runs
the change again and answers it, with its errors. A commit the database refused (it answered
with an error: nothing was written) steps aside too. A commit without an answer (the connection
was lost: the change may be committed) is not run again: the client gets ``OUTCOME_UNKNOWN``.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from api.gql.context import AppContext
from api.gql.ids import parse_global_id
from authz.guard import Actor
from graphql import GraphQLError

log = logging.getLogger("onewindow.planned")


# --- variables as the contract types them ----------------------------------------------------
# A plan reads a variable only when it holds exactly what the schema's type would take as is;
# anything it would coerce (an integer for an ID, a string for a list) or refuse is left to
# normal execution.


def read_text(value: Any, optional: bool = False) -> tuple[bool, str | None]:
    """(whether ``value`` is what a ``String`` variable holds, the value)."""
    if value is None:
        return optional, None
    return type(value) is str, value


def read_texts(value: Any, optional: bool = False) -> tuple[bool, list[str]]:
    """(whether ``value`` is a list of strings as ``[String!]`` holds, the list)."""
    if value is None:
        return optional, []
    ok = type(value) is list and all(type(item) is str for item in value)
    return ok, list(value) if ok else []


def read_id(value: Any, type_name: str) -> Any:
    """The uuid of a global ID of ``type_name``; None when it is not one (the resolver then
    refuses it with a userError: the plan leaves that to it)."""
    parsed = parse_global_id(value) if type(value) is str and value else None
    return parsed[1] if parsed is not None and parsed[0] == type_name else None


def county_user(ctx: AppContext) -> Actor | None:
    """The signed-in county user a write plan acts for; None (step aside) for anyone else, to
    whom normal execution gives the proper error."""
    actor = ctx.actor
    if ctx.auth_failed or actor.is_anonymous or actor.tenant_id is None:
        return None
    return actor


class WriteUncertain(GraphQLError):
    """A planned write's commit failed without an answer from the database: it must not run
    again (``api.planned.PlannedDocuments`` reports it instead of stepping aside). The
    client is told to look before it tries again (``OUTCOME_UNKNOWN``)."""

    def __init__(self) -> None:
        super().__init__(
            "操作结果未能确认:请先查看是否已经生效,再决定是否重新提交",
            extensions={"code": "OUTCOME_UNKNOWN"},
        )


class StepAside(Exception):
    """Raised by a change that cannot write its answer: roll back, step aside."""


async def commit_or_step_aside(
    ctx: AppContext, change: Callable[[AsyncSession], Awaitable[dict[str, Any]]]
) -> dict[str, Any] | None:
    """``change``'s answer once committed in the caller's county, or None (nothing committed:
    step aside). See the module docstring."""
    open_transaction = ctx.write()
    answer: dict[str, Any] | None = None
    committing = False
    try:
        async with open_transaction() as session:
            answer = await change(session)
            committing = True
            await session.commit()
            committing = False
            return answer
    except Exception as exc:
        if not committing:
            if answer is not None:  # committed; only the transaction's clean-up failed
                log.warning("after a planned write committed", exc_info=True)
                return answer
            return None  # rolled back: normal execution runs it again
        orig = exc.orig if isinstance(exc, DBAPIError) else None
        if getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorcode", None):
            return None  # the database refused the commit: nothing was written
        raise WriteUncertain from exc
