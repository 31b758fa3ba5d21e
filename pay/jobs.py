"""Pay's background jobs: running a payroll and exporting one (arq in production, inline on the
embedded default)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pay.export import export_work
from pay.payroll import run_payroll as run
from workers.jobs import run_job
from workers.models import BackgroundJob
from workers.registry import job


async def _run_work(
    session: AsyncSession, row: BackgroundJob, ctx: dict[str, Any]
) -> tuple[str | None, str | None]:
    await run(session, row.requested_by, date.fromisoformat(row.params["month"]))
    return None, None


@job
async def run_payroll(ctx: dict[str, Any], tenant_id: str, job_id: str) -> str:
    """工资核算: a month's payroll (re-runnable until approved)."""
    return await run_job(ctx, tenant_id, job_id, _run_work)  # type: ignore[arg-type]


@job
async def export_payroll(ctx: dict[str, Any], tenant_id: str, job_id: str) -> str:
    """导出工资表 (.xlsx)."""
    return await run_job(ctx, tenant_id, job_id, export_work)
