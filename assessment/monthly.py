"""The monthly close (月度考核), its adjustments and its publication.

``close_month`` scores every window staff member in service in the month with the rubric in
force on its first day (``assessment.scoring``), proposes the grades within the GOOD quota and
the rewards, and replaces the month's results in one transaction: closing again an unpublished
month recomputes it (adjustments are then proposed afresh); a retry of a killed job leaves one
result per person (unique per month and person). A person under investigation (workforce's
SUSPENDED status) has the month suspended.

``adjust_grade``: the office changes a grade within the rules — never GOOD above the quota
(a conditional update of the month's count, held by the database), never GOOD below 90 nor
above POOR where the rules make it POOR, POOR only with a reason. A suspended month whose person
is no longer under investigation is settled the same way. After publication a change is a
correction: a reason, and an audit record.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.models import (
    AssessmentEvent,
    AssessmentMonth,
    AssessmentStatus,
    MonthlyGrade,
    MonthlyScore,
)
from assessment.months import label
from assessment.people import in_service, month_end, sites_for_month
from assessment.policy import assessment_policy, ratio
from assessment.rubric import rubric_in_force
from assessment.scoring import Candidate, EventPoints, propose_grades, quota, reward, score_person
from tenants import audit
from tenants.base import utcnow
from tenants.context import session_tenant
from tenants.database import is_postgres
from tenants.errors import Collector, check_length, refuse
from workforce.models import Staff, StaffStatus

REASON_MAX = 500


async def month_row(session: AsyncSession, month: date, *, lock: bool = False) -> AssessmentMonth:
    """The month's row, made when missing (one per county and month: the unique constraint
    settles two closes racing to make it), locked for the transaction with ``lock``."""
    found = await _select_month(session, month, lock)
    if found is not None:
        return found
    try:
        async with session.begin_nested():
            session.add(AssessmentMonth(id=uuid.uuid4(), month=month))
    except IntegrityError:  # the other close made it first
        pass
    found = await _select_month(session, month, lock)
    assert found is not None
    return found


async def _select_month(session: AsyncSession, month: date, lock: bool) -> AssessmentMonth | None:
    query = select(AssessmentMonth).where(AssessmentMonth.month == month)
    if lock:
        if not is_postgres(session.bind):
            # SQLite: take the database's write lock now (see workforce.common.lock_staff).
            await session.execute(
                update(AssessmentMonth)
                .where(AssessmentMonth.month == month)
                .values(status=AssessmentMonth.status)
                .execution_options(synchronize_session=False)
            )
        query = query.with_for_update()
    return (
        await session.execute(query.execution_options(populate_existing=True))
    ).scalar_one_or_none()


async def close_month(session: AsyncSession, actor_label: str, month: date) -> AssessmentMonth:
    """Score, grade and reward the month (see the module's docstring)."""
    row = await month_row(session, month, lock=True)
    if row.status is AssessmentStatus.PUBLISHED:
        raise refuse("month", "MONTH_FINAL", f"{label(month)} 考核已公布,不能重新结算")
    policy = await assessment_policy(session)
    rubric = await rubric_in_force(session, month)
    maxima = rubric.maxima()
    last = month_end(month)
    people = await in_service(session, month, last)
    events: dict[uuid.UUID, list[EventPoints]] = {p.id: [] for p in people}
    # Summed per person and category in the database (20,000 events come back as ≤ 12,000
    # sums); the grave items, rare, are read one by one.
    in_month = (
        AssessmentEvent.occurred_on >= month,
        AssessmentEvent.occurred_on <= last,
        AssessmentEvent.voided.is_(False),
    )
    sums = await session.execute(
        select(AssessmentEvent.staff_id, AssessmentEvent.category, func.sum(AssessmentEvent.points))
        .where(*in_month)
        .group_by(AssessmentEvent.staff_id, AssessmentEvent.category)
    )
    for staff_id, category, points in sums.all():
        if staff_id in events:
            events[staff_id].append(EventPoints(category, "", int(points)))
    graves = await session.execute(
        select(AssessmentEvent.staff_id, AssessmentEvent.category, AssessmentEvent.item_code).where(
            *in_month, AssessmentEvent.grave.is_(True)
        )
    )
    for staff_id, category, code in graves.all():
        if staff_id in events:
            events[staff_id].append(EventPoints(category, code, 0, grave=True))
    scores = {p.id: score_person(events[p.id], maxima) for p in people}
    good_quota = quota(ratio(policy, "good_quota_ratio"), len(people))
    grades = propose_grades(
        [
            Candidate(
                p.id,
                scores[p.id].total,
                scores[p.id].deductions,
                p.hire_date,
                scores[p.id].grave,
                p.suspended,
            )
            for p in people
        ],
        good_quota,
        int(policy["poor_below"]),
        int(policy["good_from"]),
    )
    sites = await sites_for_month(session, people, last)
    base, cap = Decimal(str(policy["monthly_reward_base"])), int(policy["reward_score_cap"])
    tenant_id = session_tenant(session)
    await session.execute(
        delete(MonthlyScore)
        .where(MonthlyScore.month_id == row.id)
        .execution_options(synchronize_session=False)
    )
    values = []
    for p in people:
        s, grade = scores[p.id], grades[p.id]
        values.append(
            {
                "id": uuid.uuid4(),
                "tenant_id": tenant_id,
                "month_id": row.id,
                "staff_id": p.id,
                "site_id": sites.get(p.id),
                "categories": s.categories,
                "deductions": s.deductions,
                "bonus": s.bonus,
                "total": s.total,
                "grave": s.grave,
                "grave_items": s.grave_items,
                "hire_date": p.hire_date,
                "suspended": p.suspended,
                "proposed_grade": grade,
                "grade": grade,
                "reward": reward(grade, s.total, base, cap),
            }
        )
    for i in range(0, len(values), 2000):
        await session.execute(MonthlyScore.__table__.insert(), values[i : i + 2000])
    row.status = AssessmentStatus.CLOSED
    row.rubric_version = rubric.version
    row.assessed_count = len(people)
    row.good_quota = good_quota
    row.good_count = sum(1 for g in grades.values() if g is MonthlyGrade.GOOD)
    row.closed_at = utcnow()
    row.closed_by = actor_label
    audit.record(
        session,
        actor_label,
        "assessment.month.close",
        "AssessmentMonth",
        row.id,
        {"month": label(month), "assessed": len(people), "good_quota": good_quota},
    )
    await session.flush()
    return row


async def adjust_grade(
    session: AsyncSession,
    actor_label: str,
    month: date,
    staff_id: uuid.UUID,
    grade: MonthlyGrade,
    reason: str | None,
) -> MonthlyScore:
    errors = Collector()
    check_length(errors, "reason", reason, REASON_MAX, "理由")
    errors.raise_if_any()
    row = await month_row(session, month, lock=True)
    if row.status is AssessmentStatus.OPEN:
        raise refuse("month", "MONTH_OPEN", f"{label(month)} 尚未结算")
    published = row.status is AssessmentStatus.PUBLISHED
    score = (
        await session.execute(
            select(MonthlyScore)
            .where(MonthlyScore.month_id == row.id, MonthlyScore.staff_id == staff_id)
            .execution_options(populate_existing=True)
        )
    ).scalar_one_or_none()
    if score is None:
        raise refuse("staffId", "NOT_ASSESSED", "此人未参加该月考核")
    policy = await assessment_policy(session)
    has_reason = bool((reason or "").strip())
    if score.suspended:
        status = await session.scalar(select(Staff.status).where(Staff.id == staff_id))
        if status is StaffStatus.SUSPENDED:
            errors.add("staffId", "UNDER_INVESTIGATION", "此人仍在立案调查期间,该月考核暂停")
    if published and not has_reason:
        errors.add("reason", "REASON_REQUIRED", "已公布的考核结果只能附理由更正")
    elif grade is MonthlyGrade.POOR and not has_reason:
        errors.add("reason", "REASON_REQUIRED", "评定为“差”须说明理由")
    rule_poor = score.grave or score.total < int(policy["poor_below"])
    if rule_poor and grade is not MonthlyGrade.POOR:
        errors.add("grade", "RULE_POOR", "得分低于标准或有严重扣分项,只能评为“差”")
    if grade is MonthlyGrade.GOOD and score.total < int(policy["good_from"]):
        errors.add("grade", "SCORE_TOO_LOW", f"得分不足 {policy['good_from']} 分,不能评为“好”")
    errors.raise_if_any()
    before = score.grade
    if grade is MonthlyGrade.GOOD and before is not MonthlyGrade.GOOD:
        # The quota, held by the database: one more GOOD only while the count is below it.
        taken = await session.execute(
            update(AssessmentMonth)
            .where(
                AssessmentMonth.id == row.id,
                AssessmentMonth.good_count < AssessmentMonth.good_quota,
            )
            .values(good_count=AssessmentMonth.good_count + 1)
            .execution_options(synchronize_session=False)
        )
        if taken.rowcount != 1:
            raise refuse("grade", "GOOD_QUOTA_FULL", f"“好”等次已达名额({row.good_quota} 人)")
    elif before is MonthlyGrade.GOOD and grade is not MonthlyGrade.GOOD:
        await session.execute(
            update(AssessmentMonth)
            .where(AssessmentMonth.id == row.id)
            .values(good_count=AssessmentMonth.good_count - 1)
            .execution_options(synchronize_session=False)
        )
    base, cap = Decimal(str(policy["monthly_reward_base"])), int(policy["reward_score_cap"])
    score.grade = grade
    score.suspended = False
    score.reward = reward(grade, score.total, base, cap)
    score.adjusted_reason = (reason or "").strip() or None
    score.adjusted_by = actor_label
    audit.record(
        session,
        actor_label,
        "assessment.grade.correct" if published else "assessment.grade.adjust",
        "MonthlyScore",
        score.id,
        {
            "month": label(month),
            "staff_id": str(staff_id),
            "from": before.value if before else None,
            "to": grade.value,
        },
        reason,
    )
    await session.flush()
    await session.refresh(row)
    return score


async def publish_month(session: AsyncSession, actor_label: str, month: date) -> AssessmentMonth:
    row = await month_row(session, month, lock=True)
    if row.status is AssessmentStatus.PUBLISHED:
        raise refuse("month", "ALREADY_PUBLISHED", f"{label(month)} 考核已公布")
    if row.status is not AssessmentStatus.CLOSED:
        raise refuse("month", "MONTH_OPEN", f"{label(month)} 尚未结算(或结算后又有记录变动)")
    row.status = AssessmentStatus.PUBLISHED
    row.published_at = utcnow()
    row.published_by = actor_label
    audit.record(
        session,
        actor_label,
        "assessment.month.publish",
        "AssessmentMonth",
        row.id,
        {"month": label(month)},
    )
    await session.flush()
    return row


async def find_month(session: AsyncSession, month: date) -> AssessmentMonth | None:
    return (
        await session.execute(select(AssessmentMonth).where(AssessmentMonth.month == month))
    ).scalar_one_or_none()


async def scores_page(
    session: AsyncSession,
    month_id: uuid.UUID,
    site_ids,
    *,
    offset: int,
    limit: int,
) -> tuple[list[MonthlyScore], int]:
    """A page of a month's scores, best first (optionally of the people at these sites)."""
    condition = [MonthlyScore.month_id == month_id]
    if site_ids is not None:
        condition.append(MonthlyScore.site_id.in_(site_ids))
    total = await session.scalar(select(func.count()).select_from(MonthlyScore).where(*condition))
    rows = await session.execute(
        select(MonthlyScore)
        .where(*condition)
        .order_by(
            MonthlyScore.total.desc(),
            MonthlyScore.deductions,
            MonthlyScore.hire_date,
            MonthlyScore.staff_id,
        )
        .offset(offset)
        .limit(limit)
    )
    return list(rows.scalars()), total or 0
