"""职业技能等级证书 and skill level (001 §四(四)2): ``skillLevel`` is the highest held.

Warnings (持证上岗): no certificate (LEVEL_5 or above) ``certificate_due_soon_months`` after hire
→ DUE_SOON; ``certificate_deadline_months`` → OVERDUE (the documents' dismissal trigger). Both
are reached on the day itself (hire 2024-08-31 + 18 months = 2026-02-28). A certificate
obtained after the deadline clears the warning, but the deadline stays missed
(``deadline_facts``): a dismissal trigger of 001 §四(四)1 on the review list.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.storage import Storage, StorageError, key_belongs_to, read_checked
from authz.guard import Actor
from network.access import require
from tenants import audit
from tenants.errors import Collector, check_length
from workforce.common import (
    add_months,
    check_date,
    effective_status,
    grouped_rows,
    lock_person,
    require_at_county,
    require_date_in_range,
    today,
    workforce_policy,
)
from workforce.models import Certificate, SkillLevel, Staff, StaffStatus
from workforce.placement import home_site

NUMBER_MAX = 64


class CertificateWarningLevel(enum.StrEnum):
    DUE_SOON = "DUE_SOON"  # 入职满 18 个月仍无五级证书
    OVERDUE = "OVERDUE"  # 入职满 24 个月仍无五级证书: 可解除/调离


@dataclass(frozen=True)
class CertificateWarning:
    staff: Staff
    level: CertificateWarningLevel
    since: date  # the day the warning level was reached


async def record_certificate(
    session: AsyncSession,
    actor: Actor,
    storage: Storage | None,
    *,
    staff_id: uuid.UUID,
    level: SkillLevel,
    number: str,
    issued_on: date,
    scan_key: str | None,
    on: date | None = None,
) -> Staff:
    """Record a certificate on ``on`` (default today): it may not be issued later than that."""
    on = on or today()
    # Under the person's lock: the skill level is the highest of their certificates, and two
    # certificates recorded at once must not leave the lower one.
    staff = await lock_person(session, staff_id)
    site = await home_site(session, staff.id, on)
    await require(session, actor, "certificate", "record", site.id, site.official_name)
    errors = Collector()
    number = (number or "").strip()
    if not number:
        errors.add("number", "REQUIRED", "请填写证书编号")
    check_length(errors, "number", number, NUMBER_MAX, "证书编号")
    if not check_date(errors, "issuedOn", issued_on, "发证日期"):
        pass
    elif issued_on > on:
        errors.add("issuedOn", "FUTURE_DATE", "发证日期不能晚于今天")
    if number and len(number) <= NUMBER_MAX:
        taken = await session.execute(select(Certificate.id).where(Certificate.number == number))
        if taken.first() is not None:
            errors.add("number", "DUPLICATE_CERTIFICATE", f"证书编号 {number} 已登记")
    if scan_key:
        if storage is None or not key_belongs_to(scan_key, staff.tenant_id, "scan"):
            errors.add("scanUploadKey", "INVALID_UPLOAD", "扫描件无效,请重新上传")
        else:
            try:
                await read_checked(storage, scan_key, "scan")
            except StorageError as exc:
                errors.add("scanUploadKey", exc.code, exc.message)
    errors.raise_if_any()
    session.add(
        Certificate(
            staff_id=staff.id,
            level=level,
            number=number,
            issued_on=issued_on,
            scan_key=scan_key or None,
            recorded_by=actor.label,
        )
    )
    if staff.skill_level is None or level.rank > SkillLevel(staff.skill_level).rank:
        staff.skill_level = level
    audit.record(
        session,
        actor.label,
        "certificate.record",
        "Staff",
        staff.id,
        {"level": level.value, "number": number},
    )
    return staff


@dataclass(frozen=True)
class DeadlineFact:
    """入职后 2 年内取得五级证书: the deadline, when the first certificate came, and whether
    the deadline was missed (still none on or after it, or the first one issued after it)."""

    deadline: date
    certified_on: date | None
    missed: bool


def deadline_fact(
    staff: Staff, first_issued: date | None, on: date, deadline_months: int
) -> DeadlineFact:
    deadline = add_months(staff.hire_date, deadline_months)
    if first_issued is not None:
        return DeadlineFact(deadline, first_issued, first_issued >= deadline)
    return DeadlineFact(deadline, None, on >= deadline)


async def first_certified(
    session: AsyncSession, staff_ids: Sequence[uuid.UUID] | None = None
) -> dict[uuid.UUID, date]:
    """The day each person (of ``staff_ids``; all when None) got their first certificate."""
    query = select(Certificate.staff_id, func.min(Certificate.issued_on)).group_by(
        Certificate.staff_id
    )
    if staff_ids is not None:
        query = query.where(Certificate.staff_id.in_(staff_ids))
    return dict((await session.execute(query)).all())


async def deadline_facts(
    session: AsyncSession, staff_ids: Sequence[uuid.UUID], on: date | None = None
) -> dict[uuid.UUID, DeadlineFact]:
    on = on or today()
    months = int((await workforce_policy(session))["certificate_deadline_months"])
    people = (await session.execute(select(Staff).where(Staff.id.in_(staff_ids)))).scalars()
    first = await first_certified(session, staff_ids)
    return {p.id: deadline_fact(p, first.get(p.id), on, months) for p in people}


async def certificates_of(
    session: AsyncSession, staff_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Certificate]]:
    """Each person's certificates, by issue date."""
    order = (Certificate.issued_on, Certificate.created_at)
    return await grouped_rows(session, Certificate.staff_id, staff_ids, *order)


def warning_for(
    staff: Staff, has_certificate: bool, on: date, due_months: int, deadline_months: int
) -> CertificateWarning | None:
    if has_certificate or effective_status(staff, on) is StaffStatus.LEFT:
        return None
    overdue = add_months(staff.hire_date, deadline_months)
    if on >= overdue:
        return CertificateWarning(staff, CertificateWarningLevel.OVERDUE, overdue)
    due = add_months(staff.hire_date, due_months)
    if on >= due:
        return CertificateWarning(staff, CertificateWarningLevel.DUE_SOON, due)
    return None


async def warnings_page(
    session: AsyncSession, actor: Actor, *, on: date | None = None, offset: int, limit: int
) -> tuple[list[CertificateWarning], int]:
    """``certificate_warnings`` a page at a time (a connection)."""
    found = await certificate_warnings(session, actor, on)
    return found[offset : offset + limit], len(found)


async def certificate_warnings(
    session: AsyncSession, actor: Actor, on: date | None = None
) -> list[CertificateWarning]:
    """Everyone not yet certified past the due-soon point, OVERDUE first."""
    await require_at_county(session, actor, "staff", "read")
    require_date_in_range(on, "on")
    on = on or today()
    policy = await workforce_policy(session)
    due, deadline = (
        int(policy["certificate_due_soon_months"]),
        int(policy["certificate_deadline_months"]),
    )
    # A few days of slack: month-end clamping makes the exact test a Python one.
    hired_before = add_months(on, -due) + timedelta(days=4)
    certified = select(Certificate.staff_id)
    rows = await session.execute(
        select(Staff)
        .where(Staff.hire_date <= hired_before, Staff.id.not_in(certified))
        .order_by(Staff.hire_date, Staff.name)
    )
    found = [warning_for(s, False, on, due, deadline) for s in rows.scalars()]
    warnings = [w for w in found if w is not None]
    warnings.sort(key=lambda w: (w.level is not CertificateWarningLevel.OVERDUE, w.since))
    return warnings


async def staff_warnings(
    session: AsyncSession, staff_ids: Sequence[uuid.UUID], on: date | None = None
) -> dict[uuid.UUID, CertificateWarning]:
    """The warning of each person that has one (one query for the batch)."""
    on = on or today()
    policy = await workforce_policy(session)
    due = int(policy["certificate_due_soon_months"])
    deadline = int(policy["certificate_deadline_months"])
    rows = await session.execute(select(Staff).where(Staff.id.in_(staff_ids)))
    people = list(rows.scalars())
    certified = set(
        (
            await session.execute(
                select(Certificate.staff_id).where(Certificate.staff_id.in_(staff_ids))
            )
        ).scalars()
    )
    result: dict[uuid.UUID, CertificateWarning] = {}
    for person in people:
        found = warning_for(person, person.id in certified, on, due, deadline)
        if found is not None:
            result[person.id] = found
    return result
