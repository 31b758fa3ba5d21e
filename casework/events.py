"""全程留痕 of a case: one ``CaseEvent`` per step (who, when, what, from → to)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from casework.models import Case, CaseEvent, CaseStatus, EventKind
from tenants.values import group_by


async def record_event(
    session: AsyncSession,
    case: Case,
    kind: EventKind,
    from_status: CaseStatus | None,
    to_status: CaseStatus,
    actor: Actor,
    at: datetime,
    note: str | None = None,
    detail: dict[str, Any] | None = None,
    *,
    first: bool = False,
) -> CaseEvent:
    """Append a step; its number follows the case's last one (the case's row is locked by the
    status change that precedes every step but the first). ``first``: the case is new, its
    first step needs no look-up."""
    last = (
        0
        if first
        else await session.scalar(
            select(func.max(CaseEvent.step)).where(CaseEvent.case_id == case.id)
        )
    )
    event = new_event(case, (last or 0) + 1, kind, from_status, to_status, actor, at, note, detail)
    session.add(event)
    return event


def new_event(
    case: Case,
    step: int,
    kind: EventKind,
    from_status: CaseStatus | None,
    to_status: CaseStatus,
    actor: Actor,
    at: datetime,
    note: str | None = None,
    detail: dict[str, Any] | None = None,
) -> CaseEvent:
    """The case's step number ``step``, not yet in any session."""
    return CaseEvent(
        id=uuid.uuid4(),
        tenant_id=case.tenant_id,
        case_id=case.id,
        step=step,
        at=at,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        actor_staff_id=actor.staff_id,
        actor_label=actor.label,
        note=note,
        detail=detail,
    )


async def events_of(
    session: AsyncSession, case_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[CaseEvent]]:
    """Each case's steps, oldest first."""
    rows = await session.execute(
        select(CaseEvent).where(CaseEvent.case_id.in_(case_ids)).order_by(CaseEvent.step)
    )
    return group_by(list(case_ids), rows.scalars(), lambda e: e.case_id)
