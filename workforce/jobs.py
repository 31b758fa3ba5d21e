"""Workforce's background jobs (arq on Redis in production, inline on the embedded default),
and who may read one."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from workers.jobs import run_job
from workers.models import BackgroundJob
from workers.registry import job
from workforce.common import require_at_county
from workforce.roster import export_work


@job
async def export_roster(ctx: dict[str, Any], tenant_id: str, job_id: str) -> str:
    """花名册导出: the roster of a site's subtree as an xlsx file in storage."""
    return await run_job(ctx, tenant_id, job_id, export_work)


async def readable_job(
    session: AsyncSession, actor: Actor, job_id: uuid.UUID
) -> BackgroundJob | None:
    """A job is read by who asked for it, or by a county-wide staff reader."""
    found = await session.get(BackgroundJob, job_id)
    if found is not None and found.requested_by_user_id != actor.user_id:
        await require_at_county(session, actor, "staff", "read")
    return found
