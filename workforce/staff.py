"""人员名册 (staff registry): hiring, details, probation, resignation, suspension.

Status lifecycle: PROBATION → ACTIVE (by itself when the probation ends) → NOTICE_GIVEN (written
notice recorded; the last day is ``resignation_notice_days`` later) → LEFT (by itself after the
last day); SUSPENDED while under investigation, then back. Nobody is ever deleted. Every status
change takes the person's lock (``common.lock_person``) before it checks the status, so two
changes to one person take turns.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from network.access import require
from network.models import Site
from network.service import require_site
from tenants import audit
from tenants.errors import Collector, check_length, refuse
from tenants.values import UNSET
from workforce.assignments import place
from workforce.common import (
    add_months,
    check_date,
    effective_status,
    get_staff,
    lock_person,
    today,
    workforce_policy,
)
from workforce.models import (
    Assignment,
    AssignmentKind,
    Education,
    EmploymentType,
    Post,
    Separation,
    Staff,
    StaffStatus,
)
from workforce.personal import (
    MIN_WORKING_AGE,
    PHONE_RE,
    InvalidIdNumber,
    PersonalDataCipher,
    age_on,
    mask_id_number,
    mask_phone,
    normalize_phone,
    parse_id_number,
)
from workforce.placement import home_site
from workforce.posts import check_employment

NAME_MAX = 64
EMPLOYER_MAX = 100
REASON_MAX = 500


@dataclass
class NewStaff:
    name: str
    id_number: str
    phone: str | None
    education: Education
    employment_type: EmploymentType
    employer: str
    hire_date: date
    site_id: uuid.UUID
    post: Post
    posts: list[Post] = field(default_factory=list)


def check_new_staff(
    errors: Collector,
    cipher: PersonalDataCipher,
    data: NewStaff,
    fields: dict[str, str] | None = None,
) -> tuple[str | None, str | None]:
    """Validate the plain fields; returns (ID number, phone) normalised, or None where bad."""
    f = fields or {}
    name = (data.name or "").strip()
    if not name:
        errors.add(f.get("name", "name"), "REQUIRED", "请填写姓名")
    check_length(errors, f.get("name", "name"), name, NAME_MAX, "姓名")
    employer = (data.employer or "").strip()
    if not employer:
        errors.add(f.get("employer", "employer"), "REQUIRED", "请填写用工单位")
    check_length(errors, f.get("employer", "employer"), employer, EMPLOYER_MAX, "用工单位")
    number: str | None = None
    try:
        parsed = parse_id_number(data.id_number)
    except InvalidIdNumber as exc:
        errors.add(f.get("idNumber", "idNumber"), "INVALID_ID_NUMBER", str(exc))
    else:
        number = parsed.number
    if check_date(errors, f.get("hireDate", "hireDate"), data.hire_date, "入职日期") and number:
        check_working_age(errors, f.get("hireDate", "hireDate"), parsed.birth_date, data.hire_date)
    check_posts(errors, f.get("posts", "posts"), data.posts)
    phone = normalize_phone(data.phone)
    if phone is not None and not PHONE_RE.match(phone):
        errors.add(f.get("phone", "phone"), "INVALID_PHONE", "手机号应为 11 位数字,以 1 开头")
        phone = None
    return number, phone


def check_working_age(errors: Collector, field: str, birth: date, hired: date) -> None:
    """The hire date is on or after the day the person turned ``MIN_WORKING_AGE`` (劳动法 §15:
    no one under 16 is employed); the birth date is the one in the ID number."""
    if hired < birth:
        errors.add(field, "UNDER_WORKING_AGE", "入职日期早于公民身份号码中的出生日期")
    elif age_on(birth, hired) < MIN_WORKING_AGE:
        errors.add(
            field,
            "UNDER_WORKING_AGE",
            f"按公民身份号码中的出生日期,入职时未满 {MIN_WORKING_AGE} 周岁",
        )


def check_posts(errors: Collector, field: str, posts: list[Post] | None) -> None:
    """可胜任的岗位 is a set of ``Post`` values: repeats are dropped (``post_values``), and a list
    longer than there are posts can only be repeats — refused, not stored."""
    if posts is not None and len(posts) > len(Post):
        errors.add(field, "TOO_MANY_POSTS", f"岗位最多 {len(Post)} 个,收到 {len(posts)} 个")


def post_values(*posts: Post) -> list[str]:
    return sorted({p.value for p in posts})


async def id_number_taken(
    session: AsyncSession, cipher: PersonalDataCipher, number: str
) -> Staff | None:
    rows = await session.execute(
        select(Staff).where(Staff.id_number_hash == cipher.lookup_hash(number))
    )
    return rows.scalars().first()


async def create_staff(
    session: AsyncSession,
    actor_label: str,
    cipher: PersonalDataCipher,
    errors: Collector,
    data: NewStaff,
    site: Site,
    number: str,
    phone: str | None,
    fields: dict[str, str] | None = None,
) -> Staff | None:
    """Insert a checked person and its first REGULAR assignment (from the hire date)."""
    f = fields or {}
    policy = await workforce_policy(session)
    check_employment(
        errors, f.get("posts", "posts"), data.employment_type, data.posts, policy, data.name
    )
    if errors.errors:
        return None
    parsed = parse_id_number(number)
    months = int(policy.get("probation_months", 0))
    probation_end = add_months(data.hire_date, months) - timedelta(days=1) if months else None
    staff = Staff(
        id=uuid.uuid4(),
        name=data.name.strip(),
        gender=parsed.gender,
        birth_date=parsed.birth_date,
        id_number_cipher=cipher.encrypt(number),
        id_number_hash=cipher.lookup_hash(number),
        id_number_masked=mask_id_number(number),
        phone_cipher=cipher.encrypt(phone) if phone else None,
        phone_masked=mask_phone(phone) if phone else None,
        education=data.education,
        employment_type=data.employment_type,
        employer=data.employer.strip(),
        hire_date=data.hire_date,
        probation_end=probation_end,
        posts=post_values(data.post, *data.posts),
        status=StaffStatus.PROBATION if months else StaffStatus.ACTIVE,
        skill_level=None,
    )
    session.add(staff)
    await session.flush()
    # A person made in this transaction is seen by no other until it commits: no lock needed.
    placed = await place(
        session,
        actor_label,
        errors,
        staff,
        site,
        post=data.post,
        kind=AssignmentKind.REGULAR,
        start=data.hire_date,
        end=None,
        reason="入职",
        fields={
            "staff": f.get("name", "name"),
            "site": f.get("siteId", "siteId"),
            "post": f.get("post", "post"),
            "start": f.get("hireDate", "hireDate"),
            "end": f.get("hireDate", "hireDate"),
        },
    )
    if placed is None:
        return None
    audit.record(
        session,
        actor_label,
        "staff.hire",
        "Staff",
        staff.id,
        {"name": staff.name, "site": str(site.id), "post": data.post.value},
    )
    return staff


async def hire_staff(
    session: AsyncSession, actor: Actor, cipher: PersonalDataCipher, data: NewStaff
) -> Staff:
    """入职: register a person in the county pool and post them at a site."""
    site = await require_site(session, data.site_id)
    await require(session, actor, "staff", "hire", site.id, site.official_name)
    errors = Collector()
    number, phone = check_new_staff(errors, cipher, data)
    if number is not None and await id_number_taken(session, cipher, number):
        errors.add("idNumber", "DUPLICATE_ID_NUMBER", "该公民身份号码已在本县人员名册中")
    errors.raise_if_any()
    assert number is not None
    staff = await create_staff(session, actor.label, cipher, errors, data, site, number, phone)
    errors.raise_if_any()
    assert staff is not None
    return staff


async def _require_manage(session: AsyncSession, actor: Actor, staff: Staff, act: str) -> None:
    """Status and detail changes belong to the county office (checked at the regular site)."""
    site = await home_site(session, staff.id, today())
    await require(session, actor, "staff", act, site.id, site.official_name)


async def update_staff(
    session: AsyncSession,
    actor: Actor,
    cipher: PersonalDataCipher,
    staff_id: uuid.UUID,
    *,
    name: str | None = UNSET,
    phone: str | None = UNSET,
    education: Education | None = UNSET,
    employment_type: EmploymentType | None = UNSET,
    employer: str | None = UNSET,
    posts: list[Post] | None = UNSET,
) -> Staff:
    """Changes the fields given (``UNSET`` keeps one). ``None`` clears the phone; the other
    fields cannot be empty, so ``None`` keeps them as well."""
    name, education, employment_type, employer, posts = (
        UNSET if value is None else value
        for value in (name, education, employment_type, employer, posts)
    )
    staff = await get_staff(session, staff_id, "id")
    await _require_manage(session, actor, staff, "update")
    errors = Collector()
    if name is not UNSET:
        if not name.strip():
            errors.add("name", "REQUIRED", "请填写姓名")
        check_length(errors, "name", name, NAME_MAX, "姓名")
    if employer is not UNSET:
        if not employer.strip():
            errors.add("employer", "REQUIRED", "请填写用工单位")
        check_length(errors, "employer", employer, EMPLOYER_MAX, "用工单位")
    if posts is not UNSET:
        check_posts(errors, "posts", posts)
    new_phone = None
    if phone is not UNSET:
        new_phone = normalize_phone(phone)
        if new_phone is not None and not PHONE_RE.match(new_phone):
            errors.add("phone", "INVALID_PHONE", "手机号应为 11 位数字,以 1 开头")
    if posts is not UNSET or employment_type is not UNSET:
        check_employment(
            errors,
            "posts" if posts is not UNSET else "employmentType",
            staff.employment_type if employment_type is UNSET else employment_type,
            staff.posts if posts is UNSET else posts,
            await workforce_policy(session),
            staff.name,
        )
    errors.raise_if_any()
    changed: list[str] = []
    if name is not UNSET:
        staff.name = name.strip()
        changed.append("name")
    if phone is not UNSET:
        staff.phone_cipher = cipher.encrypt(new_phone) if new_phone else None
        staff.phone_masked = mask_phone(new_phone) if new_phone else None
        changed.append("phone")
    if education is not UNSET:
        staff.education = education
        changed.append("education")
    if employment_type is not UNSET:
        staff.employment_type = employment_type
        changed.append("employmentType")
    if employer is not UNSET:
        staff.employer = employer.strip()
        changed.append("employer")
    if posts is not UNSET:
        staff.posts = post_values(*posts)
        changed.append("posts")
    audit.record(session, actor.label, "staff.update", "Staff", staff.id, {"fields": changed})
    return staff


async def resign(
    session: AsyncSession, actor: Actor, staff_id: uuid.UUID, notice_date: date, note: str | None
) -> Staff:
    """辞职: written notice received on ``notice_date`` — not a day still to come (a notice is
    recorded when it is received) — and the last day is the notice period later, not before
    today (history is a record); every assignment still running then ends on it."""
    staff = await lock_person(session, staff_id)
    await _require_manage(session, actor, staff, "resign")
    errors = Collector()
    check_length(errors, "reason", note, REASON_MAX, "说明")
    if not check_date(errors, "noticeDate", notice_date, "辞职通知日期"):
        errors.raise_if_any()
    status = effective_status(staff, notice_date)
    if status in (StaffStatus.NOTICE_GIVEN, StaffStatus.LEFT):
        errors.add("staffId", "ALREADY_RESIGNED", f"{staff.name}已提交辞职或已离岗")
    if notice_date < staff.hire_date:
        errors.add("noticeDate", "BEFORE_HIRE", "辞职通知日期不能早于入职日期")
    if notice_date > today():
        errors.add(
            "noticeDate", "FUTURE_DATE", "辞职通知日期不能晚于今天:请在收到书面辞职申请之日登记"
        )
    errors.raise_if_any()
    policy = await workforce_policy(session)
    last_day = notice_date + timedelta(days=int(policy["resignation_notice_days"]))
    if last_day < today():
        raise refuse(
            "noticeDate",
            "PAST_DATE",
            f"按该通知日期,最后工作日 {last_day} 已过;已发生的记录只能由县政务服务管理办公室更正",
        )
    later = await session.execute(
        select(Assignment.id).where(
            Assignment.staff_id == staff.id, Assignment.start_date > last_day
        )
    )
    if later.first() is not None:
        raise refuse("noticeDate", "FUTURE_ASSIGNMENT", "该人员在最后工作日之后已有分配,请先调整")
    running = await session.execute(
        select(Assignment).where(
            Assignment.staff_id == staff.id,
            (Assignment.end_date.is_(None)) | (Assignment.end_date > last_day),
        )
    )
    for assignment in running.scalars():
        assignment.end_date = last_day
        assignment.ended_by = actor.label
    if staff.status is StaffStatus.SUSPENDED:
        staff.status_before_suspension = StaffStatus.NOTICE_GIVEN
    else:
        staff.status = StaffStatus.NOTICE_GIVEN
    staff.notice_date = notice_date
    staff.last_day = last_day
    staff.separation = Separation.RESIGNED
    audit.record(
        session,
        actor.label,
        "staff.resign",
        "Staff",
        staff.id,
        {"noticeDate": notice_date.isoformat(), "lastDay": last_day.isoformat()},
        note,
    )
    return staff


async def suspend(session: AsyncSession, actor: Actor, staff_id: uuid.UUID, reason: str) -> Staff:
    """暂停: under investigation; cannot be assigned until reinstated."""
    staff = await lock_person(session, staff_id)
    await _require_manage(session, actor, staff, "suspend")
    errors = Collector()
    if not (reason or "").strip():
        errors.add("reason", "REQUIRED", "请填写暂停原因")
    check_length(errors, "reason", reason, REASON_MAX, "原因")
    status = effective_status(staff, today())
    if status is StaffStatus.SUSPENDED:
        errors.add("staffId", "ALREADY_SUSPENDED", f"{staff.name}已处于暂停状态")
    if status is StaffStatus.LEFT:
        errors.add("staffId", "STAFF_LEFT", f"{staff.name}已离岗")
    errors.raise_if_any()
    staff.status_before_suspension = staff.status
    staff.status = StaffStatus.SUSPENDED
    staff.suspension_reason = reason.strip()
    audit.record(session, actor.label, "staff.suspend", "Staff", staff.id, None, reason)
    return staff


async def reinstate(session: AsyncSession, actor: Actor, staff_id: uuid.UUID) -> Staff:
    staff = await lock_person(session, staff_id)
    await _require_manage(session, actor, staff, "suspend")
    if staff.status is not StaffStatus.SUSPENDED:
        raise refuse("staffId", "NOT_SUSPENDED", f"{staff.name}未处于暂停状态")
    staff.status = staff.status_before_suspension or StaffStatus.ACTIVE
    staff.status_before_suspension = None
    staff.suspension_reason = None
    audit.record(session, actor.label, "staff.reinstate", "Staff", staff.id)
    return staff
