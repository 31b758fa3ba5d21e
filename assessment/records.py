"""A person's own record (``me.staff``): their published monthly results, and who may read
them — the person, or whoever reads ``<obj>`` (``assessment``; pay uses ``payroll``) at the
person's site today (a township head for the people of its township and villages)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from assessment.models import AssessmentMonth, AssessmentStatus, MonthlyScore
from assessment.recording import manager_sites
from authz.guard import Actor
from network.access import can

LAST_MAX = 36


async def can_read_record(
    session: AsyncSession, actor: Actor, staff_id: uuid.UUID, on: date, obj: str = "assessment"
) -> bool:
    if actor.tenant_id is None:
        return False
    if actor.staff_id is not None and actor.staff_id == staff_id:
        return True
    for site_id in await manager_sites(session, staff_id, on):
        if await can(session, actor, obj, "read", site_id):
            return True
    return False


async def published_scores(
    session: AsyncSession, staff_ids: Sequence[uuid.UUID], last: int
) -> dict[uuid.UUID, list[tuple[MonthlyScore, date]]]:
    """Each person's ``last`` published months, the latest first."""
    ranked = (
        select(
            MonthlyScore.id,
            AssessmentMonth.month,
            func.row_number()
            .over(partition_by=MonthlyScore.staff_id, order_by=AssessmentMonth.month.desc())
            .label("n"),
        )
        .join(AssessmentMonth, AssessmentMonth.id == MonthlyScore.month_id)
        .where(
            MonthlyScore.staff_id.in_(staff_ids),
            AssessmentMonth.status == AssessmentStatus.PUBLISHED,
        )
        .subquery()
    )
    rows = await session.execute(
        select(MonthlyScore, ranked.c.month)
        .join(ranked, ranked.c.id == MonthlyScore.id)
        .where(ranked.c.n <= last)
        .order_by(ranked.c.month.desc())
    )
    found: dict[uuid.UUID, list[tuple[MonthlyScore, date]]] = {s: [] for s in staff_ids}
    for score, month in rows.all():
        found[score.staff_id].append((score, month))
    return found
