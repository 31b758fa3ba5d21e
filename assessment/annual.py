"""The annual grade (年度考核) from the twelve months, DOMAIN §7's rules in order:

1. FAIL (不合格): two consecutive months POOR, or three in the year;
2. EXCELLENT (优秀): ≥ 4 GOOD and no POOR, a full year of service, no grave item (1.6 twice bars
   it too), and within ⌊30% × the people graded⌋, ranked by the year's total score;
3. PASS (合格): ≥ 2 GOOD and no POOR;
4. BASIC (基本合格): everyone else (≤ 2 POOR, as the document says).

Suspended months (under investigation) are left out. Each grade keeps its reasons, in Chinese.
A FAIL puts the person on workforce's review list for dismissal or removal from the window
(001 §四(四)1): ``assessment.dismissal`` registers the trigger that reads these grades.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

from sqlalchemy import delete, extract, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.models import (
    AnnualGrade,
    AnnualGradeRow,
    AssessmentEvent,
    AssessmentMonth,
    AssessmentStatus,
    AssessmentYear,
    MonthlyGrade,
    MonthlyScore,
)
from assessment.policy import assessment_policy, ratio
from assessment.scoring import quota
from tenants import audit
from tenants.base import utcnow
from tenants.context import session_tenant
from tenants.errors import refuse
from workforce.models import Staff


@dataclass
class YearRecord:
    staff_id: uuid.UUID
    months: dict[int, MonthlyGrade | None]  # month number → grade (None: suspended)
    total: int = 0
    full_year: bool = True
    grave_items: list[str] = field(default_factory=list)
    inspections: int = 0  # 1.6 in the year

    @property
    def good(self) -> int:
        return sum(1 for g in self.months.values() if g is MonthlyGrade.GOOD)

    @property
    def poor(self) -> list[int]:
        return sorted(m for m, g in self.months.items() if g is MonthlyGrade.POOR)

    @property
    def fair(self) -> int:
        return sum(1 for g in self.months.values() if g is MonthlyGrade.FAIR)

    @property
    def suspended(self) -> int:
        return sum(1 for g in self.months.values() if g is None)


@dataclass
class Decided:
    grade: AnnualGrade
    reasons: list[str]


def _fail_reasons(record: YearRecord) -> list[str]:
    poor = record.poor
    reasons = []
    pairs = [(a, b) for a, b in pairwise(poor) if b == a + 1]
    if pairs:
        a, b = pairs[0]
        reasons.append(f"连续两个月考核为“差”({a} 月、{b} 月)")
    if len(poor) >= 3:
        reasons.append(f"全年 {len(poor)} 个月考核为“差”")
    return reasons


def excellent_bars(record: YearRecord, good_needed: int = 4) -> list[str]:
    """Why the person may not be EXCELLENT (empty: a candidate)."""
    bars = []
    if record.good < good_needed:
        bars.append(f"“好”仅 {record.good} 次,不足 {good_needed} 次")
    if record.poor:
        bars.append(f"有 {len(record.poor)} 个月为“差”")
    if not record.full_year:
        bars.append("当年工作未满一年")
    if record.inspections >= 2:
        bars.append(f"被明查暗访通报或媒体曝光 {record.inspections} 次(1.6 超过 2 次不得评优)")
    if record.grave_items:
        bars.append(f"有严重扣分项({'、'.join(record.grave_items)})")
    return bars


def decide(records: list[YearRecord], excellent_quota: int) -> dict[uuid.UUID, Decided]:
    """Every person's grade and reasons, the rules in order (see the module's docstring)."""
    decided: dict[uuid.UUID, Decided] = {}
    candidates: list[YearRecord] = []
    for r in records:
        fail = _fail_reasons(r)
        if fail:
            decided[r.staff_id] = Decided(AnnualGrade.FAIL, fail)
        elif not excellent_bars(r):
            candidates.append(r)
    candidates.sort(key=lambda r: (-r.total, r.staff_id))
    for rank, r in enumerate(candidates, start=1):
        if rank <= excellent_quota:
            decided[r.staff_id] = Decided(
                AnnualGrade.EXCELLENT,
                [
                    f"“好”{r.good} 次且无“差”,全年在岗,无严重扣分项",
                    f"全年总分 {r.total},全县排名第 {rank}(优秀名额 {excellent_quota} 人)",
                ],
            )
    for r in records:
        if r.staff_id in decided:
            continue
        reasons = excellent_bars(r) or [
            f"全年总分 {r.total} 排在优秀名额({excellent_quota} 人)之外"
        ]
        if r.good >= 2 and not r.poor:
            decided[r.staff_id] = Decided(
                AnnualGrade.PASS, [f"“好”{r.good} 次且无“差”", *(f"未评优秀:{b}" for b in reasons)]
            )
        else:
            why = f"“差”{len(r.poor)} 次(不超过 2 次)" if r.poor else f"“好”仅 {r.good} 次"
            decided[r.staff_id] = Decided(AnnualGrade.BASIC, [why])
    return decided


async def publishable_months(session: AsyncSession, year: int) -> dict[uuid.UUID, int]:
    """The year's published months (id → month number); refused while a month is closed but
    not published, or when none is."""
    months = list(
        (
            await session.execute(
                select(AssessmentMonth).where(
                    AssessmentMonth.month >= date(year, 1, 1),
                    AssessmentMonth.month <= date(year, 12, 1),
                )
            )
        ).scalars()
    )
    if any(m.status is AssessmentStatus.CLOSED for m in months):
        raise refuse("year", "MONTHS_UNPUBLISHED", "该年尚有已结算未公布的月份")
    published = {m.id: m.month.month for m in months if m.status is AssessmentStatus.PUBLISHED}
    if not published:
        raise refuse("year", "NO_MONTHS", "该年没有已公布的月度考核")
    return published


async def close_year(session: AsyncSession, actor_label: str, year: int) -> AssessmentYear:
    """Grade the year from its months (every closed month must be published first)."""
    published = await publishable_months(session, year)
    first, last = date(year, 1, 1), date(year, 12, 31)
    row = (
        await session.execute(select(AssessmentYear).where(AssessmentYear.year == year))
    ).scalar_one_or_none()
    if row is None:
        row = AssessmentYear(id=uuid.uuid4(), year=year)
        session.add(row)
        await session.flush()
    elif row.status is AssessmentStatus.PUBLISHED:
        raise refuse("year", "YEAR_FINAL", f"{year} 年度考核已公布")
    scores = await session.execute(
        select(
            MonthlyScore.staff_id,
            MonthlyScore.month_id,
            MonthlyScore.grade,
            MonthlyScore.suspended,
            MonthlyScore.total,
            MonthlyScore.grave_items,
        ).where(MonthlyScore.month_id.in_(list(published)))
    )
    records: dict[uuid.UUID, YearRecord] = {}
    for s in scores.all():
        r = records.setdefault(s.staff_id, YearRecord(s.staff_id, {}))
        r.months[published[s.month_id]] = None if s.suspended else s.grade
        r.total += s.total
        r.grave_items = sorted(set(r.grave_items) | set(s.grave_items or ()))
    staff = await session.execute(
        select(Staff.id, Staff.hire_date, Staff.last_day).where(Staff.id.in_(list(records)))
    )
    for sid, hired, left in staff.all():
        records[sid].full_year = hired <= first and (left is None or left >= last)
    inspections = await session.execute(
        select(AssessmentEvent.staff_id, AssessmentEvent.count).where(
            AssessmentEvent.item_code == "1.6",
            extract("year", AssessmentEvent.occurred_on) == year,
            AssessmentEvent.voided.is_(False),
        )
    )
    for sid, count in inspections.all():
        if sid in records:
            records[sid].inspections += count
    policy = await assessment_policy(session)
    excellent_quota = quota(ratio(policy, "excellent_quota_ratio"), len(records))
    decided = decide(list(records.values()), excellent_quota)
    await session.execute(
        delete(AnnualGradeRow)
        .where(AnnualGradeRow.year_id == row.id)
        .execution_options(synchronize_session=False)
    )
    tenant_id = session_tenant(session)
    values = []
    for sid, r in records.items():
        d = decided[sid]
        values.append(
            {
                "id": uuid.uuid4(),
                "tenant_id": tenant_id,
                "year_id": row.id,
                "staff_id": sid,
                "grade": d.grade,
                "good_months": r.good,
                "fair_months": r.fair,
                "poor_months": len(r.poor),
                "suspended_months": r.suspended,
                "total_score": r.total,
                "reasons": d.reasons,
            }
        )
    for i in range(0, len(values), 2000):
        await session.execute(insert(AnnualGradeRow), values[i : i + 2000])
    row.status = AssessmentStatus.CLOSED
    row.assessed_count = len(records)
    row.excellent_quota = excellent_quota
    row.closed_at = utcnow()
    row.closed_by = actor_label
    audit.record(
        session,
        actor_label,
        "assessment.year.close",
        "AssessmentYear",
        row.id,
        {"year": year, "graded": len(records), "excellent_quota": excellent_quota},
    )
    await session.flush()
    return row


async def find_year(session: AsyncSession, year: int) -> AssessmentYear | None:
    return (
        await session.execute(select(AssessmentYear).where(AssessmentYear.year == year))
    ).scalar_one_or_none()
