"""Tables of the assessment (考核) of window staff by 001's rubric (考核细则 1.1–6.5).

``AssessmentEvent``: one thing that happened to one person on one day against one rubric item —
recorded by whoever manages the person's site, or by the system itself (casework: 4.4 a verified
"dissatisfied" rating, 2.1 a substantiated 办不成事 complaint). A system event names its source
(``source_kind``, ``source_id``); the unique constraint on (county, source, item) makes recording
it twice the same event, also when two requests race. Events are never deleted: a mistaken one
is voided with a reason while its month is not final.

``points`` is signed: negative for a deduction (categories 1–5), positive for a bonus (6); it is
the item's points × ``count``, or the recorder's points within an item's range (酌情).
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from tenants.base import Base, UUIDPrimaryKey, utcnow
from tenants.models import TenantScoped


class AssessmentStatus(enum.StrEnum):
    OPEN = "OPEN"  # events are still recorded and voided
    CLOSED = "CLOSED"  # scored and graded; recomputed by closing again, adjusted within rules
    PUBLISHED = "PUBLISHED"  # final: only an audited correction with a reason


class MonthlyGrade(enum.StrEnum):
    GOOD = "GOOD"  # 好
    FAIR = "FAIR"  # 一般
    POOR = "POOR"  # 差


class AnnualGrade(enum.StrEnum):
    EXCELLENT = "EXCELLENT"  # 优秀
    PASS = "PASS"  # 合格
    BASIC = "BASIC"  # 基本合格
    FAIL = "FAIL"  # 不合格


class EventSource(enum.StrEnum):
    MANUAL = "MANUAL"  # recorded by a manager of the person's site
    RATING = "RATING"  # 4.4: a verified 不满意 / 非常不满意 rating (casework)
    COMPLAINT = "COMPLAINT"  # 2.1: a substantiated 办不成事 complaint (casework)
    ATTENDANCE_IMPORT = "ATTENDANCE_IMPORT"  # 1.1–1.4 from the attendance machine's export


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=24, validate_strings=True)


class AssessmentEvent(UUIDPrimaryKey, TenantScoped, Base):
    """考核记录: one occurrence (or ``count`` of them on one day) of a rubric item."""

    __tablename__ = "assessment_events"
    __table_args__ = (
        # A system event is recorded once per source and item (NULL sources never collide).
        UniqueConstraint("tenant_id", "source_kind", "source_id", "item_code"),
        Index("ix_assessment_events_tenant_occurred", "tenant_id", "occurred_on"),
        Index("ix_assessment_events_staff_occurred", "staff_id", "occurred_on"),
    )

    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"))
    item_code: Mapped[str] = mapped_column(String(8))  # "1.1" … "6.5"
    category: Mapped[str] = mapped_column(String(2))  # "1" … "6" (6 = 加分项)
    rubric_version: Mapped[int] = mapped_column(Integer)
    occurred_on: Mapped[date] = mapped_column(Date)
    count: Mapped[int] = mapped_column(Integer, default=1)
    points: Mapped[int] = mapped_column(Integer)  # signed: −deduction, +bonus
    grave: Mapped[bool] = mapped_column(Boolean, default=False)  # 1.5, 1.6, 5.5 严重
    source_kind: Mapped[EventSource] = mapped_column(_enum(EventSource))
    source_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    note: Mapped[str | None] = mapped_column(Text)
    evidence_key: Mapped[str | None] = mapped_column(String(300))
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    voided: Mapped[bool] = mapped_column(Boolean, default=False)
    voided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    voided_by: Mapped[str | None] = mapped_column(String(128))
    void_reason: Mapped[str | None] = mapped_column(Text)


class RubricVersion(UUIDPrimaryKey, TenantScoped, Base):
    """考核细则 of a county, one row per version: the whole rubric as one document (categories
    with their maxima, items with their points, ranges, variants and gravity). A month is scored
    with the version in force on its first day (the latest ``effective_from`` on or before it)."""

    __tablename__ = "assessment_rubrics"
    __table_args__ = (UniqueConstraint("tenant_id", "version"),)

    version: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AssessmentMonth(UUIDPrimaryKey, TenantScoped, Base):
    """月度考核 of a county: absent or OPEN until closed; CLOSED while the office reviews;
    PUBLISHED when final. ``month`` is the month's first day."""

    __tablename__ = "assessment_months"
    __table_args__ = (UniqueConstraint("tenant_id", "month"),)

    month: Mapped[date] = mapped_column(Date)
    status: Mapped[AssessmentStatus] = mapped_column(
        _enum(AssessmentStatus), default=AssessmentStatus.OPEN
    )
    rubric_version: Mapped[int | None] = mapped_column(Integer)
    assessed_count: Mapped[int] = mapped_column(Integer, default=0)
    good_quota: Mapped[int] = mapped_column(Integer, default=0)
    good_count: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(128))
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    published_by: Mapped[str | None] = mapped_column(String(128))


class MonthlyScore(UUIDPrimaryKey, TenantScoped, Base):
    """One person's month: the score of each category (floored at zero), the bonus, the total,
    the proposed and the current grade, the reward. One row per month and person (the unique
    constraint: a retried close leaves one result). A person under investigation has the month
    ``suspended``: no grade and no reward until the case ends."""

    __tablename__ = "assessment_monthly_scores"
    __table_args__ = (
        UniqueConstraint("month_id", "staff_id"),
        Index("ix_assessment_monthly_scores_staff", "staff_id", "month_id"),
        Index("ix_assessment_monthly_scores_site", "month_id", "site_id"),
    )

    month_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("assessment_months.id"))
    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"))
    site_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("sites.id"))
    categories: Mapped[dict[str, int]] = mapped_column(JSON)
    deductions: Mapped[int] = mapped_column(Integer, default=0)  # Σ |deduction points|
    bonus: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer)
    grave: Mapped[bool] = mapped_column(Boolean, default=False)
    grave_items: Mapped[list[str]] = mapped_column(JSON, default=list)
    hire_date: Mapped[date] = mapped_column(Date)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    proposed_grade: Mapped[MonthlyGrade | None] = mapped_column(_enum(MonthlyGrade))
    grade: Mapped[MonthlyGrade | None] = mapped_column(_enum(MonthlyGrade))
    reward: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0.00"))
    adjusted_reason: Mapped[str | None] = mapped_column(Text)
    adjusted_by: Mapped[str | None] = mapped_column(String(128))


class AssessmentYear(UUIDPrimaryKey, TenantScoped, Base):
    """年度考核 of a county, from its months."""

    __tablename__ = "assessment_years"
    __table_args__ = (UniqueConstraint("tenant_id", "year"),)

    year: Mapped[int] = mapped_column(Integer)
    status: Mapped[AssessmentStatus] = mapped_column(
        _enum(AssessmentStatus), default=AssessmentStatus.OPEN
    )
    assessed_count: Mapped[int] = mapped_column(Integer, default=0)
    excellent_quota: Mapped[int] = mapped_column(Integer, default=0)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by: Mapped[str | None] = mapped_column(String(128))


class AnnualGradeRow(UUIDPrimaryKey, TenantScoped, Base):
    """One person's year: the grade, the months that led to it and the reasons, in order."""

    __tablename__ = "assessment_annual_grades"
    __table_args__ = (UniqueConstraint("year_id", "staff_id"),)

    year_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("assessment_years.id"))
    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"), index=True)
    grade: Mapped[AnnualGrade] = mapped_column(_enum(AnnualGrade))
    good_months: Mapped[int] = mapped_column(Integer, default=0)
    fair_months: Mapped[int] = mapped_column(Integer, default=0)
    poor_months: Mapped[int] = mapped_column(Integer, default=0)
    suspended_months: Mapped[int] = mapped_column(Integer, default=0)
    total_score: Mapped[int] = mapped_column(Integer, default=0)
    reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
