"""Tables of pay (薪酬): a county's monthly payroll and its lines, and each person's own base
wage where their contract sets one (otherwise the county's base, policy ``pay.base_wage``).

Money is ``Numeric(…, 2)`` in yuan, computed with ``Decimal`` and rounded half-up to the fen once
per line (``pay.rules``); never float.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
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

MONEY = Numeric(14, 2)


class PayrollStatus(enum.StrEnum):
    DRAFT = "DRAFT"  # re-runnable
    APPROVED = "APPROVED"  # frozen


class Payroll(UUIDPrimaryKey, TenantScoped, Base):
    """工资表 of a county for one month (``month`` = its first day)."""

    __tablename__ = "pay_payrolls"
    __table_args__ = (UniqueConstraint("tenant_id", "month"),)

    month: Mapped[date] = mapped_column(Date)
    status: Mapped[PayrollStatus] = mapped_column(
        Enum(PayrollStatus, native_enum=False, length=16, validate_strings=True),
        default=PayrollStatus.DRAFT,
    )
    headcount: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"))
    run_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    run_by: Mapped[str] = mapped_column(String(128))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    approved_by: Mapped[str | None] = mapped_column(String(128))


class PayLine(UUIDPrimaryKey, TenantScoped, Base):
    """One person's pay slip (工资条) of a payroll. ``note`` states a proration."""

    __tablename__ = "pay_lines"
    __table_args__ = (
        UniqueConstraint("payroll_id", "staff_id"),
        Index("ix_pay_lines_staff", "staff_id", "payroll_id"),
        Index("ix_pay_lines_site", "payroll_id", "site_id"),
    )

    payroll_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("pay_payrolls.id"))
    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"))
    site_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("sites.id"))
    month: Mapped[date] = mapped_column(Date)
    probation: Mapped[bool] = mapped_column(Boolean, default=False)
    skill_level: Mapped[str | None] = mapped_column(String(24))
    tenure_years: Mapped[int] = mapped_column(Integer, default=0)
    days_paid: Mapped[int] = mapped_column(Integer)
    days_in_month: Mapped[int] = mapped_column(Integer)
    base: Mapped[Decimal] = mapped_column(MONEY)
    skill: Mapped[Decimal] = mapped_column(MONEY)
    tenure: Mapped[Decimal] = mapped_column(MONEY)
    education: Mapped[Decimal] = mapped_column(MONEY)
    reward: Mapped[Decimal] = mapped_column(MONEY)
    # 补发(+)/扣回(−) of earlier months' rewards settled after their payroll was approved:
    # the sum of this payroll's ``PayAdjustment`` rows for the person (``pay.carryover``).
    adjustment: Mapped[Decimal] = mapped_column(MONEY, default=Decimal("0.00"), server_default="0")
    gross: Mapped[Decimal] = mapped_column(MONEY)
    note: Mapped[str | None] = mapped_column(Text)


class PayAdjustment(UUIDPrimaryKey, TenantScoped, Base):
    """补发/扣回: a difference between a month's assessment reward as it stands now and what was
    paid for it, carried by a later payroll (``payroll_id``) because the month's own payroll was
    already approved (the month was published, corrected or a suspended grade settled after).

    ``seq`` numbers the settlements of one person's month (1, 2, …: a second correction is a
    second settlement); the unique constraint lets one payroll only carry each settlement, so two
    payrolls never pay the same difference, also when two runs race."""

    __tablename__ = "pay_adjustments"
    __table_args__ = (
        UniqueConstraint("tenant_id", "staff_id", "source_month", "seq"),
        Index("ix_pay_adjustments_payroll", "payroll_id", "staff_id"),
    )

    payroll_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("pay_payrolls.id"))
    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"))
    source_month: Mapped[date] = mapped_column(Date)  # the month whose reward changed
    seq: Mapped[int] = mapped_column(Integer)
    paid_before: Mapped[Decimal] = mapped_column(MONEY)  # paid for the month until now
    due: Mapped[Decimal] = mapped_column(MONEY)  # the month's reward as it stands
    amount: Mapped[Decimal] = mapped_column(MONEY)  # due − paid_before, signed
    reason: Mapped[str] = mapped_column(Text)


class BaseWage(UUIDPrimaryKey, TenantScoped, Base):
    """A person's own monthly base wage (their contract), over the county's base."""

    __tablename__ = "pay_base_wages"
    __table_args__ = (UniqueConstraint("tenant_id", "staff_id"),)

    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"))
    monthly: Mapped[Decimal] = mapped_column(MONEY)
    set_by: Mapped[str] = mapped_column(String(128))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
