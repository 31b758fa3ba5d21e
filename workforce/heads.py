"""负责人任免 (001 §四(二)1): the head of a sub-centre or township centre is proposed by its
department / township and takes effect only after the county office's **prior** opinion
(同意 / 不同意 with a reason): the appointment's effective date may not precede the opinion (a
proposal dated before today, or agreed after its date, is refused), and whoever proposed it may
not give the opinion on it (SELF_REVIEW)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from network.access import can, forbidden_at, require
from network.models import SiteLevel, SiteStatus
from network.service import require_site
from tenants import audit
from tenants.base import utcnow
from tenants.errors import Collector, check_length, refuse
from workforce.access import readable_staff
from workforce.common import check_date, today
from workforce.models import HeadAppointment, HeadAppointmentStatus

HEADED_LEVELS = (SiteLevel.SUB_CENTER, SiteLevel.TOWNSHIP_CENTER)
NAME_MAX = 64
REASON_MAX = 500


async def propose_head(
    session: AsyncSession,
    actor: Actor,
    *,
    site_id: uuid.UUID,
    staff_id: uuid.UUID | None,
    person_name: str | None,
    effective_date: date,
    reason: str | None,
) -> HeadAppointment:
    site = await require_site(session, site_id)
    await require(session, actor, "head", "propose", site.id, site.official_name)
    errors = Collector()
    if site.level not in HEADED_LEVELS:
        errors.add("siteId", "NOT_HEADED_SITE", "只有分中心和镇(街道)便民服务中心的负责人需要任免")
    if site.status is SiteStatus.CLOSED:
        errors.add("siteId", "SITE_CLOSED", "场所已撤销")
    check_length(errors, "reason", reason, REASON_MAX, "提名理由")
    if check_date(errors, "effectiveDate", effective_date, "生效日期") and effective_date < today():
        errors.add(
            "effectiveDate",
            "BEFORE_OPINION",
            "任职生效日期不能早于县政务服务管理办公室出具意见之日(须事先征求意见)",
        )
    name = (person_name or "").strip()
    if staff_id is not None:
        # A person the proposer may not read (another township's) is named, not picked: the
        # proposal would otherwise show their record to whoever reads it.
        staff = await readable_staff(session, actor, staff_id)
        if staff is None:
            errors.add("staffId", "NOT_FOUND", "人员不存在")
        else:
            name = staff.name
    if not name:
        errors.add("personName", "REQUIRED", "请填写拟任负责人姓名或选择人员")
    check_length(errors, "personName", name, NAME_MAX, "姓名")
    # Two proposals racing both pass this check; the unique index of pending proposals
    # (``uq_head_appointments_pending_site``) refuses the second (a CONFLICT userError).
    pending = await session.execute(
        select(HeadAppointment.id).where(
            HeadAppointment.site_id == site.id,
            HeadAppointment.status == HeadAppointmentStatus.PROPOSED,
        )
    )
    if pending.first() is not None:
        errors.add("siteId", "PROPOSAL_PENDING", "该场所已有待县政务服务管理办公室出具意见的提名")
    errors.raise_if_any()
    appointment = HeadAppointment(
        id=uuid.uuid4(),
        site_id=site.id,
        staff_id=staff_id,
        person_name=name,
        effective_date=effective_date,
        proposal_reason=reason,
        proposed_by=actor.label,
        proposed_by_user_id=actor.user_id,
        status=HeadAppointmentStatus.PROPOSED,
    )
    session.add(appointment)
    audit.record(
        session,
        actor.label,
        "head.propose",
        "HeadAppointment",
        appointment.id,
        {"site": str(site.id), "name": name},
        reason,
    )
    return appointment


async def review_head(
    session: AsyncSession,
    actor: Actor,
    appointment_id: uuid.UUID,
    *,
    agree: bool,
    reason: str | None,
) -> HeadAppointment:
    """The county office's opinion: agreeing makes the appointment effective on its date (the
    previous head's term ends the day before)."""
    appointment = await session.get(HeadAppointment, appointment_id)
    if appointment is None:
        raise refuse("appointmentId", "NOT_FOUND", "任免提名不存在")
    site = await require_site(session, appointment.site_id)
    await require(session, actor, "head", "review", site.id, site.official_name)
    errors = Collector()
    if appointment.status is not HeadAppointmentStatus.PROPOSED:
        errors.add("appointmentId", "ALREADY_REVIEWED", "该提名已出具意见")
    if appointment.proposed_by_user_id is not None and appointment.proposed_by_user_id == (
        actor.user_id
    ):
        errors.add("appointmentId", "SELF_REVIEW", "提名人不能对自己的提名出具意见")
    if agree and appointment.effective_date < today():
        errors.add(
            "appointmentId",
            "BEFORE_OPINION",
            f"拟任生效日期 {appointment.effective_date} 早于出具意见之日,请重新提名",
        )
    if not agree and not (reason or "").strip():
        errors.add("reason", "REASON_REQUIRED", "不同意时必须说明理由")
    check_length(errors, "reason", reason, REASON_MAX, "意见")
    errors.raise_if_any()
    # One opinion only: two reviewers racing both saw PROPOSED above; this conditional update
    # lets the first through and makes the second wait for it, then find nothing to decide.
    decided = await session.execute(
        update(HeadAppointment)
        .where(
            HeadAppointment.id == appointment.id,
            HeadAppointment.status == HeadAppointmentStatus.PROPOSED,
        )
        .values(
            status=HeadAppointmentStatus.AGREED if agree else HeadAppointmentStatus.OBJECTED,
            opinion_reason=(reason or "").strip() or None,
            reviewed_by=actor.label,
            reviewed_by_user_id=actor.user_id,
            reviewed_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:
        raise refuse("appointmentId", "ALREADY_REVIEWED", "该提名已出具意见")
    await session.refresh(appointment)
    if agree:
        previous = await session.execute(
            select(HeadAppointment).where(
                HeadAppointment.site_id == site.id,
                HeadAppointment.status == HeadAppointmentStatus.AGREED,
                HeadAppointment.id != appointment.id,
                HeadAppointment.ended_on.is_(None),
                HeadAppointment.effective_date < appointment.effective_date,
            )
        )
        for earlier in previous.scalars():
            earlier.ended_on = appointment.effective_date - timedelta(days=1)
    audit.record(
        session,
        actor.label,
        "head.review",
        "HeadAppointment",
        appointment.id,
        {"agree": agree},
        reason,
    )
    return appointment


async def current_heads(
    session: AsyncSession, site_ids: Sequence[uuid.UUID], on: date | None = None
) -> dict[uuid.UUID, HeadAppointment | None]:
    on = on or today()
    rows = await session.execute(
        select(HeadAppointment)
        .where(
            HeadAppointment.site_id.in_(site_ids),
            HeadAppointment.status == HeadAppointmentStatus.AGREED,
            HeadAppointment.effective_date <= on,
            (HeadAppointment.ended_on.is_(None)) | (HeadAppointment.ended_on >= on),
        )
        .order_by(HeadAppointment.effective_date)
    )
    result: dict[uuid.UUID, HeadAppointment | None] = dict.fromkeys(site_ids)
    for a in rows.scalars():
        result[a.site_id] = a
    return result


async def require_read_heads(session: AsyncSession, actor: Actor, site_id: uuid.UUID) -> None:
    """A site's appointments are read by who proposes its head or reads its staff."""
    if not (
        await can(session, actor, "head", "propose", site_id)
        or await can(session, actor, "staff", "read", site_id)
    ):
        raise await forbidden_at(session, "head:read", site_id)


async def readable_appointment(
    session: AsyncSession, actor: Actor, appointment_id: uuid.UUID
) -> HeadAppointment | None:
    appointment = await session.get(HeadAppointment, appointment_id)
    if appointment is not None:
        await require_read_heads(session, actor, appointment.site_id)
    return appointment


async def appointment_history(
    session: AsyncSession, actor: Actor, site_id: uuid.UUID
) -> list[HeadAppointment]:
    """``appointments_of`` the site for a reader (``require_read_heads``)."""
    await require_read_heads(session, actor, site_id)
    return await appointments_of(session, site_id)


async def appointments_of(session: AsyncSession, site_id: uuid.UUID) -> list[HeadAppointment]:
    rows = await session.execute(
        select(HeadAppointment)
        .where(HeadAppointment.site_id == site_id)
        .order_by(HeadAppointment.created_at.desc())
    )
    return list(rows.scalars())
