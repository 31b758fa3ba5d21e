"""The staffing budget (000 §六, DOMAIN §7) of a year, from its payrolls: pay, employer social
insurance (the county's rate × its base of 5,346.5 yuan, by calendar days like the pay), the
agency's management fee (5% of pay + insurance) and tax (6.72% of that plus the fee); and the
cost per person-month, next to 002's all-in 5,400 yuan."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pay.models import PayLine, Payroll
from pay.policy import money, pay_policy
from pay.rules import ZERO, fen


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


async def staffing_budget(session: AsyncSession, year: int, site_ids=None) -> Budget:
    policy = await pay_policy(session)
    insurance_month = money(policy["employer_social_insurance_rate"]) * money(
        policy["social_insurance_base"]
    )
    condition = [
        PayLine.payroll_id == Payroll.id,
        Payroll.month >= date(year, 1, 1),
        Payroll.month <= date(year, 12, 1),
    ]
    if site_ids is not None:
        condition.append(PayLine.site_id.in_(site_ids))
    rows = await session.execute(
        select(PayLine.staff_id, PayLine.gross, PayLine.days_paid, PayLine.days_in_month)
        .select_from(PayLine)
        .join(Payroll, Payroll.id == PayLine.payroll_id)
        .where(*condition)
    )
    people: set = set()
    pay = insurance = months = ZERO
    for staff_id, gross, paid, days in rows.all():
        people.add(staff_id)
        share = Decimal(paid) / Decimal(days)
        pay += gross
        insurance += fen(insurance_month * share)
        months += share
    fee = fen((pay + insurance) * money(policy["outsourcing_management_fee_rate"]))
    tax = fen((pay + insurance + fee) * money(policy["outsourcing_tax_rate"]))
    total = pay + insurance + fee + tax
    return Budget(
        headcount=len(people),
        person_months=months,
        pay=pay,
        social_insurance=insurance,
        management_fee=fee,
        tax=tax,
        total=total,
        per_person_month=fen(total / months) if months else ZERO,
        reference_per_person_month=money(policy["all_in_cost_per_person_month"]),
    )
