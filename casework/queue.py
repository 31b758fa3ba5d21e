"""工作台: the cases a person on duty may act on now, and their order. One rule for the
resolver (``casework.reading.work_queue``) and the planned WorkQueue (``api.planned.casework``).

- an approver (审批岗): the running cases of the back office they staff at their site (the
  site's own right, or a department they serve), not the ones they accepted (受理不审批);
- the front desk (受理/出件岗): the site's cases awaiting a supplement, and its decided cases
  to issue, not the ones they decided (审批不出件).

Earliest deadline first, undated last. Each queue is one ordered scan of a partial index
(``ix_casework_cases_approver_queue``, ``ix_casework_cases_issue_queue``): the statuses are
rendered into the SQL, not bound, so that PostgreSQL proves the index's predicate under a
generic plan too. The statement's parameters: ``me``, ``site_id`` and, for an approver,
``departments``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, or_

from casework.models import DECIDED_STATUSES, Case, CaseStatus, Route

APPROVER_STATUSES = (CaseStatus.ACCEPTED,)
ISSUE_DESK_STATUSES = (CaseStatus.AWAITING_SUPPLEMENT, *DECIDED_STATUSES)

QUEUE_ORDER = (Case.due_date.asc().nulls_last(), Case.accepted_at, Case.id)

ME = bindparam("me")
SITE = bindparam("site_id")
DEPARTMENTS = bindparam("departments", expanding=True)


def _status_among(statuses: tuple[CaseStatus, ...]) -> ColumnElement[bool]:
    return Case.status.in_(
        bindparam(
            f"queue_{len(statuses)}_statuses",
            list(statuses),
            type_=Case.status.type,
            expanding=True,
            literal_execute=True,
        )
    )


def queue_condition(approver: bool) -> Any:
    """The cases of an approver's queue, or of a front desk's (see the module)."""
    if approver:
        return and_(
            Case.processing_site_id == SITE,
            _status_among(APPROVER_STATUSES),
            Case.accepted_by_id != ME,
            or_(
                Case.route == Route.SITE,
                and_(Case.route == Route.DEPARTMENT, Case.department_id.in_(DEPARTMENTS)),
            ),
        )
    return and_(
        Case.site_id == SITE,
        _status_among(ISSUE_DESK_STATUSES),
        or_(
            Case.status == CaseStatus.AWAITING_SUPPLEMENT,
            Case.decided_by_id.is_(None),
            Case.decided_by_id != ME,
        ),
    )
