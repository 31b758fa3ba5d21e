"""The assessment's triggers on workforce's review list (待审查名单, 001 §四(四)1), registered
when this module is imported (``assessment.schema`` imports it):

- ANNUAL_FAIL: the person's latest annual grade is FAIL (不合格), with its reasons;
- REPEATED_ABSENCE: 旷工 (items 1.2 and 1.3, not voided) at least ``absence_review_count``
  times (default 3) in the twelve months before the day.

Acting on the list stays the county office's decision (``workforce.separation``).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.models import AnnualGrade, AnnualGradeRow, AssessmentEvent, AssessmentYear
from assessment.policy import assessment_policy
from workforce.review import Flag, register_trigger

ABSENCE_ITEMS = ("1.2", "1.3")


async def annual_fail(session: AsyncSession, on: date) -> dict[uuid.UUID, Flag]:
    rows = await session.execute(
        select(
            AnnualGradeRow.staff_id,
            AnnualGradeRow.grade,
            AnnualGradeRow.reasons,
            AssessmentYear.year,
        )
        .join(AssessmentYear, AssessmentYear.id == AnnualGradeRow.year_id)
        .where(AssessmentYear.year < on.year)
        .order_by(AssessmentYear.year)
    )
    latest: dict[uuid.UUID, tuple[AnnualGrade, list[str], int]] = {}
    for staff_id, grade, reasons, year in rows.all():
        latest[staff_id] = (grade, reasons or [], year)
    return {
        staff_id: Flag(
            "ANNUAL_FAIL",
            f"{year} 年度考核不合格:{';'.join(reasons)}",
            date(year, 12, 31),
        )
        for staff_id, (grade, reasons, year) in latest.items()
        if grade is AnnualGrade.FAIL
    }


async def repeated_absence(session: AsyncSession, on: date) -> dict[uuid.UUID, Flag]:
    needed = int((await assessment_policy(session)).get("absence_review_count", 3))
    since = date(on.year - 1, on.month, min(on.day, 28))
    rows = await session.execute(
        select(
            AssessmentEvent.staff_id,
            func.sum(AssessmentEvent.count),
            func.max(AssessmentEvent.occurred_on),
        )
        .where(
            AssessmentEvent.item_code.in_(ABSENCE_ITEMS),
            AssessmentEvent.voided.is_(False),
            AssessmentEvent.occurred_on > since,
            AssessmentEvent.occurred_on <= on,
        )
        .group_by(AssessmentEvent.staff_id)
    )
    return {
        staff_id: Flag("REPEATED_ABSENCE", f"近 12 个月旷工 {int(times)} 次", last)
        for staff_id, times, last in rows.all()
        if int(times) >= needed
    }


register_trigger("ANNUAL_FAIL", "年度考核不合格", annual_fail)
register_trigger("REPEATED_ABSENCE", "多次旷工", repeated_absence)
