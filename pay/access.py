"""Who reads pay: county-wide, ``payroll:read`` at the county centre (the county office, the
supervisor); a site's people, ``payroll:read`` at that site (a township head for its township
and villages, a department administrator for its sub-centre); a person's own slips, the person.
Running, approving and exporting are the county office's (``payroll:<act>`` at the centre)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from network import tree
from network.access import require
from network.tree import require_county_center
from pay.models import PayLine, Payroll, PayrollStatus
from workforce.common import require_at_county


async def require_county(session: AsyncSession, actor: Actor, act: str) -> None:
    await require_at_county(session, actor, "payroll", act)


async def read_scope(session: AsyncSession, actor: Actor, site_id: uuid.UUID | None):
    """The sites whose lines the caller reads (None: the whole county), checked."""
    if site_id is None:
        root = await require_county_center(session)
        await require(session, actor, "payroll", "read", root.id, root.official_name)
        return None
    await require(session, actor, "payroll", "read", site_id)
    return tree.subtree_ids_query(site_id)


async def approved_slips(
    session: AsyncSession, staff_ids: Sequence[uuid.UUID], last: int
) -> dict[uuid.UUID, list[tuple[PayLine, date]]]:
    """Each person's ``last`` slips of approved payrolls, the latest first."""
    ranked = (
        select(
            PayLine.id,
            func.row_number()
            .over(partition_by=PayLine.staff_id, order_by=PayLine.month.desc())
            .label("n"),
        )
        .join(Payroll, Payroll.id == PayLine.payroll_id)
        .where(PayLine.staff_id.in_(staff_ids), Payroll.status == PayrollStatus.APPROVED)
        .subquery()
    )
    rows = await session.execute(
        select(PayLine)
        .join(ranked, ranked.c.id == PayLine.id)
        .where(ranked.c.n <= last)
        .order_by(PayLine.month.desc())
    )
    found: dict[uuid.UUID, list[tuple[PayLine, date]]] = {s: [] for s in staff_ids}
    for line in rows.scalars():
        found[line.staff_id].append((line, line.month))
    return found
