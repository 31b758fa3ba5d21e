"""China's working-day calendar (``holidays``, 调休 included) and the deadline arithmetic."""

from __future__ import annotations

from datetime import date

import pytest

from casework.calendar import CHINA, WorkingCalendar
from casework.deadlines import DeadlineState, deadline_state, limit_for
from casework.models import Case, CaseStatus
from catalog.models import HandlingKind

# The State Council's 补班 days (weekend days made working days) of 2025 and 2026.
MAKE_UP_WORKDAYS = [
    "2025-01-26",
    "2025-02-08",
    "2025-04-27",
    "2025-09-28",
    "2025-10-11",
    "2026-01-04",
    "2026-02-14",
    "2026-02-28",
    "2026-05-09",
    "2026-09-20",
    "2026-10-10",
]
# Weekdays off: holidays and the days off they were swapped for.
WEEKDAYS_OFF = [
    "2025-01-01",
    "2025-01-28",
    "2025-02-03",
    "2025-02-04",
    "2025-04-04",
    "2025-05-05",
    "2025-06-02",
    "2025-10-06",
    "2025-10-08",
    "2026-01-02",
    "2026-02-20",
    "2026-02-23",
    "2026-04-06",
    "2026-10-07",
]


@pytest.mark.parametrize("day", MAKE_UP_WORKDAYS)
def test_make_up_weekend_days_are_working_days(day):
    d = date.fromisoformat(day)
    assert d.weekday() >= 5
    assert CHINA.is_working_day(d)


@pytest.mark.parametrize("day", WEEKDAYS_OFF)
def test_holidays_and_swapped_days_off_are_not_working_days(day):
    d = date.fromisoformat(day)
    assert d.weekday() < 5
    assert not CHINA.is_working_day(d)


def test_ordinary_weekends_and_weekdays():
    assert not CHINA.is_working_day(date(2025, 10, 4))  # National Day week, Saturday
    assert not CHINA.is_working_day(date(2026, 2, 21))  # Spring Festival, Saturday
    assert CHINA.is_working_day(date(2025, 5, 6))
    assert not CHINA.is_working_day(date(2025, 5, 10))


def test_counting_across_national_day_2025():
    # Accepted on Tuesday 30 September: 1 Oct – 8 Oct are off; 11 Oct (Saturday) is worked.
    start = date(2025, 9, 30)
    assert CHINA.add_working_days(start, 1) == date(2025, 10, 9)
    assert CHINA.add_working_days(start, 3) == date(2025, 10, 11)
    assert CHINA.add_working_days(start, 5) == date(2025, 10, 14)
    assert CHINA.add_working_days(start, 0) == start
    assert CHINA.working_days_between(start, date(2025, 10, 14)) == 5
    assert CHINA.working_days_between(date(2025, 10, 14), start) == 0


def test_counting_across_spring_festival_2026():
    # Friday 13 Feb 2026: 14 Feb (Saturday) is worked, 15–23 Feb off, 28 Feb worked.
    start = date(2026, 2, 13)
    assert CHINA.add_working_days(start, 1) == date(2026, 2, 14)
    assert CHINA.add_working_days(start, 2) == date(2026, 2, 24)


def test_county_additions_win():
    closure = date(2025, 5, 6)
    extra = date(2025, 5, 10)
    calendar = WorkingCalendar(extra_closed=[closure], extra_working=[extra])
    assert not calendar.is_working_day(closure)
    assert calendar.is_working_day(extra)
    assert calendar.add_working_days(date(2025, 5, 5), 2) == date(2025, 5, 8)


def _case(**values) -> Case:
    defaults = {
        "status": CaseStatus.ACCEPTED,
        "limit_days": 5,
        "clock_started_on": date(2025, 9, 30),
        "days_used": 0,
        "stopped_on": None,
        "due_date": date(2025, 10, 14),
        "decided_on": None,
    }
    defaults.update(values)
    return Case(**defaults)


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (date(2025, 10, 9), DeadlineState.NORMAL),
        (date(2025, 10, 11), DeadlineState.NORMAL),  # two working days left (13, 14)
        (date(2025, 10, 12), DeadlineState.NORMAL),  # Sunday: 13 and 14 are still ahead
        (date(2025, 10, 13), DeadlineState.DUE_SOON),
        (date(2025, 10, 14), DeadlineState.DUE_SOON),
        (date(2025, 10, 15), DeadlineState.OVERDUE),
    ],
)
def test_deadline_states(today, state):
    assert deadline_state(_case(), CHINA, today) is state


def test_done_stopped_and_withdrawn_states():
    on_time = _case(status=CaseStatus.APPROVED, decided_on=date(2025, 10, 14))
    late = _case(status=CaseStatus.ISSUED, decided_on=date(2025, 10, 15))
    assert deadline_state(on_time, CHINA, date(2025, 12, 1)) is DeadlineState.DONE_ON_TIME
    assert deadline_state(late, CHINA, date(2025, 12, 1)) is DeadlineState.DONE_LATE
    stopped = _case(
        status=CaseStatus.AWAITING_SUPPLEMENT, due_date=None, stopped_on=date(2025, 10, 9)
    )
    assert deadline_state(stopped, CHINA, date(2026, 1, 1)) is DeadlineState.STOPPED
    assert deadline_state(_case(status=CaseStatus.WITHDRAWN), CHINA, date(2025, 10, 9)) is None


def test_immediate_matters_have_no_working_days():
    assert limit_for(HandlingKind.IMMEDIATE, 5) == 0
    assert limit_for(HandlingKind.PROMISED, 5) == 5
