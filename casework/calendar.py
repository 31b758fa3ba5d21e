"""China's working-day calendar (工作日), for deadlines counted in working days.

The ``holidays`` library's China calendar knows the public holidays, the days off moved by the
State Council's yearly notice (调休 "Day off (substituted from …)") and — as
``weekend_workdays`` — the Saturdays and Sundays made working days in exchange (补班, e.g.
2025-01-26, 2025-02-08, 2025-04-27, 2025-09-28, 2025-10-11; 2026-01-04, 2026-02-14, 2026-02-28,
2026-05-09, 2026-09-20, 2026-10-10). ``HolidayBase.is_working_day`` honours both, so no table of
our own is kept. For a year whose notice is not yet published the library estimates (weekend
holidays move to the next working day, no 补班): a county corrects such days, and adds its own
closures, with ``extra_closed`` / ``extra_working``.

Counting (DOMAIN.md §8): a limit of ``n`` working days from a day ``d`` ends on the ``n``-th
working day after ``d`` — the day itself never counts; ``n = 0`` ends on ``d`` (即办件).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays

_lock = threading.Lock()
_china = holidays.China()  # grows its years lazily, on the first lookup of each year
# Nobody is given a limit longer than this: a loop over days stops here.
MAX_SPAN_DAYS = 3 * 366


@lru_cache(maxsize=16_384)
def _official_working_day(day: date) -> bool:
    """Whether China's calendar makes ``day`` a working day. Remembered (some 40 years of
    days): the library's answer for a day never changes within a process, and a deadline
    asks for the same few weeks of days on every intake, decision and page of cases."""
    with _lock:  # the library fills a year on first use; keep that single-threaded
        return _china.is_working_day(day)


class WorkingCalendar:
    """Working days of China, with a county's own closures and working days on top."""

    def __init__(
        self, extra_closed: Iterable[date] = (), extra_working: Iterable[date] = ()
    ) -> None:
        self.extra_closed = frozenset(extra_closed)
        self.extra_working = frozenset(extra_working)

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_closed:
            return False
        if day in self.extra_working:
            return True
        return _official_working_day(day)

    def add_working_days(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself for 0)."""
        day = start
        remaining = max(count, 0)
        for _ in range(MAX_SPAN_DAYS):
            if remaining == 0:
                return day
            day += timedelta(days=1)
            if self.is_working_day(day):
                remaining -= 1
        raise ValueError(f"{count} working days after {start} is beyond the calendar's span")

    def working_days_between(self, start: date, end: date) -> int:
        """Working days ``d`` with ``start < d <= end`` (0 when ``end <= start``)."""
        if end <= start:
            return 0
        span = (end - start).days
        if span > MAX_SPAN_DAYS:
            raise ValueError(f"{start}..{end} is beyond the calendar's span")
        return sum(1 for i in range(1, span + 1) if self.is_working_day(start + timedelta(days=i)))

    def next_working_day(self, day: date) -> date:
        return self.add_working_days(day, 1)


CHINA = WorkingCalendar()
