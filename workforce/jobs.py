"""Workforce's background jobs (arq on Redis in production, inline on the embedded default)."""

from __future__ import annotations

from typing import Any

from workers.jobs import run_job
from workers.registry import job
from workforce.roster import export_work


@job
async def export_roster(ctx: dict[str, Any], tenant_id: str, job_id: str) -> str:
    """花名册导出: the roster of a site's subtree as an xlsx file in storage."""
    return await run_job(ctx, tenant_id, job_id, export_work)
