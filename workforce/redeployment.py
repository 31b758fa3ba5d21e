"""调配令 (redeployment orders): the county office moves several people at once.

All moves apply or none: every move is checked (and applied inside the one transaction); any
refusal names the move (``moves[2].toSiteId``) and the transaction is rolled back.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from network.access import require
from network.models import Site
from tenants import audit
from tenants.errors import Collector, check_length
from tenants.values import group_by
from workforce.assignments import place, regular_on
from workforce.common import check_date, grouped_rows, lock_staff, page_of, require_at_county
from workforce.models import (
    AssignmentKind,
    Post,
    RedeploymentMove,
    RedeploymentOrder,
)

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
    check_date(errors, "effectiveDate", effective_date, "生效日期")
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
        .where(RedeploymentMove.staff_id.in_(staff_ids))
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
