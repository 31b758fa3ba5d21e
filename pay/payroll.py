"""The monthly payroll (工资表): run (and re-run) while a DRAFT, approve to freeze it.

A run pays every window staff member employed on some day of the month (``assessment.people``)
by ``pay.rules``, with the month's assessment reward once the month is published (before that
the reward is left out and the slip says so). Running again replaces the draft's lines in one
transaction (one line per payroll and person: a retried job leaves one result); an approved
payroll is frozen (the approval is a conditional update on the status). A run also carries the
differences of earlier months' rewards settled after their payroll was approved (补发/扣回,
``pay.carryover``): on the person's line, or on a line of its own for someone no longer in
service.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.models import AssessmentMonth, AssessmentStatus, MonthlyScore
from assessment.months import label
from assessment.people import in_service, month_end, sites_for_month
from pay.carryover import UNPUBLISHED_NOTE, Carried, carry_over
from pay.models import BaseWage, PayLine, Payroll, PayrollStatus
from pay.policy import money, pay_policy
from pay.rules import ZERO, PersonMonth, slip
from tenants import audit
from tenants.base import utcnow
from tenants.context import session_tenant
from tenants.database import is_postgres
from tenants.errors import refuse
from workforce.models import Certificate

NOT_IN_SERVICE_NOTE = "本月不在岗,仅结算以前月份考核奖励差额"


async def payroll_row(session: AsyncSession, month: date, actor_label: str) -> Payroll:
    """The month's payroll, made when missing (the unique constraint settles a race), locked."""
    found = await _select(session, month, lock=True)
    if found is not None:
        return found
    try:
        async with session.begin_nested():
            session.add(Payroll(id=uuid.uuid4(), month=month, run_by=actor_label))
    except IntegrityError:
        pass
    found = await _select(session, month, lock=True)
    assert found is not None
    return found


async def _select(session: AsyncSession, month: date, lock: bool) -> Payroll | None:
    query = select(Payroll).where(Payroll.month == month)
    if lock:
        if not is_postgres(session.bind):
            await session.execute(
                update(Payroll)
                .where(Payroll.month == month)
                .values(status=Payroll.status)
                .execution_options(synchronize_session=False)
            )
        query = query.with_for_update()
    return (
        await session.execute(query.execution_options(populate_existing=True))
    ).scalar_one_or_none()


async def find_payroll(session: AsyncSession, month: date) -> Payroll | None:
    return await _select(session, month, lock=False)


async def run_payroll(session: AsyncSession, actor_label: str, month: date) -> Payroll:
    row = await payroll_row(session, month, actor_label)
    if row.status is PayrollStatus.APPROVED:
        raise refuse("month", "PAYROLL_APPROVED", f"{label(month)} 工资表已审定,不能重算")
    policy = await pay_policy(session)
    last = month_end(month)
    people = await in_service(session, month, last)
    ids = [p.id for p in people]
    certificates: dict[uuid.UUID, list[tuple[str, date]]] = defaultdict(list)
    own_wage: dict[uuid.UUID, Decimal] = {}
    rewards: dict[uuid.UUID, Decimal] = {}
    for i in range(0, len(ids), 1000):
        chunk = ids[i : i + 1000]
        rows = await session.execute(
            select(Certificate.staff_id, Certificate.level, Certificate.issued_on).where(
                Certificate.staff_id.in_(chunk)
            )
        )
        for sid, level, issued in rows.all():
            certificates[sid].append((level.value, issued))
        wages = await session.execute(
            select(BaseWage.staff_id, BaseWage.monthly).where(BaseWage.staff_id.in_(chunk))
        )
        own_wage.update(dict(wages.all()))
    assessed = (
        await session.execute(select(AssessmentMonth).where(AssessmentMonth.month == month))
    ).scalar_one_or_none()
    published = assessed is not None and assessed.status is AssessmentStatus.PUBLISHED
    if published:
        rows = await session.execute(
            select(MonthlyScore.staff_id, MonthlyScore.reward).where(
                MonthlyScore.month_id == assessed.id  # type: ignore[union-attr]
            )
        )
        rewards = dict(rows.all())
    sites = await sites_for_month(session, people, last)
    county_base = money(policy["base_wage"])
    tenant_id = session_tenant(session)
    await session.execute(
        delete(PayLine)
        .where(PayLine.payroll_id == row.id)
        .execution_options(synchronize_session=False)
    )
    carried = await carry_over(session, row)
    values = []
    total = ZERO
    for p in people:
        person = PersonMonth(
            hire_date=p.hire_date,
            last_day=p.last_day,
            probation_end=p.probation_end,
            education=p.education.value if hasattr(p.education, "value") else str(p.education),
            certificates=tuple(certificates.get(p.id, ())),
            base_wage=own_wage.get(p.id, county_base),
            reward=rewards.get(p.id, ZERO),
        )
        s = slip(person, month, policy)
        if s is None:
            continue
        notes = [s.note] if s.note else []
        if not published and not s.probation:
            notes.append(UNPUBLISHED_NOTE)
        earlier = carried.pop(p.id, Carried())
        notes.extend(earlier.notes)
        gross = s.gross + earlier.total
        total += gross
        values.append(
            {
                "id": uuid.uuid4(),
                "tenant_id": tenant_id,
                "payroll_id": row.id,
                "staff_id": p.id,
                "site_id": sites.get(p.id),
                "month": month,
                "probation": s.probation,
                "skill_level": s.skill_level,
                "tenure_years": s.tenure_years,
                "days_paid": s.days_paid,
                "days_in_month": s.days_in_month,
                "base": s.base,
                "skill": s.skill,
                "tenure": s.tenure,
                "education": s.education,
                "reward": s.reward,
                "adjustment": earlier.total,
                "gross": gross,
                "note": ";".join(notes) or None,
            }
        )
    # People no longer in service still get (or give back) an earlier month's difference: a
    # line with that alone.
    days = month_end(month).day
    for staff_id, earlier in carried.items():
        total += earlier.total
        values.append(
            {
                "id": uuid.uuid4(),
                "tenant_id": tenant_id,
                "payroll_id": row.id,
                "staff_id": staff_id,
                "site_id": earlier.site_id,
                "month": month,
                "probation": False,
                "skill_level": None,
                "tenure_years": 0,
                "days_paid": 0,
                "days_in_month": days,
                "base": ZERO,
                "skill": ZERO,
                "tenure": ZERO,
                "education": ZERO,
                "reward": ZERO,
                "adjustment": earlier.total,
                "gross": earlier.total,
                "note": ";".join([NOT_IN_SERVICE_NOTE, *earlier.notes]),
            }
        )
    for i in range(0, len(values), 2000):
        await session.execute(PayLine.__table__.insert(), values[i : i + 2000])
    row.headcount = len(values)
    row.total = total
    row.run_at = utcnow()
    row.run_by = actor_label
    audit.record(
        session,
        actor_label,
        "payroll.run",
        "Payroll",
        row.id,
        {"month": label(month), "headcount": len(values), "total": str(total)},
    )
    await session.flush()
    return row


async def approve_payroll(session: AsyncSession, actor_label: str, month: date) -> Payroll:
    row = await find_payroll(session, month)
    if row is None:
        raise refuse("month", "NO_PAYROLL", f"{label(month)} 尚未生成工资表")
    done = await session.execute(
        update(Payroll)
        .where(Payroll.id == row.id, Payroll.status == PayrollStatus.DRAFT)
        .values(status=PayrollStatus.APPROVED, approved_at=utcnow(), approved_by=actor_label)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise refuse("month", "PAYROLL_APPROVED", f"{label(month)} 工资表已审定")
    audit.record(
        session, actor_label, "payroll.approve", "Payroll", row.id, {"month": label(month)}
    )
    await session.refresh(row)
    return row


async def set_base_wage(
    session: AsyncSession, actor_label: str, staff_id: uuid.UUID, monthly: Decimal
) -> BaseWage:
    """A person's own base wage (their contract), replacing the one before."""
    if not monthly.is_finite() or not Decimal("0") < monthly <= Decimal("100000"):
        raise refuse("monthlyYuan", "INVALID_AMOUNT", "基本工资应在 0–100000 元之间")
    found = (
        await session.execute(select(BaseWage).where(BaseWage.staff_id == staff_id))
    ).scalar_one_or_none()
    if found is None:
        found = BaseWage(id=uuid.uuid4(), staff_id=staff_id, monthly=monthly, set_by=actor_label)
        session.add(found)
    else:
        found.monthly, found.set_by, found.set_at = monthly, actor_label, utcnow()
    audit.record(
        session, actor_label, "pay.base_wage", "Staff", staff_id, {"monthly": str(monthly)}
    )
    await session.flush()
    return found


async def lines_page(
    session: AsyncSession, payroll_id: uuid.UUID, site_ids, *, offset: int, limit: int
) -> tuple[list[PayLine], int]:
    condition = [PayLine.payroll_id == payroll_id]
    if site_ids is not None:
        condition.append(PayLine.site_id.in_(site_ids))
    total = await session.scalar(select(func.count()).select_from(PayLine).where(*condition))
    rows = await session.execute(
        select(PayLine)
        .where(*condition)
        .order_by(PayLine.site_id, PayLine.staff_id)
        .offset(offset)
        .limit(limit)
    )
    return list(rows.scalars()), total or 0
