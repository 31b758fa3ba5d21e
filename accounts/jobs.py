"""Who a background job acts for: the user who asked, as they are when the job runs."""

from __future__ import annotations

from accounts.service import load_actor
from authz.guard import Actor
from tenants.database import Database
from tenants.errors import UserError
from workers.jobs import JobRefused
from workers.models import BackgroundJob
from workers.reports import refused_file


async def requester(db: Database, job: BackgroundJob) -> Actor:
    """The actor of the user who asked for ``job``, re-read now: an account disabled (or a
    county suspended) since the request does not get its import applied — the job is refused
    with that reason."""
    signed_in = (
        await load_actor(db, job.requested_by_user_id, job.tenant_id)
        if job.requested_by_user_id
        else None
    )
    if signed_in is None:
        raise JobRefused(
            refused_file(UserError(None, "UNAUTHENTICATED", "提交任务的账号已停用或不存在"))
        )
    return signed_in.actor
