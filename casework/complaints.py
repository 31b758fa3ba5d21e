"""办不成事反映 (003 §11): something could not be done; one named person follows it to the end
(一跟到底).

- ``report_unresolved``: by the person on duty at the site (at its 办不成事 window: channel
  WINDOW) or by someone who manages the site (``complaint:report``, from the app: APP). The
  tracker is one of the site's managers (placed there today in the MANAGEMENT post, else its
  current head); a site without either hands it to the nearest site above that has one. Among
  several, the one with the fewest complaints still tracked, then by name.
- ``resolve_complaint``: by the tracker or whoever manages the site (``complaint:resolve``),
  with the outcome; a substantiated complaint names the staff member at fault and records
  rubric item 2.1 against them (``assessment.events.record_system_event``, once per complaint).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.events import record_system_event
from authz.errors import Forbidden
from authz.guard import Actor
from casework import numbers
from casework.common import get_case, get_site, local_day
from casework.models import Complaint, ComplaintChannel, ComplaintStatus
from casework.people import on_duty
from casework.scopes import readable_subtrees
from catalog.effective import effective_catalog
from network.access import can, require
from network.models import Site
from network.tree import ancestors_query
from tenants import audit
from tenants.errors import Collector, refuse
from tenants.models import Tenant
from workforce.heads import current_heads
from workforce.models import Assignment, Post, Staff
from workforce.personal import PHONE_RE, PersonalDataCipher, mask_phone, normalize_phone
from workforce.placement import placements

ITEM_COMPLAINT = "2.1"
TEXT_MAX = 2000


@dataclass
class NewComplaint:
    site_id: uuid.UUID
    description: str
    contact_phone: str
    matter_code: str | None = None
    case_id: uuid.UUID | None = None


def _text(errors: Collector, field: str, value: str | None, label: str) -> str:
    text = (value or "").strip()
    if not text:
        errors.add(field, "REQUIRED", f"请填写{label}")
    elif len(text) > TEXT_MAX:
        errors.add(field, "TOO_LONG", f"{label}不能超过 {TEXT_MAX} 个字符")
    return text


async def _managers_today(session: AsyncSession, site: Site, today) -> list[Staff]:
    """Who manages ``site`` today: MANAGEMENT placements there, else its current head."""
    rows = await session.execute(
        select(Staff)
        .join(Assignment, Assignment.staff_id == Staff.id)
        .where(
            Assignment.site_id == site.id,
            Assignment.post == Post.MANAGEMENT,
            Assignment.start_date <= today,
            (Assignment.end_date.is_(None)) | (Assignment.end_date >= today),
        )
    )
    candidates = list(dict.fromkeys(rows.scalars()))
    placed = await placements(session, [s.id for s in candidates], today)
    managers = [
        s
        for s in candidates
        if (p := placed.get(s.id)) is not None
        and p.site_id == site.id
        and p.post is Post.MANAGEMENT
    ]
    if managers:
        return managers
    head = (await current_heads(session, [site.id], today)).get(site.id)
    if head is not None and head.staff_id is not None:
        staff = await session.get(Staff, head.staff_id)
        return [staff] if staff is not None else []
    return []


async def choose_tracker(session: AsyncSession, site: Site, today) -> Staff | None:
    """The site's manager (or the nearest one above) with the fewest open complaints."""
    chain = (await session.execute(ancestors_query(site.id, include_self=True))).scalars().all()
    for candidate_site in reversed(chain):  # the site itself, then upwards
        managers = await _managers_today(session, candidate_site, today)
        if managers:
            load = dict(
                (
                    await session.execute(
                        select(Complaint.tracker_id, func.count())
                        .where(
                            Complaint.tracker_id.in_([m.id for m in managers]),
                            Complaint.status == ComplaintStatus.TRACKING,
                        )
                        .group_by(Complaint.tracker_id)
                    )
                ).all()
            )
            return min(managers, key=lambda m: (load.get(m.id, 0), m.name, str(m.id)))
    return None


async def report_unresolved(
    session: AsyncSession,
    actor: Actor,
    cipher: PersonalDataCipher,
    data: NewComplaint,
    now: datetime,
) -> Complaint:
    """办不成事: record it, number it and name the tracker who follows it to the end."""
    actor.require_tenant_user()
    site = await get_site(session, data.site_id)
    today = local_day(now)
    duty = await on_duty(session, actor, today)
    if duty is not None and duty.placement.site_id == site.id:
        channel = ComplaintChannel.WINDOW
    elif await can(session, actor, "complaint", "report", site.id):
        channel = ComplaintChannel.APP
    else:
        raise Forbidden("complaint:report", f"site:{site.id}", site.official_name)
    errors = Collector()
    description = _text(errors, "description", data.description, "反映的问题")
    phone = normalize_phone(data.contact_phone)
    if not phone or not PHONE_RE.match(phone):
        errors.add("contactPhone", "INVALID_PHONE", "联系电话应为 11 位手机号")
    matter_code = (data.matter_code or "").strip() or None
    if matter_code is not None:
        catalog = await effective_catalog(session, site.tenant_id, site.id)
        if len(matter_code) > 64 or matter_code not in catalog.by_code:
            errors.add("matterCode", "NOT_FOUND", f"「{site.name}」没有该事项")
    errors.raise_if_any()
    if data.case_id is not None:
        await get_case(session, data.case_id)
    tracker = await choose_tracker(session, site, today)
    if tracker is None:
        raise refuse("siteId", "NO_TRACKER", f"「{site.name}」及其上级没有负责人,无法指定跟踪人")
    tenant = await session.get(Tenant, site.tenant_id)
    assert tenant is not None
    sequence = await numbers.next_sequence(session, "complaint", today)
    complaint = Complaint(
        id=uuid.uuid4(),
        number=f"{tenant.code}-B{today:%Y%m%d}-{sequence:04d}",
        site_id=site.id,
        channel=channel,
        description=description,
        contact_phone_cipher=cipher.encrypt(phone),
        contact_phone_masked=mask_phone(phone),
        matter_code=matter_code,
        case_id=data.case_id,
        tracker_id=tracker.id,
        status=ComplaintStatus.TRACKING,
        reported_at=now,
        reported_on=today,
        reported_by=actor.label,
    )
    session.add(complaint)
    audit.record(
        session,
        actor.label,
        "complaint.report",
        "Complaint",
        complaint.id,
        {"number": complaint.number, "site": str(site.id), "tracker": str(tracker.id)},
    )
    return complaint


async def resolve_complaint(
    session: AsyncSession,
    actor: Actor,
    complaint_id: uuid.UUID,
    outcome: str | None,
    substantiated: bool,
    staff_at_fault_id: uuid.UUID | None,
    now: datetime,
) -> Complaint:
    complaint = await session.get(Complaint, complaint_id)
    if complaint is None:
        raise refuse("complaintId", "NOT_FOUND", "办不成事反映不存在")
    if actor.staff_id is None or actor.staff_id != complaint.tracker_id:
        await require(session, actor, "complaint", "resolve", complaint.site_id)
    errors = Collector()
    text = _text(errors, "outcome", outcome, "办理结果")
    if substantiated and staff_at_fault_id is None:
        errors.add("staffAtFaultId", "REQUIRED", "反映属实的,须指明责任人")
    if not substantiated and staff_at_fault_id is not None:
        errors.add("staffAtFaultId", "NOT_SUBSTANTIATED", "反映不属实,不应指明责任人")
    if staff_at_fault_id is not None and await session.get(Staff, staff_at_fault_id) is None:
        errors.add("staffAtFaultId", "NOT_FOUND", "责任人不存在")
    errors.raise_if_any()
    if complaint.status is not ComplaintStatus.TRACKING:
        raise refuse("complaintId", "ALREADY_RESOLVED", "该反映已办结")
    changed = await session.execute(
        update(Complaint)
        .where(Complaint.id == complaint.id, Complaint.status == ComplaintStatus.TRACKING)
        .values(
            status=ComplaintStatus.RESOLVED,
            outcome=text,
            substantiated=substantiated,
            staff_at_fault_id=staff_at_fault_id,
            resolved_at=now,
            resolved_by=actor.label,
        )
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise refuse("complaintId", "ALREADY_RESOLVED", "该反映已办结")
    await session.refresh(complaint)
    if substantiated and staff_at_fault_id is not None:
        await record_system_event(
            session,
            tenant_id=complaint.tenant_id,
            staff_id=staff_at_fault_id,
            item_code=ITEM_COMPLAINT,
            occurred_on=complaint.reported_on,
            source_kind="COMPLAINT",
            source_id=complaint.id,
            note=text,
        )
    audit.record(
        session,
        actor.label,
        "complaint.resolve",
        "Complaint",
        complaint.id,
        {"substantiated": substantiated},
        text,
    )
    return complaint


async def readable_complaint(
    session: AsyncSession, actor: Actor, complaint_id: uuid.UUID
) -> Complaint | None:
    complaint = await session.get(Complaint, complaint_id)
    if complaint is None:
        return None
    if actor.staff_id is not None and actor.staff_id == complaint.tracker_id:
        return complaint
    await require(session, actor, "complaint", "read", complaint.site_id)
    return complaint


async def list_complaints(
    session: AsyncSession,
    actor: Actor,
    status: ComplaintStatus | None,
    *,
    offset: int,
    limit: int,
) -> tuple[list[Complaint], int]:
    """The complaints of the sites the caller reads complaints of, and those they track."""
    within = await readable_subtrees(session, actor, "complaint", "read")
    mine = Complaint.tracker_id == actor.staff_id if actor.staff_id else None
    if within is None and mine is None:
        raise Forbidden("complaint:read", f"tenant:{actor.tenant_id}", "本县")
    scope = Complaint.site_id.in_(within) if within is not None else mine
    if within is not None and mine is not None:
        scope = scope | mine
    condition = scope if status is None else and_(scope, Complaint.status == status)
    total = (
        await session.execute(select(func.count()).select_from(Complaint).where(condition))
    ).scalar_one()
    rows = await session.execute(
        select(Complaint)
        .where(condition)
        .order_by(Complaint.reported_at.desc(), Complaint.id)
        .offset(offset)
        .limit(limit)
    )
    return list(rows.scalars()), total
