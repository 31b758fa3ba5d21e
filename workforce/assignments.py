"""人员分配: making, ending and superseding effective-dated assignments (what is in force on a
day is ``workforce.placement``'s).

History is a record: an assignment made or ended through ``assign_staff``, ``end_assignment``
or a redeployment may not start or end before today (PAST_DATE), and never ends before it
starts; a past mistake is put right by the county office's ``corrections.correct_assignment``
(reason required, audited with the old and new values). Hiring and the roster import record
people as they already are, so their first assignment may start on a past hire date. A
redeployment effective on the very day the person's regular assignment starts (hired this
morning to the wrong village) replaces it: the old one is cancelled (kept as a record,
``cancelled_at``, taking part in nothing); another order's move is never overridden (OVERLAP:
revoke that order first).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from network.access import require
from network.models import Site, SiteLevel, SiteStatus
from network.service import require_site
from tenants import audit
from tenants.base import utcnow
from tenants.errors import Collector, check_length, refuse
from workforce.common import (
    check_date,
    effective_status,
    lock_person,
    lock_staff,
    today,
    workforce_policy,
)
from workforce.models import Assignment, AssignmentKind, Post, Staff, StaffStatus
from workforce.placement import home_site, overlaps, regular_on
from workforce.posts import check_post

REASON_MAX = 500
CORRECTION = ",已发生的记录只能由县政务服务管理办公室更正"
KIND_LABEL = {
    AssignmentKind.REGULAR: "常驻岗位",
    AssignmentKind.TEMPORARY_COVER: "临时顶岗",
    AssignmentKind.VILLAGE_DISPATCH: "派驻村(社区)",
}


@dataclass
class Effect:
    """What placing an assignment did to another one: ended it (``previous_end`` before) or
    cancelled it (it began the same day); a redeployment keeps these to be revoked."""

    assignment: Assignment
    cancelled: bool
    previous_end: date | None
    previous_ended_by: str | None


@dataclass
class NewAssignment:
    staff_id: uuid.UUID
    site_id: uuid.UUID
    post: Post
    kind: AssignmentKind
    start_date: date
    end_date: date | None = None
    reason: str | None = None


def _object_for(kind: AssignmentKind) -> tuple[str, str]:
    """REGULAR: ``staff:assign``; TEMPORARY_COVER: ``staff:cover``; VILLAGE_DISPATCH:
    ``staff:dispatch`` — checked at the target site and where the person works (001 §四(二)1:
    a township moves its own staff between its centre and villages, not the county's)."""
    if kind is AssignmentKind.VILLAGE_DISPATCH:
        return "staff", "dispatch"
    if kind is AssignmentKind.TEMPORARY_COVER:
        return "staff", "cover"
    return "staff", "assign"


async def require_over_person(
    session: AsyncSession, actor: Actor, obj: str, act: str, staff: Staff, on: date
) -> None:
    """``obj:act`` where the person's regular post is on ``on`` (the county centre for someone
    of the pool without one): only who manages where they work moves them."""
    site = await home_site(session, staff.id, on)
    await require(session, actor, obj, act, site.id, site.official_name)


def check_not_past(
    errors: Collector, fields: dict[str, str], start: date, end: date | None, on: date
) -> None:
    """History is a record: nothing starts or ends before ``on`` (today) but by correction."""
    if start < on:
        errors.add(
            fields["start"], "PAST_DATE", f"生效日期不能早于今天({on}),历史记录只能由县级更正"
        )
    if end is not None and end < on:
        errors.add(fields["end"], "PAST_DATE", f"结束日期不能早于今天({on}){CORRECTION}")


async def place(
    session: AsyncSession,
    actor_label: str,
    errors: Collector,
    staff: Staff,
    site: Site,
    *,
    post: Post,
    kind: AssignmentKind,
    start: date,
    end: date | None,
    reason: str | None,
    fields: dict[str, str],
    order_id: uuid.UUID | None = None,
    not_before: date | None = None,
    effects: list[Effect] | None = None,
    replace_same_day: bool = False,
) -> Assignment | None:
    """Check one assignment against every rule; add it (closing what it supersedes) if valid.

    Refusals go to ``errors`` under the names in ``fields`` (keys: staff, site, post, start,
    end) so that a redeployment can name the move. Returns None when refused. ``not_before``
    (today, for every change but a hire or a correction) refuses a start or end before it;
    ``effects`` collects what the new assignment ended or cancelled; ``replace_same_day`` (a
    redeployment) replaces an assignment that starts on the same day and came from no order.

    The caller holds the person's lock (``common.lock_staff``, taken before ``staff`` was read),
    or made the person in this transaction: the checks below read the person's assignments, and
    a concurrent change to them must wait until this transaction ends. On PostgreSQL the
    exclusion constraint ``ex_staff_assignments_no_overlap`` stands behind the checks.
    """
    before = len(errors.errors)
    check_date(errors, fields["start"], start, "生效日期")
    check_date(errors, fields["end"], end, "结束日期")
    if len(errors.errors) > before:
        return None
    if not_before is not None:
        check_not_past(errors, fields, start, end, not_before)
    policy = await workforce_policy(session)
    check_post(errors, fields["post"], staff, post, policy)
    status = effective_status(staff, start)
    if status in (StaffStatus.LEFT, StaffStatus.SUSPENDED):
        label = "已离岗" if status is StaffStatus.LEFT else "正在接受调查(暂停)"
        errors.add(fields["staff"], "STAFF_NOT_ASSIGNABLE", f"{staff.name}{label},不能分配岗位")
    if site.status is SiteStatus.CLOSED:
        errors.add(fields["site"], "SITE_CLOSED", f"「{site.name}」已撤销,不能接收人员")
    if start < staff.hire_date:
        errors.add(fields["start"], "BEFORE_HIRE", "生效日期不能早于入职日期")
    if end is not None and end < start:
        errors.add(fields["end"], "INVALID_DATES", "结束日期不能早于开始日期(两端均含当日)")
    if staff.last_day is not None and status is StaffStatus.NOTICE_GIVEN:
        if start > staff.last_day:
            errors.add(
                fields["start"], "AFTER_LAST_DAY", f"{staff.name}的最后工作日为 {staff.last_day}"
            )
        elif end is None or end > staff.last_day:
            end = staff.last_day
    if kind is AssignmentKind.TEMPORARY_COVER:
        max_days = int(policy["temporary_cover_max_days"])
        if end is None:
            errors.add(fields["end"], "COVER_NEEDS_END", "临时顶岗必须有结束日期")
        elif (end - start).days + 1 > max_days:
            errors.add(fields["end"], "COVER_TOO_LONG", f"临时顶岗最长 {max_days} 天")
    if kind is AssignmentKind.VILLAGE_DISPATCH:
        regular = await regular_on(session, staff.id, start)
        if site.level is not SiteLevel.VILLAGE_STATION:
            errors.add(fields["site"], "DISPATCH_NOT_VILLAGE", "派驻只能派往村(社区)便民服务站")
        elif regular is None or regular.site_id != site.parent_id:
            errors.add(
                fields["staff"],
                "DISPATCH_NOT_OWN_TOWNSHIP",
                f"{staff.name}不在「{site.name}」所属镇(街道)便民服务中心常驻,不能派驻",
            )
        elif regular.end_date is not None and (end is None or end > regular.end_date):
            # A dispatch follows the regular post it is made from: it ends with it (a move
            # away already ordered ends the dispatch as a later move would).
            end = regular.end_date
    if len(errors.errors) > before:
        return None

    await _supersede(
        session,
        actor_label,
        errors,
        staff,
        site,
        post,
        kind,
        start,
        end,
        fields,
        effects,
        replace_same_day,
    )
    if len(errors.errors) > before:
        return None
    assignment = Assignment(
        id=uuid.uuid4(),
        staff_id=staff.id,
        site_id=site.id,
        post=post,
        kind=kind,
        start_date=start,
        end_date=end,
        reason=reason,
        order_id=order_id,
        created_by=actor_label,
    )
    session.add(assignment)
    await session.flush()
    return assignment


async def _supersede(
    session: AsyncSession,
    actor_label: str,
    errors: Collector,
    staff: Staff,
    site: Site,
    post: Post,
    kind: AssignmentKind,
    start: date,
    end: date | None,
    fields: dict[str, str],
    effects: list[Effect] | None,
    replace_same_day: bool,
) -> None:
    """A REGULAR (or VILLAGE_DISPATCH) assignment closes the same kind's one in force the day
    before ``start``, and replaces (cancels) one that starts on ``start`` itself; anything else
    of that kind in the new period is an overlap."""
    done: list[Effect] = effects if effects is not None else []
    rows = await session.execute(
        select(Assignment)
        .where(
            Assignment.staff_id == staff.id,
            Assignment.kind == kind,
            overlaps(Assignment, start, end),
        )
        .order_by(Assignment.start_date)
    )
    clashing = list(rows.scalars())
    label = KIND_LABEL[kind]
    closable: list[Assignment] = []
    replaced: list[Assignment] = []
    for current in clashing:
        if current.start_date <= start and current.site_id == site.id and current.post == post:
            errors.add(
                fields["site"],
                "NO_CHANGE",
                f"{staff.name}在「{site.name}」已是该岗位的{label},无需重复分配",
            )
            return
        if kind is not AssignmentKind.TEMPORARY_COVER and current.start_date < start:
            closable.append(current)  # superseded: it ends the day before
            continue
        if (
            replace_same_day
            and kind is AssignmentKind.REGULAR
            and current.start_date == start
            and current.order_id is None
        ):
            # Placed for the same first day (hired this morning to the wrong village): the
            # order replaces it. Another order's move is revoked first, never overridden.
            replaced.append(current)
            continue
        errors.add(
            fields["start"],
            "OVERLAP",
            f"{staff.name}自 {current.start_date} 起已有{label}分配,与所选期间重叠",
        )
        return
    for current in closable:
        done.append(Effect(current, False, current.end_date, current.ended_by))
        current.end_date = start - timedelta(days=1)
        current.ended_by = actor_label
    for current in replaced:
        done.append(Effect(current, True, current.end_date, current.ended_by))
        current.cancelled_at = utcnow()
        current.cancelled_by = actor_label
    if kind is AssignmentKind.REGULAR and closable:
        # A township's dispatch follows its regular post: moving away ends the dispatch.
        dispatches = await session.execute(
            select(Assignment).where(
                Assignment.staff_id == staff.id,
                Assignment.kind == AssignmentKind.VILLAGE_DISPATCH,
                overlaps(Assignment, start, None),
                Assignment.start_date < start,
            )
        )
        for dispatch in dispatches.scalars():
            done.append(Effect(dispatch, False, dispatch.end_date, dispatch.ended_by))
            dispatch.end_date = start - timedelta(days=1)
            dispatch.ended_by = actor_label


async def assign_staff(session: AsyncSession, actor: Actor, data: NewAssignment) -> Assignment:
    """分配岗位: by who holds the kind's permission both at the target site and where the
    person works (the county office anywhere; a township head, with the default policy,
    within its township and villages; a department administrator within its sub-centre)."""
    staff = await lock_person(session, data.staff_id)
    site = await require_site(session, data.site_id)
    obj, act = _object_for(data.kind)
    await require(session, actor, obj, act, site.id, site.official_name)
    await require_over_person(session, actor, obj, act, staff, max(data.start_date, today()))
    errors = Collector()
    check_length(errors, "reason", data.reason, REASON_MAX, "原因")
    errors.raise_if_any()
    assignment = await place(
        session,
        actor.label,
        errors,
        staff,
        site,
        post=data.post,
        kind=data.kind,
        start=data.start_date,
        end=data.end_date,
        reason=data.reason,
        fields={
            "staff": "staffId",
            "site": "siteId",
            "post": "post",
            "start": "startDate",
            "end": "endDate",
        },
        not_before=today(),
    )
    errors.raise_if_any()
    assert assignment is not None
    audit.record(
        session,
        actor.label,
        "staff.assign",
        "Staff",
        staff.id,
        {
            "site": str(site.id),
            "post": data.post.value,
            "kind": data.kind.value,
            "start": data.start_date.isoformat(),
            "end": assignment.end_date.isoformat() if assignment.end_date else None,
        },
        data.reason,
    )
    return assignment


async def end_assignment(
    session: AsyncSession, actor: Actor, assignment_id: uuid.UUID, end_date: date
) -> Assignment:
    """提前结束 a cover, a dispatch or a regular post (history stays: only ``end_date`` moves)."""
    assignment = await session.get(Assignment, assignment_id)
    if assignment is None:
        raise refuse("assignmentId", "NOT_FOUND", "分配记录不存在")
    # The person's lock first, then the row as the last change to the person left it.
    await lock_staff(session, [assignment.staff_id])
    await session.refresh(assignment)
    site = await require_site(session, assignment.site_id)
    obj, act = _object_for(assignment.kind)
    await require(session, actor, obj, act, site.id, site.official_name)
    errors = Collector()
    if assignment.cancelled_at is not None:
        raise refuse("assignmentId", "CANCELLED", "该分配已撤销")
    if not check_date(errors, "endDate", end_date, "结束日期"):
        errors.raise_if_any()
    if end_date < assignment.start_date:
        raise refuse(
            "endDate",
            "INVALID_DATES",
            "结束日期不能早于开始日期;尚未开始的分配请由县级更正(correctAssignment)",
        )
    if end_date < today():
        raise refuse(
            "endDate", "PAST_DATE", f"结束日期不能早于今天({today()}),历史记录只能由县级更正"
        )
    if assignment.end_date is not None and end_date >= assignment.end_date:
        raise refuse("endDate", "NOT_EARLIER", f"该分配已于 {assignment.end_date} 结束")
    assignment.end_date = end_date
    assignment.ended_by = actor.label
    audit.record(
        session,
        actor.label,
        "staff.assignment_end",
        "Assignment",
        assignment.id,
        {"end": end_date.isoformat()},
    )
    return assignment
