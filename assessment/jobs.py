"""The assessment's background jobs (arq in production, inline on the embedded default): the
monthly close and the annual close. Each runs in one transaction (``workers.jobs.run_job``);
a retry after a killed worker recomputes and leaves one result."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.annual import close_year
from assessment.monthly import close_month
from workers.jobs import run_job
from workers.models import BackgroundJob
from workers.registry import job


async def _close_month_work(
    session: AsyncSession, row: BackgroundJob, ctx: dict[str, Any]
) -> tuple[str | None, str | None]:
    await close_month(session, row.requested_by, date.fromisoformat(row.params["month"]))
    return None, None


async def _close_year_work(
    session: AsyncSession, row: BackgroundJob, ctx: dict[str, Any]
) -> tuple[str | None, str | None]:
    await close_year(session, row.requested_by, int(row.params["year"]))
    return None, None


@job
async def close_assessment_month(ctx: dict[str, Any], tenant_id: str, job_id: str) -> str:
    """月度考核结算: scores, proposed grades and rewards of a month."""
    return await run_job(ctx, tenant_id, job_id, _close_month_work)  # type: ignore[arg-type]


@job
async def close_assessment_year(ctx: dict[str, Any], tenant_id: str, job_id: str) -> str:
    """年度考核: the annual grades from the published months."""
    return await run_job(ctx, tenant_id, job_id, _close_year_work)  # type: ignore[arg-type]
