"""限时办结: a case's due date on China's working-day calendar, the stopped clock while a
supplement is awaited (补正), and the deadline state a reader sees today.

- PROMISED (承诺件): ``limit_days`` working days counted from the working day after acceptance;
  IMMEDIATE (即办件): due the day it is accepted.
- ``requestSupplement`` on day S stops the clock: the working days of (start, S] are spent;
  ``receiveSupplement`` on day R restarts it from R with what is left (R itself not counted).
- State (``DeadlineState``): NORMAL; DUE_SOON when the county's ``due_soon_working_days``
  (default 1) or fewer working days remain; OVERDUE past the due date; STOPPED while awaiting
  a supplement; DONE_ON_TIME / DONE_LATE once decided (办结 is the decision; issuing comes
  after); none for a withdrawn case.

Nothing here reads the clock: every function takes ``today``.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, false, select
from sqlalchemy.ext.asyncio import AsyncSession

from casework.calendar import CHINA, WorkingCalendar
from casework.common import core_rows
from casework.models import DONE_STATUSES, CalendarDay, Case, CaseStatus
from casework.policy import casework_policy
from catalog.models import HandlingKind
from tenants.context import session_tenant


class DeadlineState(enum.StrEnum):
    NORMAL = "NORMAL"
    DUE_SOON = "DUE_SOON"
    OVERDUE = "OVERDUE"
    STOPPED = "STOPPED"
    DONE_ON_TIME = "DONE_ON_TIME"
    DONE_LATE = "DONE_LATE"


# Built once, naming the county itself (the ORM's tenant filter would rebuild it per call).
_COUNTY_DAYS = select(CalendarDay.day, CalendarDay.working).where(
    CalendarDay.tenant_id == bindparam("tenant_id")
)


async def county_calendar(session: AsyncSession) -> WorkingCalendar:
    """The county's working-day calendar: China's, with the county's own closures and working
    days (``CalendarDay``, a handful of rows) on top."""
    tenant_id = session_tenant(session)
    if tenant_id is None:  # a session of every county names none: the ORM's own statement
        rows = (await session.execute(select(CalendarDay.day, CalendarDay.working))).all()
    else:
        rows = await core_rows(session, _COUNTY_DAYS, {"tenant_id": tenant_id})
    if not rows:
        return CHINA
    return WorkingCalendar(
        extra_closed=[day for day, working in rows if not working],
        extra_working=[day for day, working in rows if working],
    )


async def due_soon_days(session: AsyncSession) -> int:
    """The county's DUE_SOON threshold (policy ``due_soon_working_days``): the same number for
    the state a reader sees, the case list's filter and the alert job."""
    return int((await casework_policy(session))["due_soon_working_days"])


def limit_for(handling_kind: HandlingKind, promised_limit_days: int) -> int:
    return 0 if handling_kind is HandlingKind.IMMEDIATE else max(int(promised_limit_days), 0)


def start_clock(case: Case, calendar: WorkingCalendar, accepted_on: date) -> None:
    case.clock_started_on = accepted_on
    case.days_used = 0
    case.stopped_on = None
    case.due_date = calendar.add_working_days(accepted_on, case.limit_days)


def stopped_values(case: Case, calendar: WorkingCalendar, today: date) -> dict:
    """The columns of a case whose clock stops ``today``."""
    spent = calendar.working_days_between(case.clock_started_on, today)
    return {"days_used": case.days_used + spent, "stopped_on": today, "due_date": None}


def restarted_values(case: Case, calendar: WorkingCalendar, today: date) -> dict:
    """The columns of a case whose clock restarts ``today`` (after a supplement arrived)."""
    remaining = max(case.limit_days - case.days_used, 0)
    return {
        "clock_started_on": today,
        "stopped_on": None,
        "due_date": calendar.add_working_days(today, remaining),
    }


def decided_values(case: Case, calendar: WorkingCalendar, today: date) -> dict:
    """The clock's columns when the case is decided ``today`` (the days are frozen)."""
    spent = calendar.working_days_between(case.clock_started_on, today)
    return {"days_used": case.days_used + spent}


def working_days_used(case: Case, calendar: WorkingCalendar, today: date) -> int:
    if case.status is CaseStatus.ACCEPTED:
        return case.days_used + calendar.working_days_between(case.clock_started_on, today)
    return case.days_used


def deadline_state(
    case: Case, calendar: WorkingCalendar, today: date, due_soon_days: int = 1
) -> DeadlineState | None:
    if case.status is CaseStatus.WITHDRAWN:
        return None
    if case.status in DONE_STATUSES:
        if case.decided_on is None or case.due_date is None:
            return DeadlineState.DONE_ON_TIME
        late = case.decided_on > case.due_date
        return DeadlineState.DONE_LATE if late else DeadlineState.DONE_ON_TIME
    if case.status is CaseStatus.AWAITING_SUPPLEMENT or case.due_date is None:
        return DeadlineState.STOPPED
    if case.due_date < today:
        return DeadlineState.OVERDUE
    if calendar.working_days_between(today, case.due_date) <= due_soon_days:
        return DeadlineState.DUE_SOON
    return DeadlineState.NORMAL


def state_condition(
    state: DeadlineState, calendar: WorkingCalendar, today: date, due_soon_days: int = 1
) -> ColumnElement[bool]:
    """SQL: the cases in ``state`` on ``today`` (the same rule as ``deadline_state``)."""
    return state_clause(state, today, calendar.add_working_days(today, due_soon_days))


def state_clause(state: DeadlineState, today: Any, soon_until: Any) -> ColumnElement[bool]:
    """``state_condition`` with ``today`` and the last day that is due soon given as dates or
    as SQL parameters (a statement built once, ``api.planned.casework``)."""
    running = Case.status == CaseStatus.ACCEPTED
    done = Case.status.in_(DONE_STATUSES)
    match state:
        case DeadlineState.OVERDUE:
            return and_(running, Case.due_date < today)
        case DeadlineState.DUE_SOON:
            return and_(running, Case.due_date >= today, Case.due_date <= soon_until)
        case DeadlineState.NORMAL:
            return and_(running, Case.due_date > soon_until)
        case DeadlineState.STOPPED:
            return Case.status == CaseStatus.AWAITING_SUPPLEMENT
        case DeadlineState.DONE_ON_TIME:
            return and_(done, Case.decided_on <= Case.due_date)
        case DeadlineState.DONE_LATE:
            return and_(done, Case.decided_on > Case.due_date)
    return false()
