"""限时办结预警: each day, the running cases turning DUE_SOON or OVERDUE are told to the site's
manager (its MANAGEMENT placement or head, else the nearest one above) and to the supervisors.

One ``DeadlineAlert`` per case, state, due date and recipient: the rows are inserted with
``ON CONFLICT DO NOTHING`` on that key, so running the job twice — or a killed worker's retry —
records nothing twice, and a case whose due date moved (a supplement, the county's calendar)
is told again for its new date. The cases are found by the same SQL as the case list's
deadline filter (``deadlines.state_condition``, index ``ix_casework_cases_tenant_status_due``).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import and_, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from casework.complaints import choose_tracker
from casework.deadlines import DeadlineState, county_calendar, due_soon_days, state_condition
from casework.models import AlertRecipient, Case, DeadlineAlert
from casework.scopes import readable_subtrees
from network.models import Site
from tenants.context import session_tenant

ALERTED = (DeadlineState.DUE_SOON, DeadlineState.OVERDUE)


async def record_alerts(session: AsyncSession, today: date) -> int:
    """Record today's alerts of the session's county; how many rows were new."""
    tenant_id = session_tenant(session)
    if tenant_id is None:
        raise RuntimeError("alerts are recorded inside a county")
    calendar = await county_calendar(session)
    soon = await due_soon_days(session)
    found: list[tuple[uuid.UUID, uuid.UUID, date, DeadlineState]] = []
    for state in ALERTED:
        rows = await session.execute(
            select(Case.id, Case.site_id, Case.due_date).where(
                state_condition(state, calendar, today, soon)
            )
        )
        found.extend((case_id, site_id, due, state) for case_id, site_id, due in rows.all())
    managers: dict[uuid.UUID, uuid.UUID | None] = {}
    for site_id in sorted({site_id for _c, site_id, _d, _s in found}):
        site = await session.get(Site, site_id)
        manager = await choose_tracker(session, site, today) if site is not None else None
        managers[site_id] = manager.id if manager is not None else None
    values = []
    for case_id, site_id, due, state in found:
        for recipient, staff_id in (
            (AlertRecipient.MANAGER, managers[site_id]),
            (AlertRecipient.SUPERVISOR, None),
        ):
            values.append(
                {
                    "id": uuid.uuid4(),
                    "tenant_id": tenant_id,
                    "case_id": case_id,
                    "site_id": site_id,
                    "state": state.value,
                    "due_date": due,
                    "recipient": recipient,
                    "recipient_staff_id": staff_id,
                    "alerted_on": today,
                }
            )
    if not values:
        return 0
    # One statement compiled once and sent in pages (SQLAlchemy's "insertmanyvalues": 1,000
    # rows a page, well under asyncpg's 32,767 parameters). A multi-row VALUES built per call
    # took seconds to compile for a few thousand rows.
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    table = DeadlineAlert.__table__
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["case_id", "state", "due_date", "recipient"])
        .returning(table.c.id)
    )
    added = len((await session.execute(statement, values)).all())
    return added


async def alerts_for(
    session: AsyncSession, actor: Actor, *, offset: int, limit: int
) -> tuple[list[DeadlineAlert], int]:
    """The caller's alerts: those addressed to them as a site's manager, and — for whoever
    reads cases county-wide or in a subtree (supervisors, the county office, a township head) —
    the supervisors' alerts of those sites. Newest first."""
    mine = (
        and_(
            DeadlineAlert.recipient == AlertRecipient.MANAGER,
            DeadlineAlert.recipient_staff_id == actor.staff_id,
        )
        if actor.staff_id is not None
        else None
    )
    within = await readable_subtrees(session, actor, "case", "read")
    overseen = (
        and_(
            DeadlineAlert.recipient == AlertRecipient.SUPERVISOR,
            DeadlineAlert.site_id.in_(within),
        )
        if within is not None
        else None
    )
    parts = [p for p in (mine, overseen) if p is not None]
    if not parts:
        return [], 0
    condition = parts[0] if len(parts) == 1 else parts[0] | parts[1]
    total = (
        await session.execute(select(func.count()).select_from(DeadlineAlert).where(condition))
    ).scalar_one()
    rows = await session.execute(
        select(DeadlineAlert)
        .where(condition)
        .order_by(DeadlineAlert.alerted_on.desc(), DeadlineAlert.due_date, DeadlineAlert.id)
        .offset(offset)
        .limit(limit)
    )
    return list(rows.scalars()), total
