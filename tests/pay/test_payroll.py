"""A payroll through the services on both databases: run, re-run, approve (frozen), the export
with its Chinese headings, and the staffing budget by hand (000's table)."""

from __future__ import annotations

import io
import uuid
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from pay import budget, payroll
from pay.budget import MonthBasis
from pay.export import COLUMNS, payroll_rows, payroll_workbook
from pay.models import PayLine, PayrollStatus
from tenants.errors import UserErrors
from tests.assessment.world import JAN, pinned
from tests.support.factories import make_county
from tests.support.workforce import hire
from workforce.models import Certificate, SkillLevel

COUNTY_NAME = "工资测试县"


@pytest.fixture(scope="module")
async def county(db):
    return await make_county(db, COUNTY_NAME)


async def run(county, month=JAN):
    async with county.db.transaction(county.tenant_id) as session:
        return await payroll.run_payroll(session, "admin", month)


async def lines(county, row) -> list[PayLine]:
    async with county.db.session(county.tenant_id) as session:
        found = await session.execute(select(PayLine).where(PayLine.payroll_id == row.id))
        return list(found.scalars())


async def test_run_rerun_approve_export_and_budget(county):
    with pinned():
        person = await hire(county, "town_a", name="工资一", hire_date=date(2024, 3, 4))
    first = await run(county)
    [line] = await lines(county, first)
    # no certificate yet: base 3,500 + bachelor 100; the month is not assessed yet
    assert (line.base, line.education, line.gross) == (
        Decimal("3500.00"),
        Decimal("100.00"),
        Decimal("3600.00"),
    )
    assert "考核奖励未计入" in line.note
    async with county.db.transaction(county.tenant_id) as session:
        session.add(
            Certificate(
                id=uuid.uuid4(),
                staff_id=person.id,
                level=SkillLevel.LEVEL_4,
                number=f"CERT-{uuid.uuid4().hex[:8]}",
                issued_on=date(2019, 12, 1),
                recorded_by="test",
            )
        )
    again = await run(county)
    assert again.id == first.id
    [line] = await lines(county, again)
    # certificate in 2019 but service since the 2024 hire: ≥ 1 year → 20
    assert (line.skill, line.tenure, line.gross) == (
        Decimal("150.00"),
        Decimal("20.00"),
        Decimal("3770.00"),
    )
    async with county.db.transaction(county.tenant_id) as session:
        approved = await payroll.approve_payroll(session, "admin", JAN)
    assert approved.status is PayrollStatus.APPROVED and approved.total == Decimal("3770.00")
    with pytest.raises(UserErrors) as exc:
        await run(county)
    assert exc.value.errors[0].code == "PAYROLL_APPROVED"
    with pytest.raises(UserErrors):
        async with county.db.transaction(county.tenant_id) as session:
            await payroll.approve_payroll(session, "admin", JAN)

    async with county.db.session(county.tenant_id) as session:
        rows = await payroll_rows(session, approved)
    book = load_workbook(io.BytesIO(payroll_workbook("标题", rows, approved.total)))
    sheet = book["工资表"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[1] == COLUMNS
    assert values[2][1] == "工资一" and values[2][4] == "四级/中级工"
    assert values[-1][0] == "合计"

    # 000's table over the year: January as paid (3,770; insurance 0.30 × 5,346.50 = 1,603.95),
    # February–December projected on 31 January from the same person and rules: 3,500 + 150 +
    # 20 (tenure 1 year all 2026) + 100 + the reward budgeted at its base 300 = 4,070 a month.
    # Pay 3,770 + 11 × 4,070 = 48,540; insurance 12 × 1,603.95 = 19,247.40 → 67,787.40;
    # fee 5% = 3,389.37; tax 6.72% × 71,176.77 = 4,783.078… → 4,783.08; total 75,959.85,
    # 6,329.99 per person-month (÷ 12)
    async with county.db.session(county.tenant_id) as session:
        b = await budget.staffing_budget(session, 2026, today=date(2026, 1, 31))
    january, february = b.months[0], b.months[1]
    assert (january.basis, january.payroll_status) == (MonthBasis.ACTUAL, PayrollStatus.APPROVED)
    assert (january.pay, january.social_insurance) == (Decimal("3770.00"), Decimal("1603.95"))
    assert [m.basis for m in b.months[1:]] == [MonthBasis.PROJECTED] * 11
    assert (february.pay, february.headcount) == (Decimal("4070.00"), 1)
    assert (b.headcount, b.pay, b.social_insurance) == (
        1,
        Decimal("48540.00"),
        Decimal("19247.40"),
    )
    assert (b.management_fee, b.tax) == (Decimal("3389.37"), Decimal("4783.08"))
    assert b.total == Decimal("75959.85")
    assert b.per_person_month == Decimal("6329.99")
    assert b.reference_per_person_month == Decimal("5400.00")
