"""What is in force on a day (人员分配 as the day sees them).

Rule of the day boundary: both ``start_date`` and ``end_date`` are inclusive (``end_date`` is the
last day worked there). In force on ``D``: ``start_date <= D <= end_date`` (no end: open).

What counts where on a day (``Site.staffCount``, ``assignmentsOn``): a person's TEMPORARY_COVER
in force wins over everything else, then a VILLAGE_DISPATCH, then the REGULAR assignment. So a
person covering a colleague counts at the cover site for exactly the cover's days. A suspended
person (under investigation) is placed but does not count (``staff_counts``, ``staffed_sites``).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from network.models import Site
from network.service import require_site
from network.tree import require_county_center
from tenants.values import group_by
from workforce.common import today
from workforce.models import Assignment, AssignmentKind, Staff, StaffStatus

OVERLAYS = (AssignmentKind.TEMPORARY_COVER, AssignmentKind.VILLAGE_DISPATCH)


def in_force(model, on: date):
    """SQL condition: the assignment row ``model`` is in force on ``on`` (both ends inclusive;
    a cancelled one never is)."""
    return and_(
        model.cancelled_at.is_(None),
        model.start_date <= on,
        or_(model.end_date.is_(None), model.end_date >= on),
    )


def overlaps(model, start: date, end: date | None):
    """SQL condition: ``[start, end]`` (inclusive, ``None`` = open) meets the row's period
    (a cancelled row meets nothing)."""
    conditions = [
        model.cancelled_at.is_(None),
        or_(model.end_date.is_(None), model.end_date >= start),
    ]
    if end is not None:
        conditions.append(model.start_date <= end)
    return and_(*conditions)


@lru_cache(maxsize=8)
def placing(on: date, tenant: ColumnElement[Any] | None = None):
    """SQL condition: the ``Assignment`` row is the one that places its person on ``on``.

    Kept per day (SQL expressions are immutable): building the alias and its two ``EXISTS``
    anew was a tenth of a site page's server time. ``tenant`` (a bound parameter) restricts
    the person's other assignments to the county too, for statements run outside the ORM's
    tenant filter (``api.planned``).
    """
    other = aliased(Assignment)
    same_person_in_force = and_(other.staff_id == Assignment.staff_id, in_force(other, on))
    if tenant is not None:
        same_person_in_force = and_(same_person_in_force, other.tenant_id == tenant)
    any_overlay = exists().where(same_person_in_force, other.kind.in_(OVERLAYS))
    cover = exists().where(same_person_in_force, other.kind == AssignmentKind.TEMPORARY_COVER)
    return and_(
        in_force(Assignment, on),
        or_(
            Assignment.kind == AssignmentKind.TEMPORARY_COVER,
            and_(Assignment.kind == AssignmentKind.VILLAGE_DISPATCH, ~cover),
            and_(Assignment.kind == AssignmentKind.REGULAR, ~any_overlay),
        ),
    )


async def assignments_on(
    session: AsyncSession, site_id: uuid.UUID, on: date, *, offset: int, limit: int
) -> tuple[list[tuple[Assignment, Staff]], int]:
    """The assignments that place people at ``site_id`` on ``on``, with their staff."""
    condition = and_(Assignment.site_id == site_id, placing(on))
    total = (
        await session.execute(select(func.count()).select_from(Assignment).where(condition))
    ).scalar_one()
    rows = await session.execute(
        select(Assignment, Staff)
        .join(Staff, Staff.id == Assignment.staff_id)
        .where(condition)
        .order_by(Assignment.post, Staff.name, Assignment.id)
        .offset(offset)
        .limit(limit)
    )
    return [(a, s) for a, s in rows.all()], total


async def staff_counts(
    session: AsyncSession, site_ids: Sequence[uuid.UUID], on: date | None = None
) -> dict[uuid.UUID, int]:
    """在岗人数: people placed at each site on ``on`` (default today)."""
    if not site_ids:
        return {}
    on = on or today()
    rows = await session.execute(
        select(Assignment.site_id, func.count(func.distinct(Assignment.staff_id)))
        .join(Staff, Staff.id == Assignment.staff_id)
        .where(Assignment.site_id.in_(site_ids), placing(on), counted())
        .group_by(Assignment.site_id)
    )
    counts = dict(rows.all())
    return {sid: counts.get(sid, 0) for sid in site_ids}


def counted():
    """SQL condition on the joined ``Staff``: the person counts where placed (a suspended one,
    under investigation, does not: the window is as good as closed without them)."""
    return Staff.status != StaffStatus.SUSPENDED


async def staffed_sites(
    session: AsyncSession, site_ids: Sequence[uuid.UUID] | None = None, on: date | None = None
) -> set[uuid.UUID]:
    """The sites (of ``site_ids``; all when None) where someone counts on ``on`` (default
    today): the others have nobody to serve a citizen that day."""
    query = (
        select(Assignment.site_id)
        .join(Staff, Staff.id == Assignment.staff_id)
        .where(placing(on or today()), counted())
        .distinct()
    )
    if site_ids is not None:
        query = query.where(Assignment.site_id.in_(site_ids))
    return set((await session.execute(query)).scalars())


async def people_to_move(session: AsyncSession, site_id: uuid.UUID) -> list[str]:
    """Who is assigned at the site today or from a later day (names, sorted): a site is not
    closed under them (``network.staffing``)."""
    on = today()
    rows = await session.execute(
        select(Staff.name)
        .join(Assignment, Assignment.staff_id == Staff.id)
        .where(
            Assignment.site_id == site_id,
            Assignment.cancelled_at.is_(None),
            or_(Assignment.end_date.is_(None), Assignment.end_date >= on),
        )
        .distinct()
        .order_by(Staff.name)
    )
    return list(rows.scalars())


async def placements(
    session: AsyncSession, staff_ids: Sequence[uuid.UUID], on: date
) -> dict[uuid.UUID, Assignment]:
    """Each person's placing assignment on ``on`` (absent: not placed anywhere)."""
    if not staff_ids:
        return {}
    rows = await session.execute(
        select(Assignment).where(Assignment.staff_id.in_(staff_ids), placing(on))
    )
    return {a.staff_id: a for a in rows.scalars()}


async def in_force_for(
    session: AsyncSession, staff_id: uuid.UUID, on: date, kinds: Sequence[AssignmentKind]
) -> list[Assignment]:
    rows = await session.execute(
        select(Assignment)
        .where(
            Assignment.staff_id == staff_id, Assignment.kind.in_(kinds), in_force(Assignment, on)
        )
        .order_by(Assignment.start_date)
    )
    return list(rows.scalars())


async def regular_on(session: AsyncSession, staff_id: uuid.UUID, on: date) -> Assignment | None:
    found = await in_force_for(session, staff_id, on, [AssignmentKind.REGULAR])
    return found[0] if found else None


async def home_site(session: AsyncSession, staff_id: uuid.UUID, on: date) -> Site:
    """Where the person's regular assignment places them on ``on``; the county centre (the
    pool) for someone not placed — the site at which managing them is checked."""
    regular = await regular_on(session, staff_id, on)
    if regular is None:
        return await require_county_center(session)
    return await require_site(session, regular.site_id)


async def history(
    session: AsyncSession, staff_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[Assignment]]:
    """Every assignment of each person (past ones too, cancelled ones not), by start date."""
    rows = await session.execute(
        select(Assignment)
        .where(Assignment.staff_id.in_(staff_ids), Assignment.cancelled_at.is_(None))
        .order_by(Assignment.start_date, Assignment.created_at)
    )
    return group_by(staff_ids, rows.scalars(), lambda a: a.staff_id)
