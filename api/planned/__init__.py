"""The planned path for trusted documents (``api.gql.trusted``): an operation the first-party
clients ship is answered by a plan written for it — its SQL built once, run on one connection,
its answer assembled in the selection's order — instead of by resolving it field by field.

A plan is exact or it steps aside (returns None): anything it was not written for (another
type behind the id, a missing object, a caller who is not a county user, any error) goes to
normal execution, which then produces the answer or the proper error. A plan of a mutation
(AcceptCase, UpdateSite) steps aside only while nothing of it is committed
(``api.planned.writes``). Parsing, validation and
the request limits have run before (they are cached per query text). ``tests/api/
test_planned.py`` proves, for every plan, every role and a randomized county, that the planned
answer equals normal execution's byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from api.gql.trusted import shipped
from api.lru import LRU
from api.planned.assessment import monthly_scores
from api.planned.casework import case_detail, cases, work_queue
from api.planned.casework.accept import accept_case
from api.planned.common import Plan
from api.planned.direct import Admitted, run_plan
from api.planned.site_update import update_site
from api.planned.sites import site_children, site_detail
from api.planned.staff import site_staff, staff_detail
from graphql import ExecutionResult

PLANS: dict[str, Plan] = {
    "assessment.graphql:MonthlyScores": monthly_scores,
    "workforce.graphql:SiteStaff": site_staff,
    "workforce.graphql:StaffDetail": staff_detail,
    "network.graphql:SiteDetail": site_detail,
    "network.graphql:SiteChildren": site_children,
    "casework.graphql:WorkQueue": work_queue,
    "casework.graphql:Cases": cases,
    "casework.graphql:CaseDetail": case_detail,
    "casework.graphql:AcceptCase": accept_case,
    "network.graphql:UpdateSite": update_site,
}


class PlannedDocuments(SchemaExtension):
    """Answers a trusted query that has a plan from the plan (see the module docstring)."""

    enabled = True  # the differential test switches it off to compare with normal execution
    served = 0  # answers given by a plan (observability; the differential test reads it)
    _plans: LRU = LRU(1024)  # (query text, operation name) → plan or False

    async def on_execute(self) -> Iterator[None]:  # type: ignore[override]
        ec = self.execution_context
        app = ec.context.get("app") if isinstance(ec.context, dict) else None
        planning = self.enabled and app is not None and not app.plan_stepped_aside
        plan = self._plan() if planning else None
        if plan is not None:
            # validated, and within the limits: later requests of this text may be answered
            # before strawberry (``api.planned.direct``)
            sent_name = ec._provided_operation_name  # what the client sent (None: the only one)
            Admitted.admit(ec.query, sent_name, ec.operation_name, plan)
            data = await run_plan(plan, app, ec.variables or {})  # WriteUncertain: reported
            if data is not None:
                ec.result = ExecutionResult(data=data, errors=None)
                PlannedDocuments.served += 1
        yield

    def _plan(self) -> Plan | None:
        ec = self.execution_context
        key = (ec.query, ec.operation_name)
        found = self._plans.get(key)
        if found is None:
            document = ec.graphql_document
            name = shipped().name_of(document, ec.operation_name) if document else None
            # a name is of one operation, text and keyword included
            found = PLANS.get(name, False) if name else False
            self._plans.put(key, found)
        return found or None


def answers_by_plan() -> int:
    """Answers given by plans so far, in strawberry's execution or before it (``direct``)."""
    return PlannedDocuments.served + Admitted.answered
