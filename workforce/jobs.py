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


# Reading someone else's job is not a "read" (the supervisor reads everything with "*, read",
# and an export holds personal data, phones in full for an administrator): only a role granted
# job:oversee at the county centre may, which by default is county_admin ("*, *").
OVERSEE = ("job", "oversee")


async def readable_job(
    session: AsyncSession, actor: Actor, job_id: uuid.UUID
) -> BackgroundJob | None:
    """A job and its file belong to who asked for it; the county's administrators may read
    anyone's. Anyone else: FORBIDDEN (None when there is no such job in the county)."""
    found = await session.get(BackgroundJob, job_id)
    if found is None:
        return None
    if actor.user_id is None or found.requested_by_user_id != actor.user_id:
        await require_at_county(session, actor, *OVERSEE)
    return found
