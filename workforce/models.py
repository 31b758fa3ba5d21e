"""Tables of the central staff pool (窗口工作人员统一管理): staff, assignments, redeployment
orders, head appointments, training and certificates.

Day boundaries (effective dating): an assignment is in force on day ``D`` when
``start_date <= D`` and (``end_date`` is NULL or ``D <= end_date``). Both ends are
**inclusive**: ``end_date`` is the last working day at that site. A new REGULAR assignment
starting on ``S`` therefore closes the previous one on ``S - 1 day``.
"""

from __future__ import annotations

import enum
import uuid
from datetime import date, datetime
from decimal import Decimal

from pypinyin import Style, lazy_pinyin
from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
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
    event,
    text,
)
from sqlalchemy.dialects.postgresql import ExcludeConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tenants.base import Base, Timestamped, UUIDPrimaryKey
from tenants.models import TenantScoped


class StaffStatus(enum.StrEnum):
    PROBATION = "PROBATION"  # 试用期
    ACTIVE = "ACTIVE"  # 在岗
    NOTICE_GIVEN = "NOTICE_GIVEN"  # 已提交书面辞职申请, 30 天后离岗
    LEFT = "LEFT"  # 已离岗
    SUSPENDED = "SUSPENDED"  # 接受调查期间暂停


class Gender(enum.StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"


class Education(enum.StrEnum):
    HIGH_SCHOOL = "HIGH_SCHOOL"  # 高中(中专)及以下
    COLLEGE = "COLLEGE"  # 大专
    BACHELOR = "BACHELOR"  # 本科
    POSTGRADUATE = "POSTGRADUATE"  # 研究生


class EmploymentType(enum.StrEnum):
    CIVIL_SERVANT = "CIVIL_SERVANT"  # 在编
    LABOUR_DISPATCH = "LABOUR_DISPATCH"  # 劳务派遣
    PURCHASED_SERVICE = "PURCHASED_SERVICE"  # 政府购买服务
    TEMPORARY = "TEMPORARY"  # 临聘


class Post(enum.StrEnum):
    CONSULTATION = "CONSULTATION"  # 咨询
    GUIDANCE = "GUIDANCE"  # 导办
    AGENCY = "AGENCY"  # 帮办代办
    ONLINE = "ONLINE"  # 网办
    INTAKE = "INTAKE"  # 收件
    ISSUE = "ISSUE"  # 出件
    APPROVAL = "APPROVAL"  # 审批
    MANAGEMENT = "MANAGEMENT"  # 管理
    MOBILE = "MOBILE"  # 掌办: 移动端/掌上办理 (001)


class Separation(enum.StrEnum):
    """How someone left the window pool (001 §四(四)1)."""

    RESIGNED = "RESIGNED"  # 辞职 (30 天书面通知)
    DISMISSED = "DISMISSED"  # 辞退
    REMOVED = "REMOVED"  # 调离窗口工作岗位


class AssignmentKind(enum.StrEnum):
    REGULAR = "REGULAR"  # 常驻岗位: at most one in force per person per day
    TEMPORARY_COVER = "TEMPORARY_COVER"  # 临时顶岗 (病假、休假、高峰), bounded
    VILLAGE_DISPATCH = "VILLAGE_DISPATCH"  # 镇中心派驻村(社区)便民服务站


class SkillLevel(enum.StrEnum):
    """行政办事员(政务服务综合窗口办事员) 职业技能等级, lowest first."""

    LEVEL_5 = "LEVEL_5"  # 五级/初级工
    LEVEL_4 = "LEVEL_4"  # 四级/中级工
    LEVEL_3 = "LEVEL_3"  # 三级/高级工
    TECHNICIAN = "TECHNICIAN"  # 二级/技师
    SENIOR_TECHNICIAN = "SENIOR_TECHNICIAN"  # 一级/高级技师

    @property
    def rank(self) -> int:
        return list(SkillLevel).index(self)


class HeadAppointmentStatus(enum.StrEnum):
    PROPOSED = "PROPOSED"  # 已提名, 待县政务服务管理办公室出具意见
    AGREED = "AGREED"  # 同意, 生效
    OBJECTED = "OBJECTED"  # 不同意(附理由)


class TrainingKind(enum.StrEnum):
    INDUCTION = "INDUCTION"  # 入职培训
    REGULAR = "REGULAR"  # 常规培训
    TRANSFER = "TRANSFER"  # 转岗培训
    VOCATIONAL = "VOCATIONAL"  # 职业规培
    UPGRADE = "UPGRADE"  # 提升培训
    MENTORING = "MENTORING"  # 师徒结对


def _enum(cls: type[enum.Enum]) -> Enum:
    return Enum(cls, native_enum=False, length=24, validate_strings=True)


class Staff(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """窗口工作人员: one person of the county's central pool. Never deleted.

    The resident ID number (公民身份号码) is kept encrypted (``id_number_cipher``), with a keyed
    hash for uniqueness and the masked form the API shows; the phone likewise.
    """

    __tablename__ = "staff"
    __table_args__ = (
        UniqueConstraint("tenant_id", "id_number_hash"),
        Index("ix_staff_tenant_status", "tenant_id", "status"),
    )

    name: Mapped[str] = mapped_column(String(64))
    gender: Mapped[Gender] = mapped_column(_enum(Gender))
    birth_date: Mapped[date] = mapped_column(Date)
    id_number_cipher: Mapped[str] = mapped_column(Text)
    id_number_hash: Mapped[str] = mapped_column(String(64))
    id_number_masked: Mapped[str] = mapped_column(String(18))
    phone_cipher: Mapped[str | None] = mapped_column(Text)
    phone_masked: Mapped[str | None] = mapped_column(String(20))
    education: Mapped[Education] = mapped_column(_enum(Education))
    employment_type: Mapped[EmploymentType] = mapped_column(_enum(EmploymentType))
    employer: Mapped[str] = mapped_column(String(100))
    hire_date: Mapped[date] = mapped_column(Date)
    probation_end: Mapped[date | None] = mapped_column(Date)
    posts: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[StaffStatus] = mapped_column(_enum(StaffStatus), default=StaffStatus.PROBATION)
    status_before_suspension: Mapped[StaffStatus | None] = mapped_column(_enum(StaffStatus))
    suspension_reason: Mapped[str | None] = mapped_column(Text)
    notice_date: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)
    skill_level: Mapped[SkillLevel | None] = mapped_column(_enum(SkillLevel))
    # 辞退 / 调离窗口: why and by whom the person left the pool (resignation: RESIGNED).
    separation: Mapped[Separation | None] = mapped_column(_enum(Separation))
    separation_reason: Mapped[str | None] = mapped_column(Text)
    # The name's pinyin for search (``workforce.search``): full syllables and initials, both
    # lower-case without spaces; kept up to date by a mapper event whenever ``name`` is set.
    name_pinyin: Mapped[str | None] = mapped_column(String(400))
    name_initials: Mapped[str | None] = mapped_column(String(64))


def name_keys(name: str) -> tuple[str, str]:
    """(全拼, 首字母) of a name for search, lower-case, without spaces."""
    full = "".join(lazy_pinyin(name)).lower().replace(" ", "")
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower().replace(" ", "")
    return full[:400], initials[:64]


@event.listens_for(Staff, "before_insert")
@event.listens_for(Staff, "before_update")
def _keep_pinyin(_mapper, _connection, staff: Staff) -> None:
    """Whatever made or renamed the row (hire, roster import, demo), the pinyin follows."""
    if staff.name:
        staff.name_pinyin, staff.name_initials = name_keys(staff.name)


class Assignment(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """人员分配: who works where, in which post, from which day to which day (both inclusive).

    No two assignments of one kind of one person share a day: one regular post, one village
    dispatch, one cover at a time (``workforce.assignments.place``). On PostgreSQL the exclusion
    constraint below holds that against two changes racing past the checks (btree_gist; the
    period is ``[start_date, end_date + 1)``). No assignment ends before it starts (a check on
    both databases). A cancelled assignment (``cancelled_at``: replaced on its first day, made
    by a revoked order, or cancelled by a correction) stays as a record and takes part in
    nothing: the exclusion constraint leaves it out too.
    """

    __tablename__ = "staff_assignments"
    __table_args__ = (
        Index("ix_staff_assignments_site_dates", "site_id", "start_date", "end_date"),
        Index("ix_staff_assignments_staff_dates", "staff_id", "start_date"),
        CheckConstraint(
            "end_date IS NULL OR end_date >= start_date", name="ck_staff_assignments_dates"
        ),
        ExcludeConstraint(
            ("staff_id", "="),
            ("kind", "="),
            (text("daterange(start_date, end_date + 1)"), "&&"),
            name="ex_staff_assignments_no_overlap",
            using="gist",
            where=text("cancelled_at IS NULL"),
        ).ddl_if(dialect="postgresql"),
    )

    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"))
    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    post: Mapped[Post] = mapped_column(_enum(Post))
    kind: Mapped[AssignmentKind] = mapped_column(_enum(AssignmentKind))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(Text)
    order_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("redeployment_orders.id"), index=True
    )
    created_by: Mapped[str] = mapped_column(String(128))
    ended_by: Mapped[str | None] = mapped_column(String(128))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancelled_by: Mapped[str | None] = mapped_column(String(128))


class RedeploymentOrder(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """调配令: several moves with one effective date and reason, applied together or not at all."""

    __tablename__ = "redeployment_orders"

    effective_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(Text)
    issued_by: Mapped[str] = mapped_column(String(128))
    issued_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    # 撤销 before the effective date: the moves vanish, what they ended is restored.
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(128))
    revoked_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    revoke_reason: Mapped[str | None] = mapped_column(Text)


class RedeploymentMove(UUIDPrimaryKey, TenantScoped, Base):
    """One move of an order: from the regular site on the effective date to another."""

    __tablename__ = "redeployment_moves"
    __table_args__ = (UniqueConstraint("order_id", "position"),)

    order_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("redeployment_orders.id"))
    position: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"), index=True)
    from_site_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("sites.id"))
    to_site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    post: Mapped[Post] = mapped_column(_enum(Post))
    assignment_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff_assignments.id"))


class OrderEffect(UUIDPrimaryKey, TenantScoped, Base):
    """What an order did to an assignment it did not make (ended it the day before the
    effective date, or cancelled it when it began that day), with the values before: revoking
    the order puts them back exactly."""

    __tablename__ = "redeployment_effects"

    order_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("redeployment_orders.id"), index=True
    )
    assignment_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff_assignments.id"))
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    previous_end_date: Mapped[date | None] = mapped_column(Date)
    previous_ended_by: Mapped[str | None] = mapped_column(String(128))


class HeadAppointment(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """分中心/镇(街道)中心负责人任免: proposed locally, effective once the county office agrees."""

    __tablename__ = "head_appointments"
    __table_args__ = (
        Index("ix_head_appointments_site", "site_id", "status"),
        # One proposal awaiting the county's opinion per site, also when two are made at once.
        Index(
            "uq_head_appointments_pending_site",
            "site_id",
            unique=True,
            sqlite_where=text("status = 'PROPOSED'"),
            postgresql_where=text("status = 'PROPOSED'"),
        ),
    )

    site_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("sites.id"))
    staff_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("staff.id"))
    person_name: Mapped[str] = mapped_column(String(64))
    effective_date: Mapped[date] = mapped_column(Date)
    proposal_reason: Mapped[str | None] = mapped_column(Text)
    proposed_by: Mapped[str] = mapped_column(String(128))
    proposed_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    status: Mapped[HeadAppointmentStatus] = mapped_column(
        _enum(HeadAppointmentStatus), default=HeadAppointmentStatus.PROPOSED
    )
    opinion_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[str | None] = mapped_column(String(128))
    reviewed_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    ended_on: Mapped[date | None] = mapped_column(Date)


class TrainingProgram(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """培训计划: induction, regular, transfer, vocational, upgrade training or mentoring."""

    __tablename__ = "training_programs"

    kind: Mapped[TrainingKind] = mapped_column(_enum(TrainingKind))
    title: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    # 集中培训: run by the county office (counts for the quarterly requirement).
    centralised: Mapped[bool] = mapped_column(Boolean, default=True)
    organizer: Mapped[str | None] = mapped_column(String(100))


class TrainingSession(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """一次培训课: date, hours, place or online, topics, trainer."""

    __tablename__ = "training_sessions"
    __table_args__ = (Index("ix_training_sessions_program_date", "program_id", "held_on"),)

    program_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("training_programs.id"))
    held_on: Mapped[date] = mapped_column(Date, index=True)
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    place: Mapped[str | None] = mapped_column(String(200))
    online: Mapped[bool] = mapped_column(Boolean, default=False)
    topics: Mapped[str] = mapped_column(String(500))
    trainer: Mapped[str] = mapped_column(String(64))


class TrainingAttendance(UUIDPrimaryKey, TenantScoped, Base):
    """签到: one person attended one session."""

    __tablename__ = "training_attendance"
    __table_args__ = (UniqueConstraint("session_id", "staff_id"),)

    session_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("training_sessions.id"))
    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"), index=True)


class Certificate(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """职业技能等级证书 of one person; ``Staff.skill_level`` is the highest held."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("tenant_id", "number"),)

    staff_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("staff.id"), index=True)
    level: Mapped[SkillLevel] = mapped_column(_enum(SkillLevel))
    number: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[date] = mapped_column(Date)
    scan_key: Mapped[str | None] = mapped_column(String(300))
    recorded_by: Mapped[str] = mapped_column(String(128))
