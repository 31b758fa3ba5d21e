"""Who reads what of the assessment, and the pages the types show.

- a month's or a year's results county-wide: ``assessment:read`` at the county centre (the
  county office, the supervisor);
- a site's people (``siteId``): ``assessment:read`` at that site (a township head for its
  township and villages, a department administrator for its sub-centre);
- a person's own record: the person (``me.staff``), or whoever reads the assessment at the
  person's site today (``assessment.staff_record``).
"""

from __future__ import annotations

import uuid
from typing import Any

import strawberry
from sqlalchemy import func, select
from strawberry.types import Info

from api.gql.context import app_context
from api.gql.ids import query_id
from api.gql.pagination import Page, page_args
from assessment.models import AnnualGradeRow
from assessment.monthly import scores_page
from network import tree
from network.access import require
from network.tree import require_county_center


async def month_score_rows(
    info: Info,
    month_id: uuid.UUID | None,
    site_id: strawberry.ID | None,
    first: int | None,
    after: str | None,
) -> tuple[list[Any], int, Page]:
    ctx = app_context(info)
    actor = ctx.require_actor()
    ctx.tenant_id()
    page = page_args(first, after, ctx.settings.page_cap)
    site = query_id(site_id, "Site", "siteId") if site_id is not None else None
    async with ctx.read() as session:
        if site is None:
            root = await require_county_center(session)
            await require(session, actor, "assessment", "read", root.id, root.official_name)
            site_ids = None
        else:
            await require(session, actor, "assessment", "read", site)
            site_ids = tree.subtree_ids_query(site)
        if month_id is None:
            return [], 0, page
        rows, total = await scores_page(
            session, month_id, site_ids, offset=page.offset, limit=page.limit
        )
    return rows, total, page


async def annual_grade_rows(
    info: Info, year_id: uuid.UUID | None, first: int | None, after: str | None
) -> tuple[list[AnnualGradeRow], int, Page]:
    ctx = app_context(info)
    actor = ctx.require_actor()
    ctx.tenant_id()
    page = page_args(first, after, ctx.settings.page_cap)
    async with ctx.read() as session:
        root = await require_county_center(session)
        await require(session, actor, "assessment", "read", root.id, root.official_name)
        if year_id is None:
            return [], 0, page
        condition = AnnualGradeRow.year_id == year_id
        total = await session.scalar(
            select(func.count()).select_from(AnnualGradeRow).where(condition)
        )
        rows = await session.execute(
            select(AnnualGradeRow)
            .where(condition)
            .order_by(AnnualGradeRow.total_score.desc(), AnnualGradeRow.staff_id)
            .offset(page.offset)
            .limit(page.limit)
        )
    return list(rows.scalars()), total or 0, page
