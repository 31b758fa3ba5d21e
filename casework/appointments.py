"""预约: a site's slots for a matter, booked from the app (a name and a phone, no login),
cancelled with the number and the phone, and checked in at intake (``acceptCase`` with
``appointmentId``).

Slots (county policy, ``casework.policy``): the opening hours of a working day (the county's
calendar) cut into ``appointment_slot_minutes``, each taking ``appointment_capacity`` bookings,
bookable from now to ``appointment_days_ahead`` days on, at a site that accepts the matter
(its effective catalog). A slot's bookings are counted in ``casework_slot_counts``: a booking is
one conditional upsert (``booked = booked + 1`` only while ``booked < capacity``), so concurrent
bookings never overbook a slot; a cancellation gives its place back.

Instants are kept in UTC; the days and hours are China's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import Forbidden
from authz.guard import Actor
from casework import numbers
from casework.calendar import WorkingCalendar
from casework.common import CHINA_TZ, get_site, local_day
from casework.deadlines import county_calendar
from casework.models import Appointment, AppointmentStatus, SlotCount
from casework.people import on_duty
from casework.policy import casework_policy
from catalog.effective import effective_catalog
from network.access import can
from network.models import SiteStatus
from tenants import audit
from tenants.errors import Collector, check_length, refuse
from tenants.models import Tenant
from workforce.personal import PHONE_RE, PersonalDataCipher, mask_phone, normalize_phone

NAME_MAX = 100
PUBLIC = "申请人(预约)"


@dataclass(frozen=True)
class Slot:
    start: datetime  # UTC
    end: datetime
    free: int


def utc(value: datetime) -> datetime:
    """An instant in UTC (SQLite gives naive UTC back)."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def day_slots(
    policy: dict[str, Any], calendar: WorkingCalendar, day: date
) -> list[tuple[datetime, datetime]]:
    """The (start, end) of each slot of ``day`` (none on a day off), in UTC."""
    if not calendar.is_working_day(day):
        return []
    length = timedelta(minutes=int(policy["appointment_slot_minutes"]))
    slots = []
    for opens, closes in policy["appointment_hours"]:
        start = datetime.combine(day, time.fromisoformat(opens), tzinfo=CHINA_TZ)
        until = datetime.combine(day, time.fromisoformat(closes), tzinfo=CHINA_TZ)
        while start + length <= until:
            slots.append((utc(start), utc(start + length)))
            start += length
    return slots


async def _bookable(
    session: AsyncSession,
    errors: Collector,
    site_id: uuid.UUID,
    matter_code: str,
    day: date,
    now: datetime,
) -> tuple[Any, dict[str, Any], dict[str, Any]] | None:
    """(site, matter entry, policy) when the site takes appointments for the matter on
    ``day``; else errors."""
    site = await get_site(session, site_id)
    if site.status is SiteStatus.CLOSED:
        errors.add("siteId", "SITE_CLOSED", f"「{site.name}」已撤销")
        return None
    code = (matter_code or "").strip()
    catalog = await effective_catalog(session, site.tenant_id, site.id)
    entry = catalog.by_code.get(code) if len(code) <= 64 else None
    if entry is None or not entry["acceptedHere"]:
        errors.add("matterCode", "NOT_ACCEPTED_HERE", f"「{site.name}」不受理该事项")
        return None
    policy = await casework_policy(session)
    today = local_day(now)
    if not today <= day <= today + timedelta(days=int(policy["appointment_days_ahead"])):
        errors.add(
            "start",
            "OUT_OF_RANGE",
            f"可预约今天起 {policy['appointment_days_ahead']} 天内的时段",
        )
        return None
    return site, entry, policy


async def free_slots(
    session: AsyncSession, site_id: uuid.UUID, matter_code: str, day: date, now: datetime
) -> list[Slot]:
    """The slots of ``day`` not yet past, with their free places."""
    errors = Collector()
    found = await _bookable(session, errors, site_id, matter_code, day, now)
    if found is None:
        return []
    site, _entry, policy = found
    slots = day_slots(policy, await county_calendar(session), day)
    if not slots:
        return []
    capacity = int(policy["appointment_capacity"])
    booked = dict(
        (utc(start), count)
        for start, count in (
            await session.execute(
                select(SlotCount.start, SlotCount.booked).where(
                    SlotCount.site_id == site.id,
                    SlotCount.start >= slots[0][0],
                    SlotCount.start <= slots[-1][0],
                )
            )
        ).all()
    )
    return [
        Slot(start, end, max(capacity - booked.get(start, 0), 0))
        for start, end in slots
        if start > utc(now)
    ]


async def book(
    session: AsyncSession,
    cipher: PersonalDataCipher,
    *,
    site_id: uuid.UUID,
    matter_code: str,
    start: datetime,
    name: str,
    phone: str,
    now: datetime,
) -> Appointment:
    errors = Collector()
    person = (name or "").strip()
    if not person:
        errors.add("name", "REQUIRED", "请填写姓名")
    check_length(errors, "name", person, NAME_MAX, "姓名")
    number = normalize_phone(phone)
    if not number or not PHONE_RE.match(number):
        errors.add("phone", "INVALID_PHONE", "手机号应为 11 位")
    start = utc(start)
    found = await _bookable(
        session, errors, site_id, matter_code, start.astimezone(CHINA_TZ).date(), now
    )
    errors.raise_if_any()
    assert found is not None and number is not None
    site, entry, policy = found
    calendar = await county_calendar(session)
    day = start.astimezone(CHINA_TZ).date()
    slot = next((s for s in day_slots(policy, calendar, day) if s[0] == start), None)
    if slot is None or start <= utc(now):
        raise refuse("start", "NOT_A_SLOT", "该时间不是可预约的时段")
    capacity = int(policy["appointment_capacity"])
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    table = SlotCount.__table__
    taken = await session.execute(
        insert(table)
        .values(id=uuid.uuid4(), tenant_id=site.tenant_id, site_id=site.id, start=start, booked=1)
        .on_conflict_do_update(
            index_elements=[table.c.site_id, table.c.start],
            set_={"booked": table.c.booked + 1},
            where=table.c.booked < capacity,
        )
        .returning(table.c.booked)
    )
    if taken.scalar_one_or_none() is None:
        raise refuse("start", "SLOT_FULL", "该时段已约满,请选择其他时段")
    tenant = await session.get(Tenant, site.tenant_id)
    assert tenant is not None
    sequence = await numbers.next_sequence(session, "appointment", day)
    appointment = Appointment(
        id=uuid.uuid4(),
        number=f"{tenant.code}-Y{day:%Y%m%d}-{sequence:04d}",
        site_id=site.id,
        matter_code=entry["code"],
        matter_name=entry["name"],
        start=start,
        end=slot[1],
        name=person,
        phone_cipher=cipher.encrypt(number),
        phone_hash=cipher.lookup_hash(number),
        phone_masked=mask_phone(number),
        status=AppointmentStatus.BOOKED,
    )
    session.add(appointment)
    audit.record(
        session,
        PUBLIC,
        "appointment.book",
        "Appointment",
        appointment.id,
        {"number": appointment.number, "site": str(site.id), "start": start.isoformat()},
    )
    return appointment


async def _release(session: AsyncSession, appointment: Appointment) -> None:
    await session.execute(
        update(SlotCount)
        .where(
            SlotCount.site_id == appointment.site_id,
            SlotCount.start == utc(appointment.start),
            SlotCount.booked > 0,
        )
        .values(booked=SlotCount.booked - 1)
        .execution_options(synchronize_session=False)
    )


async def cancel(
    session: AsyncSession, cipher: PersonalDataCipher, number: str, phone: str, now: datetime
) -> Appointment:
    """取消预约 by the applicant: the number and the phone it was booked with."""
    code = (number or "").strip()
    digits = normalize_phone(phone) or ""
    appointment = (
        (await session.execute(select(Appointment).where(Appointment.number == code[:32])))
        .scalars()
        .first()
    )
    if appointment is None or appointment.phone_hash != cipher.lookup_hash(digits):
        raise refuse("number", "NOT_FOUND", "预约号或手机号不正确")
    if appointment.status is not AppointmentStatus.BOOKED or utc(appointment.start) <= utc(now):
        raise refuse("number", "CANNOT_CANCEL", "该预约已签到、已取消或已过时,不能取消")
    changed = await session.execute(
        update(Appointment)
        .where(Appointment.id == appointment.id, Appointment.status == AppointmentStatus.BOOKED)
        .values(status=AppointmentStatus.CANCELLED)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise refuse("number", "CANNOT_CANCEL", "该预约已签到或已取消")
    await _release(session, appointment)
    await session.refresh(appointment)
    audit.record(session, PUBLIC, "appointment.cancel", "Appointment", appointment.id)
    return appointment


async def check_in(
    session: AsyncSession,
    errors: Collector,
    appointment_id: uuid.UUID,
    site_id: uuid.UUID,
    matter_code: str,
    today: date,
) -> Appointment | None:
    """签到 at intake: the appointment is of this site and matter, for today, still booked."""
    appointment = await session.get(Appointment, appointment_id)
    if appointment is None:
        errors.add("appointmentId", "NOT_FOUND", "预约不存在")
    elif appointment.status is not AppointmentStatus.BOOKED:
        errors.add("appointmentId", "APPOINTMENT_NOT_BOOKED", "该预约已签到或已取消")
    elif appointment.site_id != site_id:
        errors.add("appointmentId", "WRONG_SITE", "该预约不是本场所的")
    elif appointment.matter_code != (matter_code or "").strip():
        errors.add("appointmentId", "WRONG_MATTER", f"该预约办理「{appointment.matter_name}」")
    elif utc(appointment.start).astimezone(CHINA_TZ).date() != today:
        errors.add("appointmentId", "NOT_TODAY", "该预约不是今天的")
    else:
        return appointment
    return None


async def mark_checked_in(
    session: AsyncSession, appointment: Appointment, case_id: uuid.UUID
) -> None:
    changed = await session.execute(
        update(Appointment)
        .where(Appointment.id == appointment.id, Appointment.status == AppointmentStatus.BOOKED)
        .values(status=AppointmentStatus.CHECKED_IN, case_id=case_id)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        raise refuse("appointmentId", "APPOINTMENT_NOT_BOOKED", "该预约已签到或已取消")


async def site_appointments(
    session: AsyncSession, actor: Actor, site_id: uuid.UUID, day: date, today: date
) -> list[Appointment]:
    """A site's appointments of a day, for its front desk and whoever reads its cases."""
    site = await get_site(session, site_id)
    await require_site_reader(session, actor, site.id, site.name, today)
    since = utc(datetime.combine(day, time(0, 0), tzinfo=CHINA_TZ))
    rows = await session.execute(
        select(Appointment)
        .where(
            and_(
                Appointment.site_id == site.id,
                Appointment.start >= since,
                Appointment.start < since + timedelta(days=1),
            )
        )
        .order_by(Appointment.start, Appointment.number)
    )
    return list(rows.scalars())


async def require_site_reader(
    session: AsyncSession, actor: Actor, site_id: uuid.UUID, name: str | None, today: date
) -> None:
    actor.require_tenant_user()
    duty = await on_duty(session, actor, today)
    if duty is not None and duty.placement.site_id == site_id:
        return
    if not await can(session, actor, "case", "read", site_id):
        raise Forbidden("appointment:read", f"site:{site_id}", name)


async def readable_appointment(
    session: AsyncSession, actor: Actor, appointment_id: uuid.UUID, today: date
) -> Appointment | None:
    appointment = await session.get(Appointment, appointment_id)
    if appointment is not None:
        await require_site_reader(session, actor, appointment.site_id, None, today)
    return appointment
