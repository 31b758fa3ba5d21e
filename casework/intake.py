"""前台综合受理: intake at a window (``acceptCase``) and the one-time notice of what is missing
(``notifyMissing``, 一次性告知).

Intake is allowed at an open COMPREHENSIVE or DEDICATED window of a site where the caller works
today in a front-desk post (``casework.people``) and where the matter is accepted (the site's
effective catalog of the latest release: ``acceptedHere``, delegations included). A
comprehensive window takes the matters the catalog marks for the comprehensive window; a
dedicated window only the matters listed on it.

Materials are checked against the matter's list (after the site's waivers): every required
material must be received, deferred (容缺: non-key ones only, due ``deferral_working_days``
later) or replaced by a signed commitment (告知承诺: the proofs the policy marks replaceable).
Anything else missing refuses the intake with MISSING_MATERIALS, which points to
``notifyMissing``. 首问负责: the first receiver is who issued the applicant's earlier notice
for the matter, else the person accepting.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from casework import counts, intake_rows, materials, numbers
from casework.applicants import ApplicantData, check_applicant, store_applicant
from casework.appointments import check_in, mark_checked_in
from casework.common import clean_items, clean_text, core_rows, get_site, get_window, local_day
from casework.deadlines import county_calendar, limit_for, start_clock
from casework.events import new_event
from casework.models import (
    Case,
    CaseStatus,
    Channel,
    EventKind,
    Notice,
    Window,
    WindowKind,
    WindowStatus,
)
from casework.people import require_front_desk_post
from casework.policy import policy_from
from casework.routing import route_case
from catalog.effective import (
    CatalogVersion,
    catalog_version,
    effective_catalog,
    release_data,
    version_from,
)
from catalog.models import HandlingKind
from network.models import Site
from tenants import audit, counters, prepared, rows
from tenants.base import utcnow
from tenants.context import session_tenant
from tenants.errors import Collector, refuse
from tenants.models import Tenant
from workforce.models import Staff
from workforce.personal import PersonalDataCipher


@dataclass
class NewCase:
    window_id: uuid.UUID
    matter_code: str
    applicant: ApplicantData | None
    channel: Channel = Channel.COUNTER
    received: list[str] = field(default_factory=list)
    deferred: list[str] = field(default_factory=list)
    commitment: bool = False
    appointment_id: uuid.UUID | None = None
    note: str | None = None


@dataclass
class NewNotice:
    window_id: uuid.UUID
    matter_code: str
    applicant: ApplicantData | None
    missing: list[str] = field(default_factory=list)
    note: str | None = None


@dataclass(frozen=True)
class Accepted:
    case: Case
    receipt_code: str  # shown once, on the receipt; only its keyed hash is kept
    site: Site  # where it was accepted, as read by the intake
    clerk: Staff | None  # who accepted it (the caller's record), as read by the intake


_WINDOW_SITE_AND_CLERK = (
    select(Window, Site, Staff)
    .join(Site, Site.id == Window.site_id)
    .outerjoin(
        Staff, and_(Staff.id == bindparam("staff_id"), Staff.tenant_id == bindparam("tenant_id"))
    )
    .where(
        Window.id == bindparam("window_id"),
        Window.tenant_id == bindparam("tenant_id"),
        Site.tenant_id == bindparam("tenant_id"),
    )
)


async def _intake_window(
    session: AsyncSession, actor: Actor, window_id: uuid.UUID, now: datetime, action: str
) -> tuple[Window, Site, Staff | None]:
    # The window with its site and the caller's record: one statement, built once, naming
    # the county itself (the ORM's tenant filter would rebuild it on every execution); the
    # rows stay in the session.
    found = (
        await session.execute(
            _WINDOW_SITE_AND_CLERK,
            {
                "window_id": window_id,
                "staff_id": actor.staff_id,
                "tenant_id": session_tenant(session),
            },
            execution_options={"all_tenants": True},
        )
    ).first()
    if found is None:
        window = await get_window(session, window_id)  # NOT_FOUND under windowId
        site = await get_site(session, window.site_id, "windowId")
        clerk = None
    else:
        window, site, clerk = found
    await require_front_desk_post(session, actor, site, local_day(now), action)
    if window.status is not WindowStatus.OPEN:
        raise refuse("windowId", "WINDOW_CLOSED", f"{window.number} 号窗口已关闭")
    if window.kind not in (WindowKind.COMPREHENSIVE, WindowKind.DEDICATED):
        raise refuse(
            "windowId",
            "WINDOW_CANNOT_ACCEPT",
            f"{window.number} 号窗口不是受理窗口(综合窗口或专窗)",
        )
    return window, site, clerk


async def _matter_entry(
    session: AsyncSession,
    errors: Collector,
    site: Site,
    window: Window,
    code: str,
    known: CatalogVersion | None = None,
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The matter's effective entry at the site and its county definition, if it may be
    accepted at this window; otherwise an error under ``matterCode``."""
    code = (code or "").strip()
    if not code or len(code) > 64:
        errors.add("matterCode", "REQUIRED", "请填写事项编码")
        return None
    version = await catalog_version(session, known)
    folded = await effective_catalog(session, site.tenant_id, site.id, version=version)
    entry = folded.by_code.get(code)
    if entry is None or not entry["acceptedHere"]:
        errors.add("matterCode", "NOT_ACCEPTED_HERE", f"「{site.name}」不受理事项 {code}")
        return None
    if window.kind is WindowKind.DEDICATED and code not in (window.matter_codes or []):
        errors.add(
            "matterCode", "NOT_AT_THIS_WINDOW", f"{window.number} 号专窗不受理「{entry['name']}」"
        )
        return None
    if window.kind is WindowKind.COMPREHENSIVE and not entry["comprehensiveWindow"]:
        errors.add(
            "matterCode",
            "NOT_AT_COMPREHENSIVE_WINDOW",
            f"「{entry['name']}」未进综合窗口,请到专窗办理",
        )
        return None
    data = await release_data(session, site.tenant_id, version.release)
    return entry, data.by_code[code]


@dataclass(frozen=True)
class _County:
    code: str
    settings: dict[str, Any] | None
    catalog: CatalogVersion | None


_TENANTS = Tenant.__table__
# The county's code (for numbers), settings (for the policy) and counters (the catalog's
# version), in one statement built once per set of counters, naming the county itself.
_COUNTY = counters.WithCounters(
    lambda: select(_TENANTS.c.code, _TENANTS.c.settings, *counters.columns(_TENANTS.c.id)).where(
        _TENANTS.c.id == bindparam("tenant_id")
    )
)


async def _county(session: AsyncSession, tenant_id: uuid.UUID) -> _County:
    names, statement = _COUNTY.get()
    (row,) = await core_rows(session, statement, {"tenant_id": tenant_id})
    known = dict(zip(names, row[2:], strict=True))
    return _County(code=row[0], settings=row[1], catalog=version_from(known))


async def accept_case(
    session: AsyncSession, actor: Actor, cipher: PersonalDataCipher, data: NewCase, now: datetime
) -> Accepted:
    """受理: a new case, numbered, routed to its back office, with its due date."""
    today = local_day(now)
    window, site, clerk = await _intake_window(session, actor, data.window_id, now, "case:accept")
    staff_id = actor.staff_id
    assert staff_id is not None
    errors = Collector()
    applicant = check_applicant(errors, data.applicant, today)
    received = clean_items(errors, "received", data.received, "已收材料")
    deferred = clean_items(errors, "deferred", data.deferred, "容缺材料")
    note = clean_text(errors, "note", data.note, "备注")
    appointment = None
    if data.appointment_id is not None:
        appointment = await check_in(
            session, errors, data.appointment_id, site.id, data.matter_code, today
        )
    county = await _county(session, site.tenant_id)
    found = await _matter_entry(session, errors, site, window, data.matter_code, county.catalog)
    policy = policy_from(county.settings)
    committed: list[str] = []
    if found is not None:
        committed = materials.check_materials(
            errors, found[0], policy, received, deferred, data.commitment
        )
    errors.raise_if_any()
    assert applicant is not None and found is not None
    entry, matter = found

    calendar = await county_calendar(session)
    route, processing_site_id = await route_case(session, site, entry, matter)
    receipt = numbers.receipt_code()
    case = Case(
        id=uuid.uuid4(),
        receipt_hash=cipher.lookup_hash(receipt),
        site_id=site.id,
        window_id=window.id,
        matter_code=entry["code"],
        matter_name=entry["name"],
        department_id=uuid.UUID(matter["departmentId"]),
        handling_kind=HandlingKind(entry["handlingKind"]),
        limit_days=limit_for(HandlingKind(entry["handlingKind"]), entry["promisedLimitDays"]),
        channel=data.channel,
        received=received,
        deferred=deferred,
        deferred_due=(
            calendar.add_working_days(today, int(policy["deferral_working_days"]))
            if deferred
            else None
        ),
        commitment=bool(data.commitment),
        committed=committed,
        note=note,
        appointment_id=appointment.id if appointment is not None else None,
        first_receiver_id=staff_id,
        status=CaseStatus.ACCEPTED,
        accepted_at=now,
        accepted_on=today,
        accepted_by_id=staff_id,
        route=route,
        processing_site_id=processing_site_id,
        supplement_items=[],
    )
    store_applicant(case, cipher, applicant)
    notice = await _earlier_notice(
        session, site.tenant_id, case.applicant_id_hash, case.matter_code
    )
    if notice is not None:
        case.notice_id, case.first_receiver_id = notice
    start_clock(case, calendar, today)

    # Last, the rows every intake shares, each locked until the commit and in the order every
    # writer takes them: the site's counts, then the county's (the day's sequence for the
    # number, the audit chain's head). Nothing is read from here on.
    case.tenant_id = site.tenant_id
    case.created_at = case.updated_at = written = utcnow()  # as the flush's defaults
    await counts.case_added(session, case)
    connection = await prepared.session_connection(session)
    sequence, link = await intake_rows.number_and_link(connection, site.tenant_id, today)
    case.number = numbers.case_number_of(county.code, today, sequence)
    event = new_event(
        case,
        1,
        EventKind.ACCEPTED,
        None,
        CaseStatus.ACCEPTED,
        actor,
        now,
        note,
        {
            "window": window.number,
            "received": received,
            "deferred": deferred,
            "committed": committed,
            "route": route.value,
            "processingSite": str(processing_site_id),
        },
    )
    trail = audit.linked_row(
        site.tenant_id,
        link,
        at=written,
        actor_label=actor.label,
        action="case.accept",
        object_type="Case",
        object_id=case.id,
        detail={"number": case.number, "matter": case.matter_code, "site": str(site.id)},
    )
    await intake_rows.write(connection, rows.values_of(case), rows.values_of(event), trail)
    if appointment is not None:
        await mark_checked_in(session, appointment, case.id)  # names the case: after it
    return Accepted(case, receipt, site, clerk)


# Built once: the applicant's latest notice for the matter that no case has answered yet (each
# of the applicant's notices is looked up in ``ix_casework_cases_notice``: a ``NOT IN`` over the
# county's answered cases would read them all).
_EARLIER_NOTICE = (
    select(Notice.id, Notice.issued_by_id)
    .where(
        Notice.tenant_id == bindparam("tenant_id"),
        Notice.applicant_id_hash == bindparam("applicant_hash"),
        Notice.matter_code == bindparam("matter_code"),
        ~exists().where(Case.notice_id == Notice.id, Case.tenant_id == bindparam("tenant_id")),
    )
    .order_by(Notice.issued_at.desc())
    .limit(1)
)


async def _earlier_notice(
    session: AsyncSession, tenant_id: uuid.UUID, applicant_hash: str, matter_code: str
) -> tuple[uuid.UUID, uuid.UUID] | None:
    """(id, issued by) of the applicant's latest unanswered notice for the matter."""
    rows = await core_rows(
        session,
        _EARLIER_NOTICE,
        {"tenant_id": tenant_id, "applicant_hash": applicant_hash, "matter_code": matter_code},
    )
    return (rows[0][0], rows[0][1]) if rows else None


async def notify_missing(
    session: AsyncSession,
    actor: Actor,
    cipher: PersonalDataCipher,
    data: NewNotice,
    now: datetime,
) -> Notice:
    """一次性告知: one numbered notice listing everything missing for the matter."""
    today = local_day(now)
    window, site, _clerk = await _intake_window(session, actor, data.window_id, now, "case:notify")
    staff_id = actor.staff_id
    assert staff_id is not None
    errors = Collector()
    applicant = check_applicant(errors, data.applicant, today)
    missing = clean_items(errors, "missing", data.missing, "缺少的材料", required=True)
    note = clean_text(errors, "note", data.note, "说明")
    county = await _county(session, site.tenant_id)
    found = await _matter_entry(session, errors, site, window, data.matter_code, county.catalog)
    errors.raise_if_any()
    assert applicant is not None and found is not None
    entry, _matter = found
    notice = Notice(
        id=uuid.uuid4(),
        number=await numbers.notice_number(session, county.code, today),
        site_id=site.id,
        window_id=window.id,
        matter_code=entry["code"],
        matter_name=entry["name"],
        missing=missing,
        note=note,
        issued_at=now,
        issued_on=today,
        issued_by_id=staff_id,
    )
    store_applicant(notice, cipher, applicant)
    session.add(notice)
    audit.record(
        session,
        actor.label,
        "case.notify_missing",
        "Notice",
        notice.id,
        {"number": notice.number, "matter": notice.matter_code, "missing": missing},
    )
    return notice
