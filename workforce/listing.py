"""Reading the workforce a page at a time: the staff registry (人员名册) by where people work
today, their status on the day (probation and notice end by the calendar) and their name; the
assignments at a site on a day; people by id."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import BadRequest, check_search
from authz.guard import Actor
from network import tree
from network.access import require
from network.models import Site, SiteStatus
from workforce.common import page_of, today
from workforce.models import Assignment, AssignmentKind, Staff, StaffStatus
from workforce.personal import PersonalDataCipher
from workforce.placement import assignments_on, counted, in_force, placing
from workforce.search import search_condition


def status_condition(status: StaffStatus, on: date):
    """SQL for ``effective_status(staff, on) == status`` (probation and notice end by date)."""
    probation_over = and_(Staff.status == StaffStatus.PROBATION, Staff.probation_end < on)
    notice_over = and_(Staff.status == StaffStatus.NOTICE_GIVEN, Staff.last_day < on)
    if status is StaffStatus.ACTIVE:
        return or_(Staff.status == StaffStatus.ACTIVE, probation_over)
    if status is StaffStatus.PROBATION:
        return and_(Staff.status == StaffStatus.PROBATION, ~probation_over)
    if status is StaffStatus.NOTICE_GIVEN:
        return and_(Staff.status == StaffStatus.NOTICE_GIVEN, ~notice_over)
    if status is StaffStatus.LEFT:
        return or_(Staff.status == StaffStatus.LEFT, notice_over)
    return Staff.status == status


async def list_staff(
    session: AsyncSession,
    *,
    site_ids: list[uuid.UUID] | None,
    status: StaffStatus | None,
    search: str | None,
    offset: int,
    limit: int,
    cipher: PersonalDataCipher | None = None,
) -> tuple[list[Staff], int]:
    """Staff ordered by name; ``site_ids`` limits to people whose placement today is there;
    ``search`` (part of a name, its pinyin or initials, or with ``cipher`` a full ID number:
    ``workforce.search``) is at most ``authz.errors.SEARCH_MAX`` characters."""
    check_search(search)
    query = select(Staff)
    if site_ids is not None:
        placed = select(Assignment.staff_id).where(
            Assignment.site_id.in_(site_ids), placing(today())
        )
        regular = select(Assignment.staff_id).where(
            Assignment.site_id.in_(site_ids),
            Assignment.kind == AssignmentKind.REGULAR,
            in_force(Assignment, today()),
        )
        query = query.where(Staff.id.in_(placed) | Staff.id.in_(regular))
    if status is not None:
        query = query.where(status_condition(status, today()))
    if search and search.strip():
        query = query.where(search_condition(search, cipher))
    query = query.order_by(Staff.name, Staff.id)
    return await page_of(session, query, offset=offset, limit=limit)


async def staff_page(
    session: AsyncSession,
    actor: Actor,
    *,
    site_id: uuid.UUID | None,
    status: StaffStatus | None,
    search: str | None,
    offset: int,
    limit: int,
    cipher: PersonalDataCipher | None = None,
) -> tuple[list[Staff], int]:
    """人员名册 for a reader: placed today at ``site_id`` or below (``staff:read`` there), or
    the whole county (``staff:read`` at the county centre) when no site is given."""
    if site_id is not None:
        site = await session.get(Site, site_id)
        if site is None:
            raise BadRequest("场所不存在", "INVALID_ID")
    else:
        site = await tree.require_county_center(session)
    await require(session, actor, "staff", "read", site.id, site.official_name)
    scope = await tree.subtree_ids(session, site.id) if site_id is not None else None
    return await list_staff(
        session,
        site_ids=scope,
        status=status,
        search=search,
        offset=offset,
        limit=limit,
        cipher=cipher,
    )


async def staff_by_id(
    session: AsyncSession, staff_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Staff]:
    rows = await session.execute(select(Staff).where(Staff.id.in_(staff_ids)))
    return {staff.id: staff for staff in rows.scalars()}


async def assignments_at(
    session: AsyncSession,
    actor: Actor,
    site_id: uuid.UUID,
    on: date | None,
    *,
    offset: int,
    limit: int,
) -> tuple[list[tuple[Assignment, Staff]], int]:
    """``assignments_on`` for a reader with ``staff:read`` at the site (``on`` default today)."""
    await require(session, actor, "staff", "read", site_id)
    return await assignments_on(session, site_id, on or today(), offset=offset, limit=limit)


async def unstaffed_sites(
    session: AsyncSession, actor: Actor, *, offset: int, limit: int
) -> tuple[list[Site], int]:
    """Open sites where nobody counts today (000: the window closes when its one person is ill
    — a suspended person does not count), by level and division code; county-wide readers
    (``staff:read`` at the county centre)."""
    root = await tree.require_county_center(session)
    await require(session, actor, "staff", "read", root.id, root.official_name)
    staffed = (
        select(Assignment.site_id)
        .join(Staff, Staff.id == Assignment.staff_id)
        .where(placing(today()), counted())
    )
    query = (
        select(Site)
        .where(Site.status == SiteStatus.OPEN, Site.id.not_in(staffed))
        .order_by(Site.level, Site.division_code, Site.name, Site.id)
    )
    return await page_of(session, query, offset=offset, limit=limit)
