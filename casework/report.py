"""服务报表: a site and its whole subtree over a period (the county dashboard reads these).

Every figure is aggregated by the database (``sum(case …)``/``count``), in five statements:

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
from datetime import date, datetime, time, timedelta

from sqlalchemy import Integer, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import BadRequest
from authz.guard import Actor
from casework.common import CHINA_TZ, get_site
from casework.models import (
    DONE_STATUSES,
    Case,
    CaseStatus,
    Notice,
    Rating,
    RatingFollowUp,
)
from casework.people import FRONT_DESK_POSTS
from catalog.effective import effective_catalog
from catalog.ratio import site_ratio
from network.access import require
from network.tree import subtree_ids_query
from workforce.assignments import placing
from workforce.models import Assignment

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


def _instant(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=CHINA_TZ)


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
    within = subtree_ids_query(site.id)
    since, until = _instant(start), _instant(end + timedelta(days=1))
    cutoff = min(today, end)

    accepted_in = Case.accepted_on.between(start, end)
    decided_in = and_(Case.status.in_(DONE_STATUSES), Case.decided_on.between(start, end))
    issued_in = and_(Case.issued_at >= since, Case.issued_at < until)
    timed = and_(decided_in, Case.due_date.is_not(None))
    running_late = and_(
        Case.status == CaseStatus.ACCEPTED, Case.accepted_on <= end, Case.due_date < cutoff
    )
    cases = (
        await session.execute(
            select(
                _count(accepted_in),
                _count(issued_in),
                _count(timed),
                _count(and_(timed, Case.decided_on <= Case.due_date)),
                _count(or_(and_(timed, Case.decided_on > Case.due_date), running_late)),
            ).where(Case.site_id.in_(within), or_(accepted_in, decided_in, issued_in, running_late))
        )
    ).one()
    accepted, issued, decided, on_time, overdue = (int(v or 0) for v in cases)

    notices = (
        await session.execute(
            select(func.count())
            .select_from(Notice)
            .where(Notice.site_id.in_(within), Notice.issued_on.between(start, end))
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
            .where(Rating.site_id.in_(within), Rating.rated_on.between(start, end))
        )
    ).one()
    ratings, bad_ratings, verified, rectified, revisited = (int(v or 0) for v in rated)

    front_staff = (
        await session.execute(
            select(func.count(func.distinct(Assignment.staff_id))).where(
                Assignment.site_id.in_(within),
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
