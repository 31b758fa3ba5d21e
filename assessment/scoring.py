"""The month's arithmetic (DOMAIN §4, §7), on plain data: a person's score from their events,
the proposed grades of a county within the GOOD quota, the reward. No database here.

- each category 1–5 starts at its maximum, its deductions stop at zero; the bonus (6) is
  uncapped; total = Σ categories + bonus;
- POOR when the total is below ``poor_below`` (70) or a grave item occurred; GOOD for the best
  totals from ``good_from`` (90), at most ⌊quota ratio × people assessed⌋ of them, ties at the
  cut-off broken by fewer deductions, then the earlier hire date; everyone else FAIR;
- reward = base × min(total, 100) / 100 for GOOD and FAIR, rounded half-up to the fen; POOR 0;
  a suspended month (under investigation) has no grade and no reward.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from assessment.models import MonthlyGrade

FEN = Decimal("0.01")
BONUS = "6"


@dataclass(frozen=True)
class EventPoints:
    category: str
    item_code: str
    points: int
    grave: bool = False


@dataclass
class PersonScore:
    categories: dict[str, int]
    deductions: int
    bonus: int
    total: int
    grave_items: list[str] = field(default_factory=list)

    @property
    def grave(self) -> bool:
        return bool(self.grave_items)


def score_person(events: Iterable[EventPoints], maxima: dict[str, int | None]) -> PersonScore:
    lost: dict[str, int] = {code: 0 for code in maxima}
    bonus = deductions = 0
    grave: list[str] = []
    for event in events:
        if event.category == BONUS:
            bonus += event.points
        else:
            lost[event.category] = lost.get(event.category, 0) - event.points
            deductions += -event.points
        if event.grave and event.item_code not in grave:
            grave.append(event.item_code)
    categories: dict[str, int] = {}
    for code, maximum in maxima.items():
        categories[code] = bonus if maximum is None else max(0, maximum - lost.get(code, 0))
    total = sum(v for code, v in categories.items() if maxima[code] is not None) + bonus
    return PersonScore(categories, deductions, bonus, total, sorted(grave))


@dataclass(frozen=True)
class Candidate:
    staff_id: uuid.UUID
    total: int
    deductions: int
    hire_date: date
    grave: bool
    suspended: bool = False


def quota(ratio: Decimal, people: int) -> int:
    """⌊ratio × people⌋: 30% of 10 is 3, of 9 is 2."""
    return int((ratio * people).to_integral_value(rounding=ROUND_DOWN))


def propose_grades(
    candidates: Sequence[Candidate], good_quota: int, poor_below: int, good_from: int
) -> dict[uuid.UUID, MonthlyGrade | None]:
    """Each person's proposed grade (None while suspended)."""
    grades: dict[uuid.UUID, MonthlyGrade | None] = {}
    eligible: list[Candidate] = []
    for c in candidates:
        if c.suspended:
            grades[c.staff_id] = None
        elif c.grave or c.total < poor_below:
            grades[c.staff_id] = MonthlyGrade.POOR
        else:
            grades[c.staff_id] = MonthlyGrade.FAIR
            if c.total >= good_from:
                eligible.append(c)
    eligible.sort(key=lambda c: (-c.total, c.deductions, c.hire_date, c.staff_id))
    for c in eligible[:good_quota]:
        grades[c.staff_id] = MonthlyGrade.GOOD
    return grades


def reward(grade: MonthlyGrade | None, total: int, base: Decimal, cap: int) -> Decimal:
    if grade is None or grade is MonthlyGrade.POOR:
        return Decimal("0.00")
    score = max(0, min(total, cap))
    return (base * score / Decimal(100)).quantize(FEN, rounding=ROUND_HALF_UP)
