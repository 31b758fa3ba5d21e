"""服务报表: a site and its whole subtree over a period (the county dashboard reads these).

Every figure is aggregated by the database (``sum``/``count``): the cases accepted, issued and
decided from the sites' days (``CaseDay``, maintained with every intake, decision and issue),
the rest one statement per kind of count, each answered from one index (see bench/RESULTS.md):

- cases: **accepted** (accepted in the period), **issued** (handed out in it), **onTimeRate**
  (of the cases decided in it with a deadline, the share decided by their due date),
  **overdue** (decided late in the period, plus still running past their due date at the end of
  the period or today, whichever is earlier);
- **notices** (一次性告知书 issued in the period);
- ratings given in the period: **satisfactionRate** (the share that is not bad), **badRatings**,
  and the "three 100%" of the bad ones — **verifiedRate**, **rectifiedRate** (a finding that
  the rating was not substantiated needs no rectification and counts as done),
  **revisitedRate**;
- **casesPerFrontStaffYear**: cases accepted, scaled to a year (× 365 / days of the period), per
  person placed in a front-desk post in the subtree on the period's last day (002: 3,000 → 6,000);
- **oneWindowRatio**: of the matters the site accepts (its effective catalog), the share its
  comprehensive window accepts (003: ≥ 95%).

A rate without anything to count is null.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import BadRequest
from authz.guard import Actor
from casework.common import get_site
from casework.models import (
    Case,
    CaseDay,
    CaseStatus,
    Notice,
    Rating,
    RatingFollowUp,
)
from casework.people import FRONT_DESK_POSTS
from casework.scopes import in_sites, sites_within
from catalog.effective import effective_catalog
from catalog.ratio import site_ratio
from network.access import require
from workforce.models import Assignment
from workforce.placement import placing

MAX_DAYS = 3 * 366


@dataclass(frozen=True)
class ServiceReport:
    accepted: int
    issued: int
    notices: int
    decided: int
    on_time_rate: float | None
    overdue: int
    ratings: int
    satisfaction_rate: float | None
    bad_ratings: int
    verified_rate: float | None
    rectified_rate: float | None
    revisited_rate: float | None
    front_staff: int
    cases_per_front_staff_year: float | None
    one_window_ratio: float


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def _count(condition) -> object:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)


async def _scalar(session: AsyncSession, statement) -> int:
    return int((await session.execute(statement)).scalar_one() or 0)


async def service_report(
    session: AsyncSession,
    actor: Actor,
    site_id: uuid.UUID,
    start: date,
    end: date,
    today: date,
) -> ServiceReport:
    site = await get_site(session, site_id)
    await require(session, actor, "case", "read", site.id, site.name)
    if end < start:
        raise BadRequest("to 不能早于 from")
    if (end - start).days >= MAX_DAYS:
        raise BadRequest(f"报表期间最长 {MAX_DAYS} 天")
    within = await sites_within(session, site)
    cutoff = min(today, end)

    # Accepted, issued and decided (on time or late) from the sites' days (``CaseDay``,
    # maintained by intake, decision and issue): a year of a county is a few hundred rows per
    # site, where counting its cases read ~200,000 index entries per figure.
    by_day = (
        await session.execute(
            select(
                func.coalesce(func.sum(CaseDay.accepted), 0),
                func.coalesce(func.sum(CaseDay.issued), 0),
                func.coalesce(func.sum(CaseDay.decided), 0),
                func.coalesce(func.sum(CaseDay.decided_late), 0),
            ).where(CaseDay.day.between(start, end), in_sites(within, CaseDay.site_id))
        )
    ).one()
    accepted, issued, decided, decided_late = (int(v or 0) for v in by_day)
    on_time = decided - decided_late
    at_sites = in_sites(within, Case.site_id)
    running_late = await _scalar(
        session,
        select(func.count())
        .select_from(Case)
        .where(
            Case.status == CaseStatus.ACCEPTED,
            Case.due_date < cutoff,
            Case.accepted_on <= end,
            at_sites,
        ),
    )
    overdue = decided_late + running_late

    notices = (
        await session.execute(
            select(func.count())
            .select_from(Notice)
            .where(in_sites(within, Notice.site_id), Notice.issued_on.between(start, end))
        )
    ).scalar_one()

    bad = Rating.bad.is_(True)
    rated = (
        await session.execute(
            select(
                func.count(Rating.id),
                _count(bad),
                _count(and_(bad, RatingFollowUp.verified_on.is_not(None))),
                _count(
                    and_(
                        bad,
                        or_(
                            RatingFollowUp.rectified_on.is_not(None),
                            RatingFollowUp.substantiated.is_(False),
                        ),
                    )
                ),
                _count(and_(bad, RatingFollowUp.revisited_on.is_not(None))),
            )
            .select_from(Rating)
            .outerjoin(RatingFollowUp, RatingFollowUp.rating_id == Rating.id)
            .where(in_sites(within, Rating.site_id), Rating.rated_on.between(start, end))
        )
    ).one()
    ratings, bad_ratings, verified, rectified, revisited = (int(v or 0) for v in rated)

    front_staff = (
        await session.execute(
            select(func.count(func.distinct(Assignment.staff_id))).where(
                in_sites(within, Assignment.site_id),
                Assignment.post.in_(list(FRONT_DESK_POSTS)),
                placing(end),
            )
        )
    ).scalar_one()
    days = (end - start).days + 1
    per_person = None if not front_staff else round(accepted * 365 / days / front_staff, 1)

    folded = await effective_catalog(session, site.tenant_id, site.id)
    return ServiceReport(
        accepted=accepted,
        issued=issued,
        notices=int(notices),
        decided=decided,
        on_time_rate=_share(on_time, decided),
        overdue=overdue,
        ratings=ratings,
        satisfaction_rate=_share(ratings - bad_ratings, ratings),
        bad_ratings=bad_ratings,
        verified_rate=_share(verified, bad_ratings),
        rectified_rate=_share(rectified, bad_ratings),
        revisited_rate=_share(revisited, bad_ratings),
        front_staff=int(front_staff),
        cases_per_front_staff_year=per_person,
        one_window_ratio=round(site_ratio(folded).ratio, 4),
    )
