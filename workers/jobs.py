"""Job functions (arq style: ``async def f(ctx, **kwargs)``) and the job-row bookkeeping."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from tenants.base import utcnow
from tenants.database import Database
from workers.models import BackgroundJob, JobStatus
from workers.queue import JobQueue

log = logging.getLogger("onewindow.jobs")

JOB_KEY_MAX = 128


async def submit(
    db: Database,
    queue: JobQueue,
    actor: Actor,
    *,
    kind: str,
    request_id: str | None,
    params: dict[str, Any],
) -> BackgroundJob:
    """Create (or find, for a repeated ``request_id`` of the same user) the job row, then
    enqueue it.

    The row is committed before enqueuing so that a worker always finds it. A request id is
    the caller's own: another user sending the same one gets a job of their own, never the
    first user's (its file may hold what only they may see).
    """
    tenant_id = actor.require_tenant_user()
    key = job_key(kind, actor.user_id, request_id)
    async with db.transaction(tenant_id) as session:
        job = (
            await session.execute(select(BackgroundJob).where(BackgroundJob.job_key == key))
        ).scalar_one_or_none()
        if job is None:
            job = BackgroundJob(
                id=uuid.uuid4(),
                job_key=key,
                kind=kind,
                status=JobStatus.QUEUED,
                params=params,
                requested_by=actor.label,
                requested_by_user_id=actor.user_id,
            )
            session.add(job)
    if job.status is JobStatus.QUEUED:
        await queue.enqueue(
            kind, f"{tenant_id}:{job.id}", tenant_id=str(tenant_id), job_id=str(job.id)
        )
    async with db.session(tenant_id) as session:
        return await session.get(BackgroundJob, job.id)  # type: ignore[return-value]


def job_key(kind: str, user_id: uuid.UUID | None, request_id: str | None) -> str:
    """The job's idempotency key: the kind, and a digest of who asked with which request id
    (a fresh one without a request id). At most ``JOB_KEY_MAX`` characters, never cut."""
    if not request_id:
        return f"{kind}:{uuid.uuid4().hex}"
    digest = hashlib.sha256(f"{user_id}\n{request_id}".encode()).hexdigest()
    return f"{kind}:{digest}"


Work = Callable[[AsyncSession, BackgroundJob, dict[str, Any]], Awaitable[tuple[str, str]]]


async def run_job(ctx: dict[str, Any], tenant_id: str, job_id: str, work: Work) -> str:
    """Mark the job RUNNING, do ``work`` (returns result key and file name), then SUCCEEDED or
    FAILED. A job already finished is not run again."""
    db: Database = ctx["db"]
    tenant = uuid.UUID(tenant_id)
    async with db.transaction(tenant) as session:
        job = await session.get(BackgroundJob, uuid.UUID(job_id))
        if job is None:
            log.warning("job %s of %s not found", job_id, tenant_id)
            return "missing"
        if job.status in (JobStatus.SUCCEEDED, JobStatus.FAILED):
            return job.status.value
        job.status = JobStatus.RUNNING
        job.started_at = utcnow()
    try:
        async with db.transaction(tenant) as session:
            job = await session.get(BackgroundJob, uuid.UUID(job_id))
            result_key, filename = await work(session, job, ctx)  # type: ignore[arg-type]
            job.result_key = result_key  # type: ignore[union-attr]
            job.result_filename = filename  # type: ignore[union-attr]
            job.status = JobStatus.SUCCEEDED  # type: ignore[union-attr]
            job.finished_at = utcnow()  # type: ignore[union-attr]
    except Exception as exc:  # a failed job is recorded, never lost
        log.exception("job %s failed", job_id)
        async with db.transaction(tenant) as session:
            job = await session.get(BackgroundJob, uuid.UUID(job_id))
            job.status = JobStatus.FAILED  # type: ignore[union-attr]
            job.error = f"{type(exc).__name__}: {exc}"[:2000]  # type: ignore[union-attr]
            job.finished_at = utcnow()  # type: ignore[union-attr]
        return JobStatus.FAILED.value
    return JobStatus.SUCCEEDED.value
