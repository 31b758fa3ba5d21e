"""The assessment's background jobs (arq in production, inline on the embedded default): the
monthly close, the annual close and the attendance import. Each runs in one transaction
(``workers.jobs.run_job``); a retry after a killed worker recomputes and leaves one result."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from assessment.annual import close_year
from assessment.attendance import import_attendance as import_attendance_file
from assessment.monthly import close_month
from workers.jobs import run_job
from workers.models import BackgroundJob
from workers.registry import job
from workforce.jobs import import_work


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


@job
async def import_attendance(ctx: dict[str, Any], tenant_id: str, job_id: str) -> str:
    """考勤导入 (1.1–1.4): every row or none (REFUSED, with the row-by-row report)."""
    return await run_job(ctx, tenant_id, job_id, partial(import_work, import_attendance_file))
