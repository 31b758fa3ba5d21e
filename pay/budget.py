"""The staffing budget (000 §六, DOMAIN §7) of a year: pay, employer social insurance (the
county's rate × its base of 5,346.5 yuan, by calendar days like the pay), the agency's management
fee (5% of pay + insurance) and tax (6.72% of that plus the fee); and the cost per person-month,
next to 002's all-in 5,400 yuan.

A month with a payroll (draft or approved) counts as it was paid (ACTUAL). A month without one
is PROJECTED from the staff on the roster as of ``today`` (hired by then and not gone before the
month) by the same pay rules (``pay.rules``): each person's own base wage or the county's, the
certificates held by ``today``, tenure and probation as they will stand in that month, a known
last day respected, and the monthly assessment reward budgeted at its full base (300 yuan; the
real reward is at most that) outside probation. ``today`` is passed in, never read here.
"""

from __future__ import annotations

import enum
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.people import Person, in_service, month_end, sites_for_month
from assessment.policy import assessment_policy
from pay.models import BaseWage, PayLine, Payroll, PayrollStatus
from pay.policy import money, pay_policy
from pay.rules import ZERO, PersonMonth, fen, slip
from workforce.models import Certificate

CHUNK = 1000


class MonthBasis(enum.StrEnum):
    ACTUAL = "ACTUAL"  # from the month's payroll
    PROJECTED = "PROJECTED"  # no payroll yet: from the current staff and pay rules


@dataclass
class BudgetMonth:
    month: date
    basis: MonthBasis
    payroll_status: PayrollStatus | None = None
    people: set[uuid.UUID] = field(default_factory=set)
    person_months: Decimal = ZERO
    pay: Decimal = ZERO
    social_insurance: Decimal = ZERO

    @property
    def headcount(self) -> int:
        return len(self.people)


@dataclass(frozen=True)
class Budget:
    headcount: int
    person_months: Decimal
    pay: Decimal
    social_insurance: Decimal
    management_fee: Decimal
    tax: Decimal
    total: Decimal
    per_person_month: Decimal
    reference_per_person_month: Decimal
    months: list[BudgetMonth]


async def staffing_budget(
    session: AsyncSession, year: int, site_ids=None, *, today: date
) -> Budget:
    policy = await pay_policy(session)
    insurance_month = money(policy["employer_social_insurance_rate"]) * money(
        policy["social_insurance_base"]
    )
    months = {
        date(year, m, 1): BudgetMonth(date(year, m, 1), MonthBasis.PROJECTED) for m in range(1, 13)
    }
    payrolls = await session.execute(
        select(Payroll.month, Payroll.status).where(
            Payroll.month >= date(year, 1, 1), Payroll.month <= date(year, 12, 1)
        )
    )
    for month, status in payrolls.all():
        months[month].basis, months[month].payroll_status = MonthBasis.ACTUAL, status

    def count(entry: BudgetMonth, staff_id: uuid.UUID, gross: Decimal, paid: int, days: int):
        entry.pay += gross
        if paid <= 0:  # a line carrying only an earlier month's settlement (补发/扣回)
            return
        share = Decimal(paid) / Decimal(days)
        entry.people.add(staff_id)
        entry.social_insurance += fen(insurance_month * share)
        entry.person_months += share

    condition = [Payroll.month >= date(year, 1, 1), Payroll.month <= date(year, 12, 1)]
    if site_ids is not None:
        condition.append(PayLine.site_id.in_(site_ids))
    rows = await session.execute(
        select(
            PayLine.month, PayLine.staff_id, PayLine.gross, PayLine.days_paid, PayLine.days_in_month
        )
        .select_from(PayLine)
        .join(Payroll, Payroll.id == PayLine.payroll_id)
        .where(*condition)
    )
    for month, staff_id, gross, paid, days in rows.all():
        count(months[month], staff_id, gross, paid, days)

    projected = [m for m in months.values() if m.basis is MonthBasis.PROJECTED]
    if projected:
        await _project(session, projected, site_ids, today, policy, count)

    people: set[uuid.UUID] = set().union(*(m.people for m in months.values()))
    pay = sum((m.pay for m in months.values()), ZERO)
    insurance = sum((m.social_insurance for m in months.values()), ZERO)
    person_months = sum((m.person_months for m in months.values()), ZERO)
    fee = fen((pay + insurance) * money(policy["outsourcing_management_fee_rate"]))
    tax = fen((pay + insurance + fee) * money(policy["outsourcing_tax_rate"]))
    total = pay + insurance + fee + tax
    return Budget(
        headcount=len(people),
        person_months=person_months,
        pay=pay,
        social_insurance=insurance,
        management_fee=fee,
        tax=tax,
        total=total,
        per_person_month=fen(total / person_months) if person_months else ZERO,
        reference_per_person_month=money(policy["all_in_cost_per_person_month"]),
        months=sorted(months.values(), key=lambda m: m.month),
    )


async def _project(
    session: AsyncSession, months: list[BudgetMonth], site_ids, today: date, policy, count
) -> None:
    """Fill the months without a payroll from the roster as of ``today`` (see the module)."""
    first, last = months[0].month, month_end(months[-1].month)
    roster = [p for p in await in_service(session, first, last) if p.hire_date <= today]
    if not roster:
        return
    ids = [p.id for p in roster]
    certificates: dict[uuid.UUID, list[tuple[str, date]]] = defaultdict(list)
    own_wage: dict[uuid.UUID, Decimal] = {}
    for i in range(0, len(ids), CHUNK):
        chunk = ids[i : i + CHUNK]
        held = await session.execute(
            select(Certificate.staff_id, Certificate.level, Certificate.issued_on).where(
                Certificate.staff_id.in_(chunk), Certificate.issued_on <= today
            )
        )
        for sid, level, issued in held.all():
            certificates[sid].append((level.value, issued))
        wages = await session.execute(
            select(BaseWage.staff_id, BaseWage.monthly).where(BaseWage.staff_id.in_(chunk))
        )
        own_wage.update(dict(wages.all()))
    scope = None
    if site_ids is not None:
        scope = set((await session.execute(site_ids)).scalars())
    county_base = money(policy["base_wage"])
    reward = money((await assessment_policy(session))["monthly_reward_base"])
    for entry in months:
        people: list[Person] = roster
        sites: dict[uuid.UUID, uuid.UUID] = {}
        if scope is not None:
            in_month = [
                p
                for p in roster
                if p.hire_date <= month_end(entry.month)
                and (p.last_day is None or p.last_day >= entry.month)
            ]
            sites = await sites_for_month(session, in_month, month_end(entry.month))
            people = [p for p in in_month if sites.get(p.id) in scope]
        for p in people:
            person = PersonMonth(
                hire_date=p.hire_date,
                last_day=p.last_day,
                probation_end=p.probation_end,
                education=p.education.value if hasattr(p.education, "value") else str(p.education),
                certificates=tuple(certificates.get(p.id, ())),
                base_wage=own_wage.get(p.id, county_base),
                reward=reward,
            )
            s = slip(person, entry.month, policy)
            if s is not None:
                count(entry, p.id, s.gross, s.days_paid, s.days_in_month)
