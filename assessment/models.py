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

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from tenants.base import Base, UUIDPrimaryKey, utcnow
from tenants.models import TenantScoped


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
