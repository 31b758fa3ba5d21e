"""One pay slip's arithmetic (DOMAIN §3, §7), on plain data — no database here.

- base wage: the person's own, or the county's base;
- skill allowance: the highest certificate held on the month's last day (not cumulative);
- tenure allowance: full years of continuous service since the first certificate (service
  starts again at a rehire: the count starts at the later of the first certificate and the
  hire date), ≥ 1 / ≥ 5 / ≥ 10 years;
- education allowance: bachelor, above bachelor;
- the month's assessment reward (already the month's amount: never prorated);
- during probation: base wage and skill allowance only;
- joined or left during the month: base and allowances prorated by calendar days, said in the
  slip's note.

Money is ``Decimal``; each amount on the slip is rounded half-up to the fen once, and the gross
is the sum of the rounded amounts (so a slip always adds up).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from workforce.models import SkillLevel

FEN = Decimal("0.01")
ZERO = Decimal("0.00")


def fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def full_years(start: date, end: date) -> int:
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return max(0, years)


@dataclass(frozen=True)
class PersonMonth:
    hire_date: date
    last_day: date | None
    probation_end: date | None
    education: str
    certificates: tuple[tuple[str, date], ...]  # (level, issued on)
    base_wage: Decimal
    reward: Decimal


@dataclass(frozen=True)
class Slip:
    probation: bool
    skill_level: str | None
    tenure_years: int
    days_paid: int
    days_in_month: int
    base: Decimal
    skill: Decimal
    tenure: Decimal
    education: Decimal
    reward: Decimal
    gross: Decimal
    note: str | None


def in_month(person: PersonMonth, month: date) -> tuple[date, date] | None:
    """The days of the month the person was employed (None: none)."""
    last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    start = max(month, person.hire_date)
    end = min(last, person.last_day) if person.last_day else last
    return (start, end) if start <= end else None


def slip(person: PersonMonth, month: date, policy: dict[str, Any]) -> Slip | None:
    days = in_month(person, month)
    if days is None:
        return None
    start, end = days
    month_days = calendar.monthrange(month.year, month.month)[1]
    month_last = month.replace(day=month_days)
    paid = (end - start).days + 1
    probation = person.probation_end is not None and person.probation_end >= end
    held = [
        (SkillLevel(level), issued) for level, issued in person.certificates if issued <= month_last
    ]
    highest = max((lvl for lvl, _ in held), key=lambda lvl: lvl.rank, default=None)
    skill = Decimal(str(policy["skill_allowance"][highest.value])) if highest else ZERO
    tenure_years = 0
    tenure = education = ZERO
    if held:
        since = max(min(issued for _, issued in held), person.hire_date)
        tenure_years = full_years(since, end)
        for step in sorted(policy["tenure_allowance"], key=lambda s: s["min_years"]):
            if tenure_years >= int(step["min_years"]):
                tenure = Decimal(str(step["yuan"]))
    education = Decimal(str(policy["education_allowance"].get(person.education, "0")))
    reward = person.reward
    if probation:
        tenure = education = reward = ZERO
    share = Decimal(paid) / Decimal(month_days)
    amounts = [
        fen(person.base_wage * share),
        fen(skill * share),
        fen(tenure * share),
        fen(education * share),
        fen(reward),
    ]
    notes = []
    if paid < month_days:
        what = []
        if start > month:
            what.append(f"{start.month} 月 {start.day} 日入职")
        if end < month_last:
            what.append(f"{end.month} 月 {end.day} 日离职")
        notes.append(f"{'、'.join(what)},按日历天数折算 {paid}/{month_days}")
    if probation:
        notes.append("试用期:仅发基本工资和技能津贴")
    return Slip(
        probation=probation,
        skill_level=highest.value if highest else None,
        tenure_years=tenure_years,
        days_paid=paid,
        days_in_month=month_days,
        base=amounts[0],
        skill=amounts[1],
        tenure=amounts[2],
        education=amounts[3],
        reward=amounts[4],
        gross=sum(amounts, ZERO),
        note=";".join(notes) or None,
    )
