"""After intake: 补正 (supplement), the decision, the issue of the result, withdrawal.

Separation of duties (受理不审批、审批不出件, 004), checked here for every case:
- who accepted a case never asks for its supplement nor decides it;
- who decided a case never issues it.
(Accepting and issuing one case is allowed: both are the front desk's.)

Every status change is one conditional UPDATE (``WHERE status = <the status read>``): of two
concurrent decisions only one changes the row; the other gets STATUS_CHANGED and changes
nothing. Each step leaves a ``CaseEvent``, moves the case between the maintained counts
(``casework.counts``) and leaves an audit record, in that order and last: the count rows are
shared by every case of the site and the audit chain's head by every change in the county, so
they are locked as late as possible, always in the same order (count rows, then the head,
whose row is written by the flush right before the commit).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import Forbidden
from authz.guard import Actor
from casework import counts
from casework.common import clean_items, clean_text, get_case, get_site, get_window, local_day
from casework.deadlines import (
    county_calendar,
    decided_values,
    restarted_values,
    stopped_values,
)
from casework.events import record_event
from casework.models import (
    DECIDED_STATUSES,
    OPEN_STATUSES,
    Case,
    CaseStatus,
    Delivery,
    EventKind,
    Route,
    WindowKind,
    WindowStatus,
)
from casework.people import is_approver_for, on_duty, require_front_desk
from tenants import audit
from tenants.errors import Collector, refuse

TRACKING_RE = re.compile(r"^[0-9A-Za-z-]{6,40}$")
TITLE_MAX = 200
OPINION_MAX = 2000

STATUS_LABEL = {
    CaseStatus.ACCEPTED: "已受理",
    CaseStatus.AWAITING_SUPPLEMENT: "待补正",
    CaseStatus.APPROVED: "已准予",
    CaseStatus.REFUSED: "已不予",
    CaseStatus.ISSUED: "已出件",
    CaseStatus.WITHDRAWN: "已撤回",
}


def _wrong_status(case: Case, what: str) -> Exception:
    return refuse("caseId", "INVALID_STATUS", f"办件{STATUS_LABEL[case.status]},不能{what}")


async def transition(
    session: AsyncSession,
    case: Case,
    expected: tuple[CaseStatus, ...],
    values: dict[str, Any],
) -> CaseStatus:
    """Change the case only if its status is still the one read, which must be one of
    ``expected`` (one UPDATE); the object is refreshed from the row. Returns the status it
    had: exactly the one the change moved it from (the event says so); the maintained counts
    (``casework.counts``) move with it."""
    before = case.status
    if before not in expected:
        raise refuse("caseId", "STATUS_CHANGED", "办件状态已被他人改变,请刷新后重试")
    result = await session.execute(
        update(Case)
        .where(Case.id == case.id, Case.status == before)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise refuse("caseId", "STATUS_CHANGED", "办件状态已被他人改变,请刷新后重试")
    await session.refresh(case)
    await counts.status_changed(session, case, before, case.status)
    return before


async def _require_approver(
    session: AsyncSession, actor: Actor, case: Case, now: datetime, action: str
) -> uuid.UUID:
    """The caller is an approver of the case's back office today; returns their staff id."""
    actor.require_tenant_user()
    duty = await on_duty(session, actor, local_day(now))
    if not await is_approver_for(
        session,
        duty,
        route_site=case.route is Route.SITE,
        processing_site_id=case.processing_site_id,
        department_id=case.department_id,
    ):
        site = await get_site(session, case.processing_site_id)
        where = f"{site.official_name}(须为该办件审批部门的审批人员)"
        raise Forbidden(action, f"site:{site.id}", where)
    assert duty is not None
    if duty.staff.id == case.accepted_by_id:
        raise refuse("caseId", "SEPARATION_OF_DUTIES", "受理人不得审批本件(受理不审批)")
    return duty.staff.id


async def request_supplement(
    session: AsyncSession,
    actor: Actor,
    case_id: uuid.UUID,
    items: list[str],
    note: str | None,
    now: datetime,
) -> Case:
    """补正告知: the back office asks for more; the deadline clock stops."""
    case = await get_case(session, case_id)
    await _require_approver(session, actor, case, now, "case:supplement")
    errors = Collector()
    wanted = clean_items(errors, "items", items, "补正内容", required=True)
    text = clean_text(errors, "note", note, "说明")
    errors.raise_if_any()
    if case.status is not CaseStatus.ACCEPTED:
        raise _wrong_status(case, "要求补正")
    today = local_day(now)
    calendar = await county_calendar(session)
    values = stopped_values(case, calendar, today)
    await transition(
        session,
        case,
        (CaseStatus.ACCEPTED,),
        {**values, "status": CaseStatus.AWAITING_SUPPLEMENT, "supplement_items": wanted},
    )
    await record_event(
        session,
        case,
        EventKind.SUPPLEMENT_REQUESTED,
        CaseStatus.ACCEPTED,
        CaseStatus.AWAITING_SUPPLEMENT,
        actor,
        now,
        text,
        {"items": wanted, "daysUsed": case.days_used},
    )
    audit.record(
        session, actor.label, "case.request_supplement", "Case", case.id, {"items": wanted}
    )
    return case


async def receive_supplement(
    session: AsyncSession, actor: Actor, case_id: uuid.UUID, items: list[str], now: datetime
) -> Case:
    """收到补正材料 (the clock restarts), or deferred (容缺) materials handed in later.

    By the front desk of the case's site or an approver of its back office. A supplement is
    received whole: every requested item at once.
    """
    case = await get_case(session, case_id)
    today = local_day(now)
    duty = await on_duty(session, actor, today)
    approver = await is_approver_for(
        session,
        duty,
        route_site=case.route is Route.SITE,
        processing_site_id=case.processing_site_id,
        department_id=case.department_id,
    )
    if not approver:
        site = await get_site(session, case.site_id)
        await require_front_desk(session, actor, site, today, "case:receive")
    errors = Collector()
    given = clean_items(errors, "items", items, "收到的材料", required=True)
    errors.raise_if_any()
    if case.status not in (CaseStatus.ACCEPTED, CaseStatus.AWAITING_SUPPLEMENT, *DECIDED_STATUSES):
        raise _wrong_status(case, "收取材料")
    awaiting = case.status is CaseStatus.AWAITING_SUPPLEMENT
    expected = set(case.deferred) | (set(case.supplement_items) if awaiting else set())
    for i, name in enumerate(given):
        if name not in expected:
            errors.add(f"items[{i}]", "NOT_EXPECTED", f"「{name}」不是本件待补正或容缺的材料")
    if awaiting:
        lacking = [n for n in case.supplement_items if n not in given]
        if lacking:
            errors.add(
                "items", "SUPPLEMENT_INCOMPLETE", f"补正材料须一次收齐,尚缺:{'、'.join(lacking)}"
            )
    errors.raise_if_any()
    values: dict[str, Any] = {
        "received": case.received + [n for n in given if n not in case.received],
        "deferred": [n for n in case.deferred if n not in given],
    }
    before = case.status
    if awaiting:
        calendar = await county_calendar(session)
        values.update(restarted_values(case, calendar, today))
        values.update(status=CaseStatus.ACCEPTED, supplement_items=[])
    await transition(session, case, (before,), values)
    await record_event(
        session,
        case,
        EventKind.SUPPLEMENT_RECEIVED if awaiting else EventKind.MATERIALS_RECEIVED,
        before,
        case.status,
        actor,
        now,
        None,
        {"items": given},
    )
    audit.record(session, actor.label, "case.receive", "Case", case.id, {"items": given})
    return case


async def decide_case(
    session: AsyncSession,
    actor: Actor,
    case_id: uuid.UUID,
    approve: bool,
    opinion: str | None,
    result_title: str | None,
    now: datetime,
) -> Case:
    """审批: approve, or refuse with an opinion (the written decision is issued too)."""
    case = await get_case(session, case_id)
    staff_id = await _require_approver(session, actor, case, now, "case:decide")
    errors = Collector()
    text = (opinion or "").strip() or None
    if text is not None and len(text) > OPINION_MAX:
        errors.add("opinion", "TOO_LONG", f"审批意见不能超过 {OPINION_MAX} 个字符")
    if not approve and text is None:
        errors.add("opinion", "OPINION_REQUIRED", "不予批准须写明理由(审批意见)")
    title = (result_title or "").strip() or None
    if title is not None and len(title) > TITLE_MAX:
        errors.add("resultTitle", "TOO_LONG", f"结果名称不能超过 {TITLE_MAX} 个字符")
    errors.raise_if_any()
    if case.status is CaseStatus.AWAITING_SUPPLEMENT:
        raise refuse("caseId", "SUPPLEMENT_PENDING", "办件正在等待补正,收到补正材料后才能审批")
    if case.status is not CaseStatus.ACCEPTED:
        raise _wrong_status(case, "审批")
    today = local_day(now)
    calendar = await county_calendar(session)
    status = CaseStatus.APPROVED if approve else CaseStatus.REFUSED
    await transition(
        session,
        case,
        (CaseStatus.ACCEPTED,),
        {
            **decided_values(case, calendar, today),
            "status": status,
            "decided_at": now,
            "decided_on": today,
            "decided_by_id": staff_id,
            "opinion": text,
            "result_title": title,
        },
    )
    await record_event(
        session,
        case,
        EventKind.APPROVED if approve else EventKind.REFUSED,
        CaseStatus.ACCEPTED,
        status,
        actor,
        now,
        text,
    )
    await counts.case_decided(session, case)
    audit.record(
        session, actor.label, "case.decide", "Case", case.id, {"status": status.value}, text
    )
    return case


async def issue_result(
    session: AsyncSession,
    actor: Actor,
    case_id: uuid.UUID,
    window_id: uuid.UUID,
    delivery: Delivery,
    tracking_number: str | None,
    now: datetime,
) -> Case:
    """统一窗口出件: at an ISSUE window of the case's site, at the counter or by free mail."""
    case = await get_case(session, case_id)
    window = await get_window(session, window_id)
    site = await get_site(session, window.site_id, "windowId")
    staff = await require_front_desk(session, actor, site, local_day(now), "case:issue")
    if staff.id == case.decided_by_id:
        raise refuse("caseId", "SEPARATION_OF_DUTIES", "审批人不得为本件出件(审批不出件)")
    errors = Collector()
    if window.kind is not WindowKind.ISSUE:
        errors.add("windowId", "NOT_ISSUE_WINDOW", f"{window.number} 号窗口不是出件窗口")
    elif window.status is not WindowStatus.OPEN:
        errors.add("windowId", "WINDOW_CLOSED", f"{window.number} 号窗口已关闭")
    elif window.site_id != case.site_id:
        errors.add("windowId", "WRONG_SITE", "须在受理该办件的场所出件")
    tracking = (tracking_number or "").strip() or None
    if delivery is Delivery.MAIL:
        if tracking is None:
            errors.add("trackingNumber", "TRACKING_REQUIRED", "邮寄送达须填写运单号")
        elif not TRACKING_RE.match(tracking):
            errors.add("trackingNumber", "INVALID_TRACKING", "运单号为 6–40 位字母、数字或连字符")
    elif tracking is not None:
        errors.add("trackingNumber", "NOT_MAILED", "窗口领取无需运单号")
    errors.raise_if_any()
    if case.status not in DECIDED_STATUSES:
        raise _wrong_status(case, "出件")
    if case.status is CaseStatus.APPROVED and case.deferred:
        raise refuse(
            "caseId",
            "DEFERRED_OUTSTANDING",
            f"容缺材料尚未补齐:{'、'.join(case.deferred)},补齐后方可出件",
        )
    before = case.status
    await transition(
        session,
        case,
        (before,),
        {
            "status": CaseStatus.ISSUED,
            "issued_at": now,
            "issued_by_id": staff.id,
            "issue_window_id": window.id,
            "delivery": delivery,
            "tracking_number": tracking,
        },
    )
    await record_event(
        session,
        case,
        EventKind.ISSUED,
        before,
        CaseStatus.ISSUED,
        actor,
        now,
        None,
        {"window": window.number, "delivery": delivery.value, "tracking": tracking},
    )
    await counts.case_issued(session, case, local_day(now))
    audit.record(session, actor.label, "case.issue", "Case", case.id, {"delivery": delivery.value})
    return case


async def withdraw_case(
    session: AsyncSession, actor: Actor, case_id: uuid.UUID, reason: str | None, now: datetime
) -> Case:
    """撤回: at the applicant's request, before a decision, recorded by the site's front desk."""
    case = await get_case(session, case_id)
    site = await get_site(session, case.site_id)
    await require_front_desk(session, actor, site, local_day(now), "case:withdraw")
    errors = Collector()
    text = clean_text(errors, "reason", reason, "撤回原因")
    errors.raise_if_any()
    if case.status not in OPEN_STATUSES:
        raise _wrong_status(case, "撤回(已作出决定的办件不能撤回)")
    before = await transition(
        session,
        case,
        OPEN_STATUSES,
        {"status": CaseStatus.WITHDRAWN, "withdrawn_at": now, "withdraw_reason": text},
    )
    await record_event(
        session, case, EventKind.WITHDRAWN, before, CaseStatus.WITHDRAWN, actor, now, text
    )
    audit.record(session, actor.label, "case.withdraw", "Case", case.id, None, text)
    return case
