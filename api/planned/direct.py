"""Planned answers straight from the HTTP request, before strawberry.

Once strawberry has parsed and validated a query text (the request limits' document checks
included) and ``PlannedDocuments`` found a plan for it, that text and operation name are
*admitted*: a later request sending exactly them is answered by the plan from the HTTP view,
without strawberry's per-request execution machinery (its execution context, the extensions'
hooks, the result processing). What depends on the request rather than the text is checked
again here, as the extensions would: a variable holding a refused control character, and a
cost not yet computed for these integer variables, go to strawberry (which refuses or
computes and then admits). A plan that steps aside goes to strawberry as well, which runs
the operation normally, so the answer is always strawberry's answer or the plan's — and the
differential tests prove those are the same bytes.
"""

from __future__ import annotations

import logging
from typing import Any

from api.gql.context import AppContext
from api.gql.limits import COST_BUDGET, RequestLimits, forbidden_text
from api.lru import LRU
from api.planned.common import Plan
from api.planned.writes import WriteUncertain

log = logging.getLogger("onewindow.planned")

BODY_KEYS = frozenset({"query", "operationName", "variables"})


class Admitted:
    """(query text, operation name as sent) → the plan and the operation's name, for texts
    strawberry has validated. The name as sent may be None (a document of one operation);
    the request limits know the operation by its name."""

    plans: LRU = LRU(1024)
    answered = 0  # answers given here (observability; the tests read it)

    @classmethod
    def admit(
        cls, query: str | None, sent_name: str | None, operation_name: str | None, plan: Plan
    ) -> None:
        if query is not None:
            cls.plans.put((query, sent_name), (plan, operation_name))


async def run_plan(plan: Plan, ctx: AppContext, variables: dict[str, Any]) -> dict[str, Any] | None:
    """The plan's ``data``, or None when it steps aside — also by raising anything but
    :class:`WriteUncertain` (a write that may have committed), which the caller reports."""
    try:
        return await plan(ctx, variables)
    except WriteUncertain:
        raise
    except Exception:
        log.debug("plan stepped aside", exc_info=True)
        return None  # any doubt: normal execution decides (and reports the error)


async def answer(ctx: AppContext, body: Any) -> dict[str, Any] | None:
    """The response body for a request whose (decoded JSON) ``body`` is an admitted operation
    the plan answers; None: let strawberry answer it."""
    if type(body) is not dict or not body.keys() <= BODY_KEYS:
        return None
    query, name = body.get("query"), body.get("operationName")
    variables = body.get("variables")
    if variables is None:
        variables = {}
    if type(query) is not str or (name is not None and type(name) is not str):
        return None
    if type(variables) is not dict:
        return None
    admitted = Admitted.plans.get((query, name))
    if admitted is None or forbidden_text(variables):
        return None
    plan, operation_name = admitted
    cost = RequestLimits.known_cost(query, operation_name, variables)
    if cost is None or cost > COST_BUDGET:
        return None
    try:
        data = await run_plan(plan, ctx, variables)
    except WriteUncertain as uncertain:
        # a write that may have committed is not run again: its error is the answer
        return {"data": None, "errors": [uncertain.formatted]}
    if data is None:
        ctx.plan_stepped_aside = True  # strawberry answers, without the plan
        return None
    Admitted.answered += 1
    return {"data": data}
