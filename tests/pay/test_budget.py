"""The staffing budget of a year on both databases: a month with a payroll as paid, every other
month projected from the roster as of ``today`` by the pay rules (tenure growing through the
year, a known last day prorated, a certificate not yet held left out, the reward at its base),
for the county and for a township's subtree; every figure by hand."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from network import tree
from pay import budget, payroll
from pay.budget import MonthBasis
from pay.models import PayrollStatus
from tests.assessment.world import JAN, pinned
from tests.support.factories import make_county
from tests.support.graphql import gql
from tests.support.workforce import hire
from workforce.models import Certificate, SkillLevel, Staff, StaffStatus

TODAY = date(2026, 6, 15)


def certificate(staff: Staff, level: SkillLevel, issued: date) -> Certificate:
    return Certificate(
        id=uuid.uuid4(),
        staff_id=staff.id,
        level=level,
        number=f"CERT-{uuid.uuid4().hex[:8]}",
        issued_on=issued,
        recorded_by="test",
    )


async def test_actual_and_projected_months(db, client):
    county = await make_county(db, "经费测算县")
    with pinned():
        first = await hire(county, "town_a", name="测算甲", hire_date=date(2025, 7, 10))
        second = await hire(county, "town_b", name="测算乙", hire_date=date(2024, 1, 2))
    async with county.db.transaction(county.tenant_id) as session:
        session.add(certificate(first, SkillLevel.LEVEL_5, date(2025, 8, 1)))
        # issued after today: the projection does not count on it
        session.add(certificate(second, SkillLevel.LEVEL_4, date(2026, 8, 1)))
        leaving = await session.get(Staff, second.id)
        leaving.status, leaving.last_day = StaffStatus.NOTICE_GIVEN, date(2026, 9, 15)
    async with county.db.transaction(county.tenant_id) as session:
        await payroll.run_payroll(session, "admin", JAN)

    async with county.db.session(county.tenant_id) as session:
        year = await budget.staffing_budget(session, 2026, today=TODAY)
        town_b = await budget.staffing_budget(
            session, 2026, tree.subtree_ids_query(county.sites["town_b"].id), today=TODAY
        )
    months = year.months
    assert [m.basis for m in months] == [MonthBasis.ACTUAL] + [MonthBasis.PROJECTED] * 11
    assert months[0].payroll_status is PayrollStatus.DRAFT and months[1].payroll_status is None
    # January as run (the month not published: no reward): 甲 3,500 + 100 + 0 + 100 = 3,700;
    # 乙 3,500 + 100 = 3,600
    assert months[0].pay == Decimal("7300.00")
    # February–July: 甲 4,000 (tenure under a year since the 2025-08-01 certificate, reward 300)
    # + 乙 3,900 (no certificate held by today, bachelor, reward 300)
    assert months[1].pay == months[6].pay == Decimal("7900.00")
    # August: 甲's first full year (≥ 1 → 20) makes 4,020
    assert months[7].pay == Decimal("7920.00")
    # September: 乙 leaves on the 15th, 15/30: 1,750 + 50 + the reward 300 = 2,100
    assert months[8].pay == Decimal("6120.00")
    assert months[8].person_months == Decimal("1.5")
    assert months[8].social_insurance == Decimal("1603.95") + Decimal("801.98")
    # October–December: 甲 alone
    assert months[9].pay == months[11].pay == Decimal("4020.00")
    assert (months[9].headcount, months[8].headcount) == (1, 2)
    # the year: 甲 3,700 + 6 × 4,000 + 5 × 4,020 = 47,800; 乙 3,600 + 7 × 3,900 + 2,100 = 33,000
    assert (year.headcount, year.pay) == (2, Decimal("80800.00"))
    # insurance: 20 full months × 1,603.95 + 801.98 = 32,880.98, over 20.5 person-months
    assert year.social_insurance == Decimal("32880.98")
    assert year.person_months == Decimal("20.5")
    # 113,680.98 + fee 5,684.05 + tax 6.72% × 119,365.03 = 8,021.33 → 127,386.36; ÷ 20.5 = 6,213.97
    assert (year.management_fee, year.tax) == (Decimal("5684.05"), Decimal("8021.33"))
    assert year.total == Decimal("127386.36")
    assert year.per_person_month == Decimal("6213.97")

    # 乙镇's subtree: 乙 alone, in every month (actual and projected)
    assert (town_b.headcount, town_b.pay) == (1, Decimal("33000.00"))
    assert [m.pay for m in town_b.months[7:10]] == [
        Decimal("3900.00"),
        Decimal("2100.00"),
        Decimal("0.00"),
    ]

    # through GraphQL: the months say which are actual and which projected (today is the
    # services' day, pinned here)
    with pinned(TODAY):
        found = await gql(
            client,
            """{ staffingBudget(year: 2026) { payYuan
                months { month basis payrollStatus headcount personMonths payYuan } } }""",
            token=county.token("admin"),
        )
    assert "errors" not in found, found
    shown = found["data"]["staffingBudget"]
    assert shown["payYuan"] == "80800.00"
    assert shown["months"][0] == {
        "month": "2026-01",
        "basis": "ACTUAL",
        "payrollStatus": "DRAFT",
        "headcount": 2,
        "personMonths": "2.00",
        "payYuan": "7300.00",
    }
    assert shown["months"][8] == {
        "month": "2026-09",
        "basis": "PROJECTED",
        "payrollStatus": None,
        "headcount": 2,
        "personMonths": "1.50",
        "payYuan": "6120.00",
    }
