"""补发/扣回: assessment rewards settled after their month's payroll was approved.

A month's reward can change after its payroll is frozen: the month is published after the
approval (the payroll left the reward out), a published grade is corrected, or a grade suspended
during an investigation is settled when the case ends. The next payroll that is run (a later
month, still a draft) carries, per person and earlier month, the difference between the reward
as it stands and what was paid for it (the month's own line plus the adjustments of approved
payrolls), with the reason.

Exactly once, held by the database: a difference is the ``n``-th settlement of that person's
month (``n`` = settlements already approved + 1) and ``pay_adjustments`` is unique per person,
month and ``n``. A draft that already carries it keeps it (re-running that draft replaces its own
rows), another payroll's run skips it (``ON CONFLICT DO NOTHING``), and once the carrying payroll
is approved the next difference is the ``n + 1``-th.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, case, delete, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.models import AssessmentMonth, AssessmentStatus, MonthlyScore
from assessment.months import label
from pay.models import PayAdjustment, PayLine, Payroll, PayrollStatus
from pay.rules import ZERO, fen
from tenants.context import session_tenant

UNPUBLISHED_NOTE = "当月考核未公布,考核奖励未计入"


@dataclass
class Carried:
    """One person's adjustments in one payroll."""

    total: Decimal = ZERO
    notes: list[str] = field(default_factory=list)
    site_id: uuid.UUID | None = None


def _yuan(value: object) -> Decimal:
    return fen(Decimal(str(value)))


def describe(source_month: date, amount: Decimal, reason: str) -> str:
    kind = "补发" if amount > 0 else "扣回"
    return f"{kind} {label(source_month)} 考核奖励 {abs(amount):.2f} 元({reason})"


def _reason(source_month: date, settled: int, line_note: str | None, corrected: str | None) -> str:
    parts = []
    if settled == 0 and UNPUBLISHED_NOTE in (line_note or ""):
        parts.append("考核在工资表审定后公布")
    if corrected:
        parts.append(f"考核更正:{corrected}")
    return f"{label(source_month)} {','.join(parts) or '考核奖励变更'}"


async def carry_over(session: AsyncSession, payroll: Payroll) -> dict[uuid.UUID, Carried]:
    """Replace ``payroll``'s adjustments with the differences owed now (see the module), and
    return them per person. The caller holds the payroll's row lock."""
    await session.execute(
        delete(PayAdjustment)
        .where(PayAdjustment.payroll_id == payroll.id)
        .execution_options(synchronize_session=False)
    )
    settled = (
        select(
            PayAdjustment.staff_id.label("staff_id"),
            PayAdjustment.source_month.label("source_month"),
            func.sum(PayAdjustment.amount).label("paid"),
            func.count().label("n"),
        )
        .join(Payroll, Payroll.id == PayAdjustment.payroll_id)
        .where(Payroll.status == PayrollStatus.APPROVED)
        .group_by(PayAdjustment.staff_id, PayAdjustment.source_month)
        .subquery()
    )
    paid_before = PayLine.reward + func.coalesce(settled.c.paid, literal(0))
    due = case((PayLine.probation.is_(True), literal(0)), else_=MonthlyScore.reward)
    rows = await session.execute(
        select(
            PayLine.staff_id,
            PayLine.month,
            PayLine.site_id,
            PayLine.note,
            paid_before.label("paid_before"),
            due.label("due"),
            func.coalesce(settled.c.n, literal(0)).label("settled"),
            MonthlyScore.adjusted_reason,
        )
        .join(Payroll, Payroll.id == PayLine.payroll_id)
        .join(
            AssessmentMonth,
            and_(
                AssessmentMonth.month == PayLine.month,
                AssessmentMonth.status == AssessmentStatus.PUBLISHED,
            ),
        )
        .join(
            MonthlyScore,
            and_(
                MonthlyScore.month_id == AssessmentMonth.id,
                MonthlyScore.staff_id == PayLine.staff_id,
            ),
        )
        .outerjoin(
            settled,
            and_(
                settled.c.staff_id == PayLine.staff_id,
                settled.c.source_month == PayLine.month,
            ),
        )
        .where(
            Payroll.status == PayrollStatus.APPROVED,
            Payroll.month < payroll.month,
            # SQLite keeps Numeric as a float: a difference under half a fen is none.
            func.abs(due - paid_before) >= Decimal("0.005"),
        )
        .order_by(PayLine.month, PayLine.staff_id)
    )
    tenant_id = session_tenant(session)
    sites: dict[uuid.UUID, uuid.UUID | None] = {}
    values = []
    for r in rows.all():
        due_now, before = _yuan(r.due), _yuan(r.paid_before)
        amount = due_now - before
        if amount == ZERO:
            continue
        sites[r.staff_id] = r.site_id
        values.append(
            {
                "id": uuid.uuid4(),
                "tenant_id": tenant_id,
                "payroll_id": payroll.id,
                "staff_id": r.staff_id,
                "source_month": r.month,
                "seq": int(r.settled) + 1,
                "paid_before": before,
                "due": due_now,
                "amount": amount,
                "reason": _reason(r.month, int(r.settled), r.note, r.adjusted_reason),
            }
        )
    if values:
        dialect = session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        await session.execute(
            insert(PayAdjustment).on_conflict_do_nothing(
                index_elements=["tenant_id", "staff_id", "source_month", "seq"]
            ),
            values,
        )
    carried: dict[uuid.UUID, Carried] = defaultdict(Carried)
    mine = await session.execute(
        select(PayAdjustment)
        .where(PayAdjustment.payroll_id == payroll.id)
        .order_by(PayAdjustment.staff_id, PayAdjustment.source_month)
    )
    for adjustment in mine.scalars():
        person = carried[adjustment.staff_id]
        person.total += adjustment.amount
        person.notes.append(describe(adjustment.source_month, adjustment.amount, adjustment.reason))
        person.site_id = sites.get(adjustment.staff_id)
    return dict(carried)


async def adjustments_of(
    session: AsyncSession, payroll_id: uuid.UUID, staff_ids: list[uuid.UUID] | None = None
) -> list[PayAdjustment]:
    """A payroll's adjustments (of these people), by person then month."""
    query = select(PayAdjustment).where(PayAdjustment.payroll_id == payroll_id)
    if staff_ids is not None:
        query = query.where(PayAdjustment.staff_id.in_(staff_ids))
    rows = await session.execute(
        query.order_by(PayAdjustment.staff_id, PayAdjustment.source_month, PayAdjustment.seq)
    )
    return list(rows.scalars())
