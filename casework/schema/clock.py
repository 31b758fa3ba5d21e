"""The instant the schema layer hands to the casework rules (which never read a clock).

Tests pin it with ``pinned_now``; a day pinned for the workforce (``workforce.common
.pinned_today``) pins it too, at 10:00 in China, so that both domains agree on "today".
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from casework.common import CHINA_TZ, local_day
from workforce import common as workforce_common

pinned_now: datetime | None = None


def now() -> datetime:
    if pinned_now is not None:
        return pinned_now
    day = workforce_common.pinned_today
    if day is not None:
        return datetime.combine(day, time(10, 0), tzinfo=CHINA_TZ)
    return datetime.now(UTC)


def today() -> date:
    return local_day(now())
