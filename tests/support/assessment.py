"""Rows of every assessment and pay table in a county (for the isolation suite): an event, a
closed and published month with its scores, a closed year with its grades, a payroll with its
lines, a person's own base wage, and a later payroll carrying a correction (补发/扣回)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from assessment import annual, monthly, recording
from assessment.models import MonthlyGrade
from pay import payroll
from tests.support.factories import County
from tests.support.workforce import hire
from workforce import common
from workforce.models import Staff

MONTH = date(2025, 3, 1)


async def assessment_rows(county: County) -> None:
    before = common.pinned_today
    common.pinned_today = date(2026, 2, 2)
    try:
        person = await hire(county, "town_a", name="考核隔离", hire_date=date(2025, 2, 3))
        admin = await county.actor("admin")
        async with county.db.transaction(county.tenant_id) as session:
            await recording.record_event(
                session,
                admin,
                recording.NewEvent(staff_id=person.id, item_code="1.1", occurred_on=MONTH),
            )
        async with county.db.transaction(county.tenant_id) as session:
            # out of probation, so that the month's reward is paid (and corrected below)
            (await session.get(Staff, person.id)).probation_end = date(2025, 2, 28)
            await monthly.close_month(session, admin.label, MONTH)
            await monthly.publish_month(session, admin.label, MONTH)
            await annual.close_year(session, admin.label, MONTH.year)
            await payroll.set_base_wage(session, admin.label, person.id, Decimal("3800.00"))
            await payroll.run_payroll(session, admin.label, MONTH)
            await payroll.approve_payroll(session, admin.label, MONTH)
            # corrected after the approval: April's payroll carries the difference
            await monthly.adjust_grade(
                session, admin.label, MONTH, person.id, MonthlyGrade.POOR, "隔离测试更正"
            )
            await payroll.run_payroll(session, admin.label, date(2025, 4, 1))
    finally:
        common.pinned_today = before
