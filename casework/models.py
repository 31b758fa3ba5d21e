"""Tables of the one-window case flow (前台综合受理、后台分类审批、统一窗口出件): windows, cases,
their trace, one-time notices (一次性告知) and the per-county daily sequences behind the
readable numbers.

Dates: ``accepted_on``, ``decided_on`` and the deadline columns are calendar days in China
(Asia/Shanghai); the ``*_at`` columns are instants (UTC).

The deadline clock of a case (``casework.deadlines``): ``limit_days`` working days counted from
the working day after ``clock_started_on`` (the acceptance day, or the day a supplement
arrived), minus ``days_used`` already spent before a supplement request stopped it;
``stopped_on`` is set while the clock is stopped (status AWAITING_SUPPLEMENT) and ``due_date``
is then NULL.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
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
    String,
    Text,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from catalog.models import HandlingKind
from tenants.base import Base, Timestamped, UUIDPrimaryKey, utcnow
from tenants.models import TenantScoped


class WindowKind(enum.StrEnum):
    COMPREHENSIVE = "COMPREHENSIVE"  # 综合窗口: every matter the site accepts at one
    DEDICATED = "DEDICATED"  # 专窗: only the matters listed on it
    ISSUE = "ISSUE"  # 出件窗口
    UNRESOLVED = "UNRESOLVED"  # 办不成事反映窗口


class WindowStatus(enum.StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class ApplicantKind(enum.StrEnum):
    PERSON = "PERSON"  # 自然人: 公民身份号码
    ORGANIZATION = "ORGANIZATION"  # 法人及其他组织: 统一社会信用代码


class Channel(enum.StrEnum):
    COUNTER = "COUNTER"  # 窗口
    ONLINE = "ONLINE"  # 网上
    MOBILE = "MOBILE"  # 移动端
    MAIL = "MAIL"  # 邮寄
    AGENCY = "AGENCY"  # 帮办代办


class Delivery(enum.StrEnum):
    COUNTER = "COUNTER"  # 窗口领取
    MAIL = "MAIL"  # 免费寄递


class CaseStatus(enum.StrEnum):
    ACCEPTED = "ACCEPTED"  # 已受理, in the back office
    AWAITING_SUPPLEMENT = "AWAITING_SUPPLEMENT"  # 补正中: the clock is stopped
    APPROVED = "APPROVED"  # 准予
    REFUSED = "REFUSED"  # 不予(书面决定同样出件)
    ISSUED = "ISSUED"  # 已出件
    WITHDRAWN = "WITHDRAWN"  # 申请人撤回


OPEN_STATUSES = (CaseStatus.ACCEPTED, CaseStatus.AWAITING_SUPPLEMENT)
DECIDED_STATUSES = (CaseStatus.APPROVED, CaseStatus.REFUSED)
DONE_STATUSES = (CaseStatus.APPROVED, CaseStatus.REFUSED, CaseStatus.ISSUED)

# The work queues' partial indexes (``casework.queue``): the statuses each queue holds.
APPROVER_QUEUE_WHERE = "status IN ('ACCEPTED')"
ISSUE_QUEUE_WHERE = "status IN ('AWAITING_SUPPLEMENT', 'APPROVED', 'REFUSED')"


class Route(enum.StrEnum):
    DEPARTMENT = "DEPARTMENT"  # 部门后台: the matter's department decides
    SITE = "SITE"  # 委托下放 / 属地: the site holding the processing right decides


class EventKind(enum.StrEnum):
    ACCEPTED = "ACCEPTED"
    SUPPLEMENT_REQUESTED = "SUPPLEMENT_REQUESTED"
    SUPPLEMENT_RECEIVED = "SUPPLEMENT_RECEIVED"
    MATERIALS_RECEIVED = "MATERIALS_RECEIVED"  # deferred (容缺) materials handed in
    APPROVED = "APPROVED"
    REFUSED = "REFUSED"
    ISSUED = "ISSUED"
    WITHDRAWN = "WITHDRAWN"


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=24, validate_strings=True)


class Window(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """一个窗口 of a site. Closed, never deleted (cases name it); reopening keeps its row."""

    __tablename__ = "casework_windows"
    __table_args__ = (UniqueConstraint("site_id", "number"),)

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"), index=True)
    number: Mapped[str] = mapped_column(String(16))
    kind: Mapped[WindowKind] = mapped_column(_enum(WindowKind))
    area: Mapped[str | None] = mapped_column(String(32))  # 服务区, e.g. 商事登记区
    matter_codes: Mapped[list[str]] = mapped_column(JSON, default=list)  # DEDICATED only
    status: Mapped[WindowStatus] = mapped_column(_enum(WindowStatus), default=WindowStatus.OPEN)
    opened_by: Mapped[str] = mapped_column(String(128))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_reason: Mapped[str | None] = mapped_column(Text)


class ApplicantColumns:
    """申请人: a person (resident ID) or an organisation (unified social credit code). The number
    is kept encrypted, with a keyed hash for lookups and the masked form the API shows."""

    applicant_kind: Mapped[ApplicantKind] = mapped_column(_enum(ApplicantKind))
    applicant_name: Mapped[str] = mapped_column(String(100))
    applicant_id_cipher: Mapped[str] = mapped_column(Text)
    applicant_id_hash: Mapped[str] = mapped_column(String(64), index=True)
    applicant_id_masked: Mapped[str] = mapped_column(String(24))
    applicant_phone_cipher: Mapped[str | None] = mapped_column(Text)
    applicant_phone_masked: Mapped[str | None] = mapped_column(String(20))


class Notice(UUIDPrimaryKey, TenantScoped, ApplicantColumns, Base):
    """一次性告知书: everything missing for a matter, told once, numbered."""

    __tablename__ = "casework_notices"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        Index("ix_casework_notices_site_issued", "site_id", "issued_on"),
    )

    number: Mapped[str] = mapped_column(String(32))
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    window_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("casework_windows.id"))
    matter_code: Mapped[str] = mapped_column(String(64))
    matter_name: Mapped[str] = mapped_column(String(200))
    missing: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    issued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    issued_on: Mapped[date] = mapped_column(Date)
    issued_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"))


class Case(UUIDPrimaryKey, TenantScoped, ApplicantColumns, Timestamped, Base):
    """一件办件, from intake to issue."""

    __tablename__ = "casework_cases"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        Index("ix_casework_cases_site_accepted", "site_id", "accepted_at"),
        Index("ix_casework_cases_processing", "processing_site_id", "status", "due_date"),
        Index("ix_casework_cases_tenant_status_due", "tenant_id", "status", "due_date"),
        # 0013: the case list, the front desk's work queue and the service report's counts.
        Index("ix_casework_cases_tenant_accepted", "tenant_id", "accepted_at", "id"),
        Index("ix_casework_cases_site_status_due", "site_id", "status", "due_date"),
        Index("ix_casework_cases_tenant_accepted_on", "tenant_id", "accepted_on", "site_id"),
        Index(
            "ix_casework_cases_tenant_decided_on",
            "tenant_id",
            "decided_on",
            "site_id",
            "status",
            "due_date",
        ),
        Index("ix_casework_cases_tenant_issued_at", "tenant_id", "issued_at", "site_id"),
        # 0015: intake finds whether the applicant's notice was answered by a case.
        Index(
            "ix_casework_cases_notice",
            "notice_id",
            postgresql_where=text("notice_id IS NOT NULL"),
            sqlite_where=text("notice_id IS NOT NULL"),
        ),
        # 0016: the work queues (``casework.queue``), each one ordered scan of its statuses;
        # the columns the queue's other conditions read are carried, so that counting it
        # reads the index alone.
        Index(
            "ix_casework_cases_approver_queue",
            "tenant_id",
            "processing_site_id",
            "due_date",
            "accepted_at",
            "id",
            postgresql_include=["route", "department_id", "accepted_by_id"],
            postgresql_where=text(APPROVER_QUEUE_WHERE),
            sqlite_where=text(APPROVER_QUEUE_WHERE),
        ),
        Index(
            "ix_casework_cases_issue_queue",
            "tenant_id",
            "site_id",
            "due_date",
            "accepted_at",
            "id",
            postgresql_include=["status", "decided_by_id"],
            postgresql_where=text(ISSUE_QUEUE_WHERE),
            sqlite_where=text(ISSUE_QUEUE_WHERE),
        ),
    )

    number: Mapped[str] = mapped_column(String(32))
    receipt_hash: Mapped[str] = mapped_column(String(64))
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    window_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("casework_windows.id"))
    matter_code: Mapped[str] = mapped_column(String(64))
    matter_name: Mapped[str] = mapped_column(String(200))
    department_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("catalog_departments.id"), index=True
    )
    handling_kind: Mapped[HandlingKind] = mapped_column(_enum(HandlingKind))
    limit_days: Mapped[int] = mapped_column(Integer)  # 承诺时限 (working days) at intake
    channel: Mapped[Channel] = mapped_column(_enum(Channel))
    received: Mapped[list[str]] = mapped_column(JSON, default=list)
    deferred: Mapped[list[str]] = mapped_column(JSON, default=list)  # 容缺, still outstanding
    deferred_due: Mapped[date | None] = mapped_column(Date)
    commitment: Mapped[bool] = mapped_column(Boolean, default=False)  # 告知承诺
    committed: Mapped[list[str]] = mapped_column(JSON, default=list)  # proofs it replaced
    note: Mapped[str | None] = mapped_column(Text)
    appointment_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    notice_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("casework_notices.id"))
    first_receiver_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"))  # 首问
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), default=CaseStatus.ACCEPTED)
    accepted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    accepted_on: Mapped[date] = mapped_column(Date)
    accepted_by_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"), index=True)
    route: Mapped[Route] = mapped_column(_enum(Route))
    processing_site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    # The deadline clock (see the module's docstring).
    clock_started_on: Mapped[date] = mapped_column(Date)
    days_used: Mapped[int] = mapped_column(Integer, default=0)
    stopped_on: Mapped[date | None] = mapped_column(Date)
    due_date: Mapped[date | None] = mapped_column(Date)
    supplement_items: Mapped[list[str]] = mapped_column(JSON, default=list)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decided_on: Mapped[date | None] = mapped_column(Date)
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff.id"))
    opinion: Mapped[str | None] = mapped_column(Text)
    result_title: Mapped[str | None] = mapped_column(String(200))
    issued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    issued_by_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff.id"))
    issue_window_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("casework_windows.id")
    )
    delivery: Mapped[Delivery | None] = mapped_column(_enum(Delivery))
    tracking_number: Mapped[str | None] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    withdraw_reason: Mapped[str | None] = mapped_column(Text)


class CaseEvent(UUIDPrimaryKey, TenantScoped, Base):
    """全程留痕: one row per step of a case — who, when, what, from which status to which."""

    __tablename__ = "casework_case_events"
    __table_args__ = (UniqueConstraint("case_id", "step"),)

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("casework_cases.id"))
    step: Mapped[int] = mapped_column(Integer)  # 1, 2, … in the order the steps happened
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[EventKind] = mapped_column(_enum(EventKind))
    from_status: Mapped[CaseStatus | None] = mapped_column(_enum(CaseStatus))
    to_status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus))
    actor_staff_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff.id"))
    actor_label: Mapped[str] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class CaseSequence(UUIDPrimaryKey, TenantScoped, Base):
    """The last number given per county, kind (case / notice) and day; advanced by one atomic
    upsert (``casework.numbers``), so concurrent intakes never share a number."""

    __tablename__ = "casework_sequences"
    __table_args__ = (UniqueConstraint("tenant_id", "kind", "day"),)

    kind: Mapped[str] = mapped_column(String(16))
    day: Mapped[date] = mapped_column(Date)
    last: Mapped[int] = mapped_column(Integer, default=0)


class CaseCount(UUIDPrimaryKey, TenantScoped, Base):
    """How many cases of the county are in each (accepting site, processing site, status): the
    case list's ``totalCount`` without counting a million rows (``casework.counts``).

    The contract, for whoever writes cases — it is exact only if every writer keeps it:
    - in the transaction that inserts a case, add 1 to the row of its ``(site_id,
      processing_site_id, status)``; in the one that changes its status, take 1 from the old
      status's row and add 1 to the new one's. Always by the database's own arithmetic
      (``INSERT … ON CONFLICT DO UPDATE SET cases = cases + n``, ``UPDATE … SET cases = cases
      - 1``), never a value computed in Python, so that concurrent writers never lose a count:
      ``casework.counts.case_added`` / ``status_changed`` do this;
    - a bulk insert (``INSERT … SELECT``, a demo or a bench history) adds its cases with one
      statement after it: ``casework.counts.add_cases(session, <condition naming the new
      cases>)``;
    - ``casework.counts.recount`` rebuilds a county's rows from its cases (a repair; not
      safe beside concurrent intakes).
    A case's ``site_id`` and ``processing_site_id`` never change after intake. Rows are never
    deleted; a row may hold 0."""

    __tablename__ = "casework_case_counts"
    __table_args__ = (
        UniqueConstraint(
            "tenant_id",
            "site_id",
            "processing_site_id",
            "status",
            name="uq_casework_case_counts_key",  # the convention's name is over 63 characters
        ),
    )

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    processing_site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus))
    cases: Mapped[int] = mapped_column(Integer, default=0)


class CaseDay(UUIDPrimaryKey, TenantScoped, Base):
    """A site's casework of one day (China's calendar), for the service report: the cases
    accepted there that day, issued that day, and decided that day (with a deadline), of which
    late. Kept like ``CaseCount`` (``casework.counts``): intake adds to ``accepted`` on its
    ``accepted_on``, the decision to ``decided`` / ``decided_late`` on its ``decided_on`` (when
    the case has a due date; late: decided after it), the issue to ``issued`` on the China day
    of its ``issued_at`` — in the same transaction, by the database's arithmetic; a bulk insert
    adds its cases with ``casework.counts.add_cases``. None of these columns of a case changes
    once set, so a day's row only grows."""

    __tablename__ = "casework_case_days"
    __table_args__ = (UniqueConstraint("tenant_id", "site_id", "day"),)

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    day: Mapped[date] = mapped_column(Date)
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    issued: Mapped[int] = mapped_column(Integer, default=0)
    decided: Mapped[int] = mapped_column(Integer, default=0)
    decided_late: Mapped[int] = mapped_column(Integer, default=0)


# --- 好差评, 办不成事, the county's calendar, deadline alerts, appointments -------------------


class RatingLevel(enum.StrEnum):
    """好差评五级 (国办发〔2019〕51号)."""

    VERY_SATISFIED = "VERY_SATISFIED"  # 非常满意
    SATISFIED = "SATISFIED"  # 满意
    BASICALLY_SATISFIED = "BASICALLY_SATISFIED"  # 基本满意
    DISSATISFIED = "DISSATISFIED"  # 不满意
    VERY_DISSATISFIED = "VERY_DISSATISFIED"  # 非常不满意


BAD_LEVELS = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)


class FollowUpStatus(enum.StrEnum):
    VERIFYING = "VERIFYING"  # 待核实 (3 working days)
    RECTIFYING = "RECTIFYING"  # 待整改 (substantiated; 15 working days)
    REVISITING = "REVISITING"  # 待回访
    CLOSED = "CLOSED"  # 已回访, 办结


class ComplaintStatus(enum.StrEnum):
    TRACKING = "TRACKING"  # 一跟到底: the tracker follows it
    RESOLVED = "RESOLVED"


class ComplaintChannel(enum.StrEnum):
    WINDOW = "WINDOW"  # 办不成事反映窗口, reported by the person on duty there
    APP = "APP"  # reported through the app by someone not at the counter


class AlertRecipient(enum.StrEnum):
    MANAGER = "MANAGER"  # the site's manager (负责人)
    SUPERVISOR = "SUPERVISOR"  # 效能办 / 纪检, county-wide


class AppointmentStatus(enum.StrEnum):
    BOOKED = "BOOKED"
    CANCELLED = "CANCELLED"
    CHECKED_IN = "CHECKED_IN"  # the case was accepted with it


class Rating(UUIDPrimaryKey, TenantScoped, Base):
    """好差评: one per case (the unique key holds it against two racing ratings), by the
    applicant with the receipt code, after the result was issued."""

    __tablename__ = "casework_ratings"
    __table_args__ = (
        UniqueConstraint("case_id"),
        Index("ix_casework_ratings_site_rated", "site_id", "rated_on"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("casework_cases.id"))
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"))  # who served
    level: Mapped[RatingLevel] = mapped_column(_enum(RatingLevel))
    bad: Mapped[bool] = mapped_column(Boolean)
    comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    rated_on: Mapped[date] = mapped_column(Date)


class RatingFollowUp(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """差评整改: verified (核实), rectified when substantiated (整改), revisited (回访)."""

    __tablename__ = "casework_rating_followups"
    __table_args__ = (
        UniqueConstraint("rating_id"),
        Index("ix_casework_rating_followups_site_status", "site_id", "status"),
    )

    rating_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("casework_ratings.id"))
    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("casework_cases.id"))
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"))
    status: Mapped[FollowUpStatus] = mapped_column(_enum(FollowUpStatus))
    opened_on: Mapped[date] = mapped_column(Date)
    verify_due: Mapped[date] = mapped_column(Date)
    rectify_due: Mapped[date] = mapped_column(Date)
    revisit_due: Mapped[date | None] = mapped_column(Date)
    substantiated: Mapped[bool | None] = mapped_column(Boolean)
    finding: Mapped[str | None] = mapped_column(Text)
    verified_on: Mapped[date | None] = mapped_column(Date)
    verified_by: Mapped[str | None] = mapped_column(String(128))
    measures: Mapped[str | None] = mapped_column(Text)
    rectified_on: Mapped[date | None] = mapped_column(Date)
    rectified_by: Mapped[str | None] = mapped_column(String(128))
    applicant_satisfied: Mapped[bool | None] = mapped_column(Boolean)
    revisit_note: Mapped[str | None] = mapped_column(Text)
    revisited_on: Mapped[date | None] = mapped_column(Date)
    revisited_by: Mapped[str | None] = mapped_column(String(128))


class Complaint(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """办不成事反映: what could not be done, followed to the end by one named tracker."""

    __tablename__ = "casework_complaints"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        Index("ix_casework_complaints_site_reported", "site_id", "reported_on"),
    )

    number: Mapped[str] = mapped_column(String(32))
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    channel: Mapped[ComplaintChannel] = mapped_column(_enum(ComplaintChannel))
    description: Mapped[str] = mapped_column(Text)
    contact_phone_cipher: Mapped[str] = mapped_column(Text)
    contact_phone_masked: Mapped[str] = mapped_column(String(20))
    matter_code: Mapped[str | None] = mapped_column(String(64))
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("casework_cases.id"))
    tracker_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"))
    status: Mapped[ComplaintStatus] = mapped_column(_enum(ComplaintStatus))
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reported_on: Mapped[date] = mapped_column(Date)
    reported_by: Mapped[str] = mapped_column(String(128))
    outcome: Mapped[str | None] = mapped_column(Text)
    substantiated: Mapped[bool | None] = mapped_column(Boolean)
    staff_at_fault_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(128))


class CalendarDay(UUIDPrimaryKey, TenantScoped, Base):
    """The county's own calendar on top of China's: a closure (a local holiday, a late
    schedule's day off) or a working day (a 补班 the library does not know yet)."""

    __tablename__ = "casework_calendar_days"
    __table_args__ = (UniqueConstraint("tenant_id", "day"),)

    day: Mapped[date] = mapped_column(Date)
    working: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(String(100))
    set_by: Mapped[str] = mapped_column(String(128))


class DeadlineAlert(UUIDPrimaryKey, TenantScoped, Base):
    """A case turned DUE_SOON or OVERDUE: told once per recipient and due date (the unique key
    makes the job idempotent, also when a killed worker's job runs again)."""

    __tablename__ = "casework_deadline_alerts"
    __table_args__ = (
        UniqueConstraint("case_id", "state", "due_date", "recipient"),
        Index("ix_casework_deadline_alerts_site", "site_id", "alerted_on"),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("casework_cases.id"))
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    state: Mapped[str] = mapped_column(String(16))
    due_date: Mapped[date] = mapped_column(Date)
    recipient: Mapped[AlertRecipient] = mapped_column(_enum(AlertRecipient))
    recipient_staff_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff.id"))
    alerted_on: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SlotCount(UUIDPrimaryKey, TenantScoped, Base):
    """Bookings of one slot of a site: advanced by one conditional upsert
    (``booked < capacity``), so concurrent bookings never overbook it."""

    __tablename__ = "casework_slot_counts"
    __table_args__ = (UniqueConstraint("site_id", "start"),)

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    booked: Mapped[int] = mapped_column(Integer, default=0)


class Appointment(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """预约: a slot of a site for a matter, booked from the app with a name and a phone."""

    __tablename__ = "casework_appointments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "number"),
        Index("ix_casework_appointments_site_start", "site_id", "start"),
    )

    number: Mapped[str] = mapped_column(String(32))
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    matter_code: Mapped[str] = mapped_column(String(64))
    matter_name: Mapped[str] = mapped_column(String(200))
    start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    name: Mapped[str] = mapped_column(String(100))
    phone_cipher: Mapped[str] = mapped_column(Text)
    phone_hash: Mapped[str] = mapped_column(String(64))
    phone_masked: Mapped[str] = mapped_column(String(20))
    status: Mapped[AppointmentStatus] = mapped_column(_enum(AppointmentStatus))
    case_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("casework_cases.id"))
