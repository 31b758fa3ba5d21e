"""Reading cases: who may read one, the county's case list, each person's work queue and the
applicant's anonymous progress page.

- ``case:read`` at the case's site or its processing site (or above): the county office,
  supervisors, a township head for its township and villages, a department administrator for
  its sub-centre;
- the people of the case (who received, accepted, decided or issued it) and whoever may act on
  it today (its back office's approvers, its site's front desk).
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import BadRequest, Forbidden
from authz.guard import Actor
from casework import counts
from casework.applicants import lookup_hash
from casework.common import get_site
from casework.deadlines import DeadlineState, county_calendar, due_soon_days, state_condition
from casework.models import Case, CaseStatus, Notice, Route, Window
from casework.people import FRONT_DESK_POSTS, approver_departments, is_approver_for, on_duty
from casework.queue import QUEUE_ORDER, queue_condition
from casework.scopes import in_sites, sites_within
from network.access import can, require
from network.tree import require_county_center
from workforce.models import Post
from workforce.personal import PersonalDataCipher

SEARCH_MAX = 100


async def can_read_case(session: AsyncSession, actor: Actor, case: Case, today: date) -> bool:
    if actor.tenant_id is None or actor.tenant_id != case.tenant_id:
        return False
    people = {case.first_receiver_id, case.accepted_by_id, case.decided_by_id, case.issued_by_id}
    if actor.staff_id is not None and actor.staff_id in people:
        return True
    for site_id in {case.site_id, case.processing_site_id}:
        if await can(session, actor, "case", "read", site_id):
            return True
    duty = await on_duty(session, actor, today)
    if duty is None:
        return False
    if duty.placement.post in FRONT_DESK_POSTS and duty.placement.site_id == case.site_id:
        return True
    return await is_approver_for(
        session,
        duty,
        route_site=case.route is Route.SITE,
        processing_site_id=case.processing_site_id,
        department_id=case.department_id,
    )


async def readable_case(
    session: AsyncSession, actor: Actor, case_id: uuid.UUID, today: date
) -> Case | None:
    """For ``node(id:)``: None when there is no such case, FORBIDDEN when not readable."""
    case = await session.get(Case, case_id)
    if case is None:
        return None
    if not await can_read_case(session, actor, case, today):
        raise Forbidden("case:read", f"case:{case.id}", case.number)
    return case


async def readable_notice(
    session: AsyncSession, actor: Actor, notice_id: uuid.UUID, today: date
) -> Notice | None:
    notice = await session.get(Notice, notice_id)
    if notice is None:
        return None
    if actor.staff_id is not None and actor.staff_id == notice.issued_by_id:
        return notice
    if await can(session, actor, "case", "read", notice.site_id):
        return notice
    duty = await on_duty(session, actor, today)
    if duty is not None and duty.placement.site_id == notice.site_id:
        return notice
    raise Forbidden("case:read", f"notice:{notice.id}", notice.number)


async def readable_window(
    session: AsyncSession, actor: Actor, window_id: uuid.UUID
) -> Window | None:
    """Windows are no secret: any signed-in user of the county reads them."""
    actor.require_tenant_user()
    return await session.get(Window, window_id)


async def _page(
    session: AsyncSession,
    condition: Any,
    order: Sequence[Any],
    offset: int,
    limit: int,
    total: int | None = None,
):
    """A page of the cases matching ``condition`` and their number (``count(*)`` unless the
    caller knows it)."""
    if total is None:
        total = (
            await session.execute(select(func.count()).select_from(Case).where(condition))
        ).scalar_one()
    rows = await session.execute(
        select(Case).where(condition).order_by(*order).offset(offset).limit(limit)
    )
    return list(rows.scalars()), total


async def list_cases(
    session: AsyncSession,
    actor: Actor,
    cipher: PersonalDataCipher,
    today: date,
    *,
    site_id: uuid.UUID | None,
    statuses: Sequence[CaseStatus] | None,
    deadline_state: DeadlineState | None,
    accepted_from: date | None,
    accepted_to: date | None,
    search: str | None,
    offset: int,
    limit: int,
) -> tuple[list[Case], int]:
    """The cases accepted at, or processed by, a site and its subtree (default: the county),
    newest first; ``case:read`` there is required. Filtered by site and status alone, the
    total is the maintained counts' (``casework.counts``); with a date, a deadline state or a
    search it is counted."""
    if site_id is None:
        site_id = (await require_county_center(session)).id
    await require(session, actor, "case", "read", site_id)
    site = await get_site(session, site_id)
    within = await sites_within(session, site)
    conditions: list[Any] = [in_sites(within, Case.site_id, Case.processing_site_id)]
    if statuses:
        conditions.append(Case.status.in_(list(statuses)))
    if deadline_state is not None:
        calendar = await county_calendar(session)
        soon = await due_soon_days(session)
        conditions.append(state_condition(deadline_state, calendar, today, soon))
    if accepted_from is not None:
        conditions.append(Case.accepted_on >= accepted_from)
    if accepted_to is not None:
        conditions.append(Case.accepted_on <= accepted_to)
    text = (search or "").strip()
    if len(text) > SEARCH_MAX:
        raise BadRequest(f"参数 search 不能超过 {SEARCH_MAX} 个字符")
    if text:
        hashed = lookup_hash(cipher, text)
        if hashed is not None:
            conditions.append(Case.applicant_id_hash == hashed)
        else:
            escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            conditions.append(
                or_(
                    Case.number == text,
                    Case.applicant_name.like(f"%{escaped}%", escape="\\"),
                    Case.matter_name.like(f"%{escaped}%", escape="\\"),
                )
            )
    total = None
    if deadline_state is None and accepted_from is None and accepted_to is None and not text:
        # Filtered by site and stored status only: the maintained counts say how many.
        total = await counts.total(session, within, statuses)
    return await _page(
        session, and_(*conditions), (Case.accepted_at.desc(), Case.id), offset, limit, total
    )


async def work_queue(
    session: AsyncSession, actor: Actor, today: date, *, offset: int, limit: int
) -> tuple[list[Case], int]:
    """What the caller may act on today, earliest deadline first (``casework.queue``)."""
    actor.require_tenant_user()
    duty = await on_duty(session, actor, today)
    if duty is None:
        return [], 0
    approver = duty.placement.post is Post.APPROVAL
    if not approver and duty.placement.post not in FRONT_DESK_POSTS:
        return [], 0
    params: dict[str, Any] = {"me": duty.staff.id, "site_id": duty.placement.site_id}
    if approver:
        params["departments"] = await approver_departments(session, duty)
    total = (
        await session.execute(
            select(func.count()).select_from(Case).where(queue_condition(approver)), params
        )
    ).scalar_one()
    rows = await session.execute(
        select(Case)
        .where(queue_condition(approver))
        .order_by(*QUEUE_ORDER)
        .offset(offset)
        .limit(limit),
        params,
    )
    return list(rows.scalars()), total


async def public_case(
    session: AsyncSession, cipher: PersonalDataCipher, number: str, receipt_code: str
) -> Case | None:
    """The case with this number, if ``receipt_code`` is its receipt's (else None: whether the
    number exists is not told)."""
    number = (number or "").strip()
    code = (receipt_code or "").strip().upper()
    if not number or len(number) > 32 or not code or len(code) > 32:
        return None
    case = (await session.execute(select(Case).where(Case.number == number))).scalar_one_or_none()
    if case is None or not hmac.compare_digest(case.receipt_hash, cipher.lookup_hash(code)):
        return None
    return case
