"""Who is assessed in a month: the county's window staff (front-desk posts, DOMAIN §7 — not the
approvers, civil servants graded elsewhere) in service on at least one day of it, and the site
each belongs to for the month (where they were placed on their last day of it)."""

from __future__ import annotations

import calendar
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from workforce.models import Post, Staff, StaffStatus
from workforce.placement import placements

FRONT_DESK_POSTS = frozenset(
    {Post.CONSULTATION, Post.GUIDANCE, Post.AGENCY, Post.ONLINE, Post.INTAKE, Post.ISSUE}
)


def month_end(month: date) -> date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@dataclass(frozen=True)
class Person:
    id: uuid.UUID
    name: str
    hire_date: date
    last_day: date | None
    status: StaffStatus
    probation_end: date | None
    education: str
    suspended: bool


def is_window_staff(posts: list[str] | None) -> bool:
    return any(p in FRONT_DESK_POSTS for p in posts or ())


async def in_service(session: AsyncSession, first: date, last: date) -> list[Person]:
    """Window staff in service on some day of ``first``…``last``, by hire date then id."""
    rows = await session.execute(
        select(
            Staff.id,
            Staff.name,
            Staff.hire_date,
            Staff.last_day,
            Staff.status,
            Staff.probation_end,
            Staff.education,
            Staff.posts,
        )
        .where(
            Staff.hire_date <= last,
            or_(Staff.last_day.is_(None), Staff.last_day >= first),
            # Someone marked LEFT without a last day left before anything we score.
            or_(Staff.status != StaffStatus.LEFT, Staff.last_day.is_not(None)),
        )
        .order_by(Staff.hire_date, Staff.id)
    )
    return [
        Person(
            r.id,
            r.name,
            r.hire_date,
            r.last_day,
            r.status,
            r.probation_end,
            r.education,
            r.status is StaffStatus.SUSPENDED,
        )
        for r in rows.all()
        if is_window_staff(r.posts)
    ]


async def sites_for_month(
    session: AsyncSession, people: list[Person], last: date
) -> dict[uuid.UUID, uuid.UUID]:
    """Each person's site for the month: where they were placed on their last day of it."""
    by_day: dict[date, list[uuid.UUID]] = defaultdict(list)
    for p in people:
        by_day[min(last, p.last_day) if p.last_day else last].append(p.id)
    sites: dict[uuid.UUID, uuid.UUID] = {}
    for day, ids in by_day.items():
        for i in range(0, len(ids), 1000):
            placed = await placements(session, ids[i : i + 1000], day)
            sites.update({sid: a.site_id for sid, a in placed.items()})
    return sites
