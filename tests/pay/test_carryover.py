"""补发/扣回 on both databases: a month published after its payroll was approved, a published
grade corrected, a suspended grade settled when the investigation ends — each difference carried
by the next payroll run, exactly once (over re-runs, across two draft payrolls, and when two runs
race), on the slip, in the export and in the budget."""

from __future__ import annotations

import asyncio
import io
import uuid
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from assessment import monthly, recording
from assessment.models import MonthlyGrade
from assessment.recording import NewEvent
from pay import budget, payroll
from pay.export import COLUMNS, payroll_rows, payroll_workbook
from pay.models import PayAdjustment, PayLine, Payroll
from pay.payroll import NOT_IN_SERVICE_NOTE
from tests.assessment.world import pinned
from tests.support.factories import make_county
from tests.support.graphql import gql
from tests.support.workforce import hire
from workforce.models import Staff, StaffStatus

JAN, FEB, MAR, APR = (date(2026, m, 1) for m in (1, 2, 3, 4))


async def run(county, month):
    async with county.db.transaction(county.tenant_id) as session:
        return await payroll.run_payroll(session, "admin", month)


async def approve(county, month):
    async with county.db.transaction(county.tenant_id) as session:
        return await payroll.approve_payroll(session, "admin", month)


async def close_and_publish(county, month):
    async with county.db.transaction(county.tenant_id) as session:
        await monthly.close_month(session, "admin", month)
    async with county.db.transaction(county.tenant_id) as session:
        await monthly.publish_month(session, "admin", month)


async def adjust(county, month, staff, grade, reason):
    async with county.db.transaction(county.tenant_id) as session:
        return await monthly.adjust_grade(session, "admin", month, staff.id, grade, reason)


async def set_status(county, staff, status, last_day=None):
    async with county.db.transaction(county.tenant_id) as session:
        person = await session.get(Staff, staff.id)
        if status is StaffStatus.SUSPENDED:
            person.status_before_suspension = person.status
        person.status = status
        if last_day is not None:
            person.last_day = last_day


async def slips(county, month) -> dict[uuid.UUID, PayLine]:
    async with county.db.session(county.tenant_id) as session:
        rows = await session.execute(
            select(PayLine)
            .join(Payroll, Payroll.id == PayLine.payroll_id)
            .where(Payroll.month == month)
        )
        return {line.staff_id: line for line in rows.scalars()}


async def adjustments(county) -> list[tuple]:
    async with county.db.session(county.tenant_id) as session:
        rows = await session.execute(
            select(
                PayAdjustment.staff_id,
                PayAdjustment.source_month,
                PayAdjustment.seq,
                PayAdjustment.amount,
                Payroll.month,
            )
            .join(Payroll, Payroll.id == PayAdjustment.payroll_id)
            .order_by(Payroll.month, PayAdjustment.amount)
        )
        return [tuple(r) for r in rows.all()]


async def three_people(county):
    with pinned():
        return [
            await hire(county, "town_a", name=name, hire_date=date(2024, 3, 4))
            for name in ("补发甲", "补发乙", "补发丙")
        ]


async def test_published_corrected_and_settled_after_approval(db, client):
    county = await make_county(db, "补发测试县")
    a, b, c = await three_people(county)
    with pinned():
        async with county.db.transaction(county.tenant_id) as session:
            await recording.record_event(
                session,
                await county.actor("admin"),
                NewEvent(staff_id=b.id, item_code="1.1", occurred_on=date(2026, 1, 6)),
            )
    # January's payroll is approved before the month's assessment is published
    await run(county, JAN)
    await approve(county, JAN)
    january = await slips(county, JAN)
    assert {line.reward for line in january.values()} == {Decimal("0.00")}
    # 丙 is under investigation when January closes: the month is suspended
    await set_status(county, c, StaffStatus.SUSPENDED)
    await close_and_publish(county, JAN)

    # February's run pays January's rewards as 补发, once however often it is run
    await run(county, FEB)
    await run(county, FEB)
    february = await slips(county, FEB)
    assert february[a.id].adjustment == Decimal("300.00")
    assert february[b.id].adjustment == Decimal("285.00")  # 95 points: one late arrival
    assert february[c.id].adjustment == Decimal("0.00")  # still suspended: nothing due
    assert february[a.id].gross == Decimal("3600.00") + Decimal("300.00")
    assert "补发 2026-01 考核奖励 300.00 元(2026-01 考核在工资表审定后公布)" in february[a.id].note
    assert len(await adjustments(county)) == 2
    feb_row = await approve(county, FEB)
    assert feb_row.total == sum(line.gross for line in february.values())

    # the investigation ends and the month is settled; a published grade is corrected; 丙 leaves
    await set_status(county, c, StaffStatus.ACTIVE)
    await adjust(county, JAN, c, MonthlyGrade.FAIR, "结案:不予处分")
    await adjust(county, JAN, b, MonthlyGrade.POOR, "复查发现违纪")
    await set_status(county, c, StaffStatus.LEFT, last_day=date(2026, 2, 28))
    await run(county, MAR)
    await run(county, MAR)
    march = await slips(county, MAR)
    assert march[a.id].adjustment == Decimal("0.00") and march[a.id].gross == Decimal("3600.00")
    assert march[b.id].adjustment == Decimal("-285.00")
    assert march[b.id].gross == Decimal("3315.00")
    assert "扣回 2026-01 考核奖励 285.00 元(2026-01 考核更正:复查发现违纪)" in march[b.id].note
    # 丙 is no longer in service: a line with the settlement alone
    left = march[c.id]
    assert (left.days_paid, left.base, left.adjustment, left.gross) == (
        0,
        Decimal("0.00"),
        Decimal("300.00"),
        Decimal("300.00"),
    )
    assert left.note.startswith(NOT_IN_SERVICE_NOTE)
    assert (
        "补发 2026-01 考核奖励 300.00 元(2026-01 考核在工资表审定后公布,考核更正:结案:不予处分)"
        in left.note
    )
    assert left.site_id == county.sites["town_a"].id
    mar_row = await approve(county, MAR)
    assert mar_row.total == Decimal("3600.00") + Decimal("3315.00") + Decimal("300.00")

    # the export shows the column and the reason
    async with county.db.session(county.tenant_id) as session:
        rows = await payroll_rows(session, mar_row)
    sheet = load_workbook(io.BytesIO(payroll_workbook("标题", rows, mar_row.total)))["工资表"]
    values = list(sheet.iter_rows(values_only=True))
    assert values[1] == COLUMNS
    column = COLUMNS.index("补发/扣回")
    by_name = {row[1]: row for row in values[2:-1]}
    assert float(by_name["补发乙"][column]) == -285.0
    assert "扣回 2026-01" in by_name["补发乙"][COLUMNS.index("备注")]
    assert float(values[-1][COLUMNS.index("应发合计")]) == 7215.0

    # everything is settled: April carries nothing, and each settlement exists once
    await run(county, APR)
    assert {line.adjustment for line in (await slips(county, APR)).values()} == {Decimal("0.00")}
    assert await adjustments(county) == [
        (b.id, JAN, 1, Decimal("285.00"), FEB),
        (a.id, JAN, 1, Decimal("300.00"), FEB),
        (b.id, JAN, 2, Decimal("-285.00"), MAR),
        (c.id, JAN, 1, Decimal("300.00"), MAR),
    ]
    # the budget counts what was paid, and 丙's settlement line is no person-month
    async with county.db.session(county.tenant_id) as session:
        year = await budget.staffing_budget(session, 2026, today=date(2026, 4, 30))
    assert year.headcount == 3

    # the slip through GraphQL: the amount and its detail
    token = county.token("admin")
    found = await gql(
        client,
        """query($month: String!) { payroll(month: $month) { lines { edges { node {
            staff { name } adjustmentYuan grossYuan
            adjustments { sourceMonth amountYuan paidBeforeYuan dueYuan reason } } } } } }""",
        {"month": "2026-03"},
        token,
    )
    assert "errors" not in found, found
    edges = found["data"]["payroll"]["lines"]["edges"]
    nodes = {e["node"]["staff"]["name"]: e["node"] for e in edges}
    assert nodes["补发乙"]["adjustmentYuan"] == "-285.00"
    assert nodes["补发乙"]["adjustments"] == [
        {
            "sourceMonth": "2026-01",
            "amountYuan": "-285.00",
            "paidBeforeYuan": "285.00",
            "dueYuan": "0.00",
            "reason": "2026-01 考核更正:复查发现违纪",
        }
    ]
    assert nodes["补发甲"]["adjustments"] == []


async def test_one_settlement_is_carried_by_one_payroll(db):
    county = await make_county(db, "补发唯一县")
    a, _, _ = await three_people(county)
    await run(county, JAN)
    await approve(county, JAN)
    await close_and_publish(county, JAN)
    # February's draft carries the difference: March's run, while it is a draft, does not
    await run(county, FEB)
    await run(county, MAR)
    assert (await slips(county, FEB))[a.id].adjustment == Decimal("300.00")
    assert (await slips(county, MAR))[a.id].adjustment == Decimal("0.00")
    await approve(county, FEB)
    await run(county, MAR)
    assert (await slips(county, MAR))[a.id].adjustment == Decimal("0.00")
    assert len(await adjustments(county)) == 3
    # the database refuses a second payroll carrying the same settlement
    async with county.db.session(county.tenant_id) as session:
        march = await payroll.find_payroll(session, MAR)
    with pytest.raises(IntegrityError):
        async with county.db.transaction(county.tenant_id) as session:
            session.add(
                PayAdjustment(
                    id=uuid.uuid4(),
                    payroll_id=march.id,
                    staff_id=a.id,
                    source_month=JAN,
                    seq=1,
                    paid_before=Decimal("0.00"),
                    due=Decimal("300.00"),
                    amount=Decimal("300.00"),
                    reason="重复",
                )
            )


@pytest.mark.postgresql_only
async def test_two_payroll_runs_racing_pay_a_difference_once(db):
    county = await make_county(db, "补发并发县")
    people = await three_people(county)
    await run(county, JAN)
    await approve(county, JAN)
    await close_and_publish(county, JAN)
    await asyncio.gather(run(county, FEB), run(county, MAR))
    feb, mar = await slips(county, FEB), await slips(county, MAR)
    for person in people:
        assert feb[person.id].adjustment + mar[person.id].adjustment == Decimal("300.00")
    async with county.db.session(county.tenant_id) as session:
        count = await session.scalar(select(func.count()).select_from(PayAdjustment))
        totals = (await session.execute(select(Payroll.month, Payroll.total))).all()
    assert count == 3
    assert sum(t for _, t in totals if _ != JAN) == Decimal("3600.00") * 6 + Decimal("900.00")
