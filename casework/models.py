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
