"""Plans of assessment.graphql: MonthlyScores."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, and_, bindparam, func, select
from sqlalchemy.sql import Executable

from api.gql.context import AppContext
from api.gql.ids import global_id, parse_global_id
from api.gql.pagination import encode_cursor, page_args
from api.planned.common import TENANT as _TENANT
from api.planned.common import allowed, sites_of
from assessment.models import AssessmentMonth, AssessmentStatus, MonthlyGrade, MonthlyScore
from assessment.months import label, query_month
from assessment.schema.types import yuan
from network.models import SiteClosure
from workforce.models import Staff

# --- MonthlyScores (assessment.graphql) --------------------------------------------------------

MONTH = select(
    AssessmentMonth.id,
    AssessmentMonth.status,
    AssessmentMonth.good_quota,
    AssessmentMonth.good_count,
).where(AssessmentMonth.month == bindparam("month"), AssessmentMonth.tenant_id == _TENANT)
SUBTREE = select(SiteClosure.descendant_id).where(
    SiteClosure.ancestor_id == bindparam("site_id"), SiteClosure.tenant_id == _TENANT
)


@lru_cache(maxsize=2)
def score_page(of_subtree: bool) -> Select:
    """A page of a month's scores, best first, with the person's name and the total
    (``assessment.monthly.scores_page``); one statement per filter, built once."""
    conditions = [MonthlyScore.month_id == bindparam("month_id"), MonthlyScore.tenant_id == _TENANT]
    if of_subtree:
        conditions.append(MonthlyScore.site_id.in_(SUBTREE))
    return (
        select(
            MonthlyScore.staff_id,
            Staff.id.label("person"),
            Staff.name,
            MonthlyScore.total,
            MonthlyScore.bonus,
            MonthlyScore.grade,
            MonthlyScore.suspended,
            MonthlyScore.reward,
            MonthlyScore.categories,
            func.count().over().label("rows"),
        )
        .outerjoin(Staff, and_(Staff.id == MonthlyScore.staff_id, Staff.tenant_id == _TENANT))
        .where(*conditions)
        .order_by(
            MonthlyScore.total.desc(),
            MonthlyScore.deductions,
            MonthlyScore.hire_date,
            MonthlyScore.staff_id,
        )
        .offset(bindparam("offset"))
        .limit(bindparam("limit"))
    )


async def monthly_scores(ctx: AppContext, variables: dict[str, Any]) -> dict[str, Any] | None:
    tenant_id = ctx.actor.tenant_id
    if tenant_id is None or ctx.auth_failed:
        return None
    month = query_month(variables["month"])
    site_id: uuid.UUID | None = None
    if variables.get("siteId") is not None:
        parsed = parse_global_id(variables["siteId"])
        if parsed is None or parsed[0] != "Site":
            return None
        site_id = parsed[1]
    page = page_args(variables.get("first"), variables.get("after"), ctx.settings.page_cap)
    if not await allowed(ctx, "assessment", "read", await sites_of(ctx, site_id)):
        return None  # no such site, or not allowed: normal execution names the error
    params = {"tenant_id": tenant_id, "month": month, "site_id": site_id, "offset": page.offset}
    async with ctx.connection(tenant_id) as conn:
        found = (await conn.execute(MONTH, params)).first()
        if found is None:
            return None  # a month never closed: normal execution answers its empty shape
        params |= {"month_id": found.id, "limit": page.limit}
        rows = (await conn.execute(score_page(site_id is not None), params)).all()
    if not rows:
        return None  # an empty page has no total: normal execution
    total = rows[0].rows
    edges = [
        {
            "node": {
                "staff": {"id": global_id("Staff", row.person), "name": row.name}
                if row.person is not None
                else None,
                "total": row.total,
                "bonus": row.bonus,
                "grade": MonthlyGrade(row.grade).name if row.grade is not None else None,
                "suspended": row.suspended,
                "rewardYuan": yuan(row.reward),
                "categories": [
                    {"code": code, "score": score} for code, score in sorted(row.categories.items())
                ],
            }
        }
        for row in rows
    ]
    return {
        "assessmentMonth": {
            "month": label(month),
            "status": AssessmentStatus(found.status).name,
            "goodQuota": found.good_quota,
            "goodCount": found.good_count,
            "scores": {
                "totalCount": total,
                "edges": edges,
                "pageInfo": {
                    "hasNextPage": page.offset + len(edges) < total,
                    "endCursor": encode_cursor(page.offset + len(edges) - 1),
                },
            },
        }
    }


def statements() -> Iterator[tuple[str, Executable]]:
    """Every statement this module runs, with a label (the tests check that each names the
    caller's county for every table it reads)."""
    yield "MonthlyScores month", MONTH
    yield "MonthlyScores subtree", SUBTREE
    for of_subtree in (False, True):
        yield f"MonthlyScores page {of_subtree=}", score_page(of_subtree)
