"""调配令 (redeployment orders): the county office moves several people at once.

All moves apply or none: every move is checked (and applied inside the one transaction); any
refusal names the move (``moves[2].toSiteId``) and the transaction is rolled back.

An order takes effect today or later (PAST_DATE otherwise). What it ends or cancels is kept
(``OrderEffect``) with the values before, so that ``revoke_order`` — before the effective
date — cancels the order's own assignments and restores the others exactly as they were.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from network.access import require
from network.models import Site
from tenants import audit
from tenants.base import utcnow
from tenants.errors import Collector, check_length, refuse
from tenants.values import group_by
from workforce.assignments import Effect, check_not_past, place
from workforce.common import (
    check_date,
    grouped_rows,
    lock_staff,
    page_of,
    require_at_county,
    today,
)
from workforce.models import (
    Assignment,
    AssignmentKind,
    OrderEffect,
    Post,
    RedeploymentMove,
    RedeploymentOrder,
)
from workforce.placement import regular_on

MAX_MOVES = 200
REASON_MAX = 500


@dataclass
class Move:
    staff_id: uuid.UUID | None
    to_site_id: uuid.UUID | None
    post: Post
    # Set when the client sent an ID that does not decode (reported per move).
    bad_staff_id: bool = False
    bad_site_id: bool = False


async def redeploy(
    session: AsyncSession,
    actor: Actor,
    *,
    effective_date: date,
    reason: str,
    moves: Sequence[Move],
) -> RedeploymentOrder:
    actor.require_tenant_user()
    errors = Collector()
    if not (reason or "").strip():
        errors.add("reason", "REQUIRED", "请填写调配原因")
    check_length(errors, "reason", reason, REASON_MAX, "调配原因")
    if check_date(errors, "effectiveDate", effective_date, "生效日期"):
        check_not_past(errors, {"start": "effectiveDate"}, effective_date, None, today())
    if not moves:
        errors.add("moves", "REQUIRED", "调配令至少包含一项调动")
    if len(moves) > MAX_MOVES:
        errors.add("moves", "TOO_MANY", f"一次调配最多 {MAX_MOVES} 人")
    errors.raise_if_any()

    staff_ids = [m.staff_id for m in moves if m.staff_id]
    site_ids = [m.to_site_id for m in moves if m.to_site_id]
    # Everyone the order moves is locked at once, before any check of their posts: another
    # order (or assignment) for one of them waits for this one, then sees its moves.
    people = await lock_staff(session, staff_ids)
    sites = {
        s.id: s
        for s in (await session.execute(select(Site).where(Site.id.in_(site_ids)))).scalars()
    }
    order = RedeploymentOrder(
        id=uuid.uuid4(),
        effective_date=effective_date,
        reason=reason.strip(),
        issued_by=actor.label,
        issued_by_user_id=actor.user_id,
    )
    session.add(order)
    await session.flush()

    seen: set[uuid.UUID] = set()
    effects: list[Effect] = []
    for index, move in enumerate(moves):
        prefix = f"moves[{index}]"
        staff = people.get(move.staff_id) if move.staff_id else None
        site = sites.get(move.to_site_id) if move.to_site_id else None
        if staff is None:
            code = "INVALID_ID" if move.bad_staff_id else "NOT_FOUND"
            errors.add(f"{prefix}.staffId", code, f"第 {index + 1} 项:人员不存在")
        if site is None:
            code = "INVALID_ID" if move.bad_site_id else "NOT_FOUND"
            errors.add(f"{prefix}.toSiteId", code, f"第 {index + 1} 项:目标场所不存在")
        if staff is None or site is None:
            continue
        if staff.id in seen:
            errors.add(
                f"{prefix}.staffId",
                "DUPLICATE_MOVE",
                f"第 {index + 1} 项:{staff.name}在本调配令中出现了不止一次",
            )
            continue
        seen.add(staff.id)
        await require(session, actor, "staff", "redeploy", site.id, site.official_name)
        current = await regular_on(session, staff.id, effective_date)
        if current is not None and current.site_id != site.id:
            from_site = await session.get(Site, current.site_id)
            await require(
                session,
                actor,
                "staff",
                "redeploy",
                current.site_id,
                from_site.official_name if from_site else None,
            )
        move_errors = Collector()
        assignment = await place(
            session,
            actor.label,
            move_errors,
            staff,
            site,
            post=move.post,
            kind=AssignmentKind.REGULAR,
            start=effective_date,
            end=None,
            reason=reason.strip(),
            order_id=order.id,
            effects=effects,
            replace_same_day=True,
            fields={
                "staff": f"{prefix}.staffId",
                "site": f"{prefix}.toSiteId",
                "post": f"{prefix}.post",
                "start": f"{prefix}.staffId",
                "end": f"{prefix}.staffId",
            },
        )
        for e in move_errors.errors:
            errors.add(e.field, e.code, f"第 {index + 1} 项:{e.message}")
        if assignment is None:
            continue
        session.add(
            RedeploymentMove(
                order_id=order.id,
                position=index,
                staff_id=staff.id,
                from_site_id=current.site_id if current else None,
                to_site_id=site.id,
                post=move.post,
                assignment_id=assignment.id,
            )
        )
    errors.raise_if_any()
    for effect in effects:
        session.add(
            OrderEffect(
                order_id=order.id,
                assignment_id=effect.assignment.id,
                cancelled=effect.cancelled,
                previous_end_date=effect.previous_end,
                previous_ended_by=effect.previous_ended_by,
            )
        )
    audit.record(
        session,
        actor.label,
        "staff.redeploy",
        "RedeploymentOrder",
        order.id,
        {"effectiveDate": effective_date.isoformat(), "moves": len(moves)},
        reason,
    )
    return order


async def revoke_order(
    session: AsyncSession, actor: Actor, order_id: uuid.UUID, reason: str
) -> RedeploymentOrder:
    """撤销调配令 before its effective date: the order's assignments are cancelled (kept as a
    record), what it ended or cancelled is restored exactly; the order stays, revoked, with its
    moves, which no longer show in the people's records. Refused once another change to these
    people has built on the order (REVOKE_BLOCKED): undo that first."""
    order = await session.get(RedeploymentOrder, order_id)
    if order is None:
        raise refuse("orderId", "NOT_FOUND", "调配令不存在")
    await require_at_county(session, actor, "staff", "redeploy")
    errors = Collector()
    if not (reason or "").strip():
        errors.add("reason", "REQUIRED", "请填写撤销原因")
    check_length(errors, "reason", reason, REASON_MAX, "撤销原因")
    errors.raise_if_any()
    moves = (
        await session.execute(select(RedeploymentMove).where(RedeploymentMove.order_id == order.id))
    ).scalars()
    people = sorted({move.staff_id for move in moves})
    await lock_staff(session, people)
    await session.refresh(order)
    if order.revoked_at is not None:
        raise refuse("orderId", "ALREADY_REVOKED", "该调配令已撤销")
    if order.effective_date <= today():
        raise refuse(
            "orderId",
            "ALREADY_EFFECTIVE",
            f"调配令已于 {order.effective_date} 生效,只能撤销尚未生效的调配令",
        )
    made = list(
        (
            await session.execute(
                select(Assignment)
                .where(Assignment.order_id == order.id, Assignment.cancelled_at.is_(None))
                .execution_options(populate_existing=True)
            )
        ).scalars()
    )
    made_ids = {a.id for a in made}
    later = await session.execute(
        select(Assignment.id).where(
            Assignment.staff_id.in_(people),
            Assignment.cancelled_at.is_(None),
            Assignment.id.not_in(made_ids) if made_ids else Assignment.id.is_not(None),
            or_(Assignment.order_id.is_(None), Assignment.order_id != order.id),
            Assignment.start_date >= order.effective_date,
        )
    )
    touched = any(a.ended_by is not None for a in made)
    if later.first() is not None or touched:
        raise refuse(
            "orderId",
            "REVOKE_BLOCKED",
            "调配令涉及的人员此后已有新的分配或变动,请先撤销或更正那些变动",
        )
    effects = list(
        (
            await session.execute(
                select(OrderEffect).where(OrderEffect.order_id == order.id).order_by(OrderEffect.id)
            )
        ).scalars()
    )
    stamp = utcnow()
    for assignment in made:
        assignment.cancelled_at = stamp
        assignment.cancelled_by = actor.label
    # Cancel first: PostgreSQL checks the exclusion constraint at every statement.
    await session.flush()
    for effect in effects:
        before = await session.get(Assignment, effect.assignment_id)
        if before is None:
            continue
        if effect.cancelled:
            before.cancelled_at = None
            before.cancelled_by = None
        else:
            before.end_date = effect.previous_end_date
            before.ended_by = effect.previous_ended_by
    order.revoked_at = stamp
    order.revoked_by = actor.label
    order.revoked_by_user_id = actor.user_id
    order.revoke_reason = reason.strip()
    await session.flush()
    audit.record(
        session,
        actor.label,
        "staff.redeploy_revoke",
        "RedeploymentOrder",
        order.id,
        {
            "effectiveDate": order.effective_date.isoformat(),
            "cancelled": sorted(str(a.id) for a in made),
            "restored": sorted(str(e.assignment_id) for e in effects),
        },
        reason,
    )
    return order


async def moves_of(
    session: AsyncSession, order_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[RedeploymentMove]]:
    """Each order's moves, in the order's own order."""
    return await grouped_rows(
        session, RedeploymentMove.order_id, order_ids, RedeploymentMove.position
    )


async def moves_of_staff(
    session: AsyncSession, staff_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[RedeploymentMove]]:
    """Each person's moves in redeployment orders, by the orders' effective date."""
    rows = await session.execute(
        select(RedeploymentMove)
        .join(RedeploymentOrder, RedeploymentOrder.id == RedeploymentMove.order_id)
        .where(RedeploymentMove.staff_id.in_(staff_ids), RedeploymentOrder.revoked_at.is_(None))
        .order_by(RedeploymentOrder.effective_date)
    )
    return group_by(staff_ids, rows.scalars(), lambda move: move.staff_id)


async def orders_by_id(
    session: AsyncSession, order_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, RedeploymentOrder]:
    rows = await session.execute(
        select(RedeploymentOrder).where(RedeploymentOrder.id.in_(order_ids))
    )
    return {order.id: order for order in rows.scalars()}


async def require_read_orders(session: AsyncSession, actor: Actor) -> None:
    """Orders are county-wide: read with ``staff:read`` at the county centre."""
    await require_at_county(session, actor, "staff", "read")


async def readable_order(
    session: AsyncSession, actor: Actor, order_id: uuid.UUID
) -> RedeploymentOrder | None:
    await require_read_orders(session, actor)
    return await session.get(RedeploymentOrder, order_id)


async def list_orders(
    session: AsyncSession, actor: Actor, *, offset: int, limit: int
) -> tuple[list[RedeploymentOrder], int]:
    """The county's orders, latest first."""
    await require_read_orders(session, actor)
    query = select(RedeploymentOrder).order_by(
        RedeploymentOrder.effective_date.desc(), RedeploymentOrder.created_at.desc()
    )
    return await page_of(session, query, offset=offset, limit=limit)
