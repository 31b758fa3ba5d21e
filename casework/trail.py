"""全程留痕, read: the county's audit trail and the check of its hash chain
(``tenants.audit``), for the county office and the supervisors (``audit:read`` at the county
centre)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from sqlalchemy import and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from network.access import require
from network.tree import require_county_center
from tenants.audit_hash import ChainReport, verify_chain
from tenants.models import AuditEvent

# ``Actor.label``: "username(user id)"; anything else (the applicant, the system) names nobody.
LABEL_USER = re.compile(r"\(([0-9a-fA-F-]{36})\)$")


def actor_user_id(label: str) -> uuid.UUID | None:
    found = LABEL_USER.search(label or "")
    if found is None:
        return None
    try:
        return uuid.UUID(found.group(1))
    except ValueError:
        return None


async def require_audit_reader(session: AsyncSession, actor: Actor) -> None:
    county = await require_county_center(session)
    await require(session, actor, "audit", "read", county.id, county.name)


async def trail(
    session: AsyncSession,
    actor: Actor,
    *,
    subject_id: uuid.UUID | None,
    since: datetime | None,
    until: datetime | None,
    offset: int,
    limit: int,
) -> tuple[list[AuditEvent], int]:
    """The county's audit events, newest first, about one subject and within a time."""
    await require_audit_reader(session, actor)
    conditions = []
    if subject_id is not None:
        conditions.append(AuditEvent.object_id == str(subject_id))
    if since is not None:
        conditions.append(AuditEvent.at >= since)
    if until is not None:
        conditions.append(AuditEvent.at <= until)
    condition = and_(true(), *conditions)
    total = (
        await session.execute(select(func.count()).select_from(AuditEvent).where(condition))
    ).scalar_one()
    rows = await session.execute(
        select(AuditEvent)
        .where(condition)
        .order_by(AuditEvent.seq.desc())
        .offset(offset)
        .limit(limit)
    )
    return list(rows.scalars()), total


async def readable_event(
    session: AsyncSession, actor: Actor, event_id: uuid.UUID
) -> AuditEvent | None:
    event = await session.get(AuditEvent, event_id)
    if event is not None:
        await require_audit_reader(session, actor)
    return event


async def chain(session: AsyncSession, actor: Actor) -> ChainReport:
    """Recompute the county's chain (every row, oldest first)."""
    await require_audit_reader(session, actor)
    return await verify_chain(session)
