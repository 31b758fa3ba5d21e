"""Job functions (arq style: ``async def f(ctx, **kwargs)``) and the job-row bookkeeping."""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class JobResult:
    """What a job's work leaves: a stored file (key and the name to download it as) and/or a
    structured result (an import's row-by-row report)."""

    key: str | None = None
    filename: str | None = None
    data: dict[str, Any] | None = None


class JobRefused(Exception):
    """The work refused its input (an import with a bad row): its transaction rolls back,
    nothing changes, and the job ends REFUSED with ``data`` saying why."""

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__("refused")
        self.data = data


Work = Callable[
    [AsyncSession, BackgroundJob, dict[str, Any]],
    Awaitable[tuple[str | None, str | None] | JobResult],
]
FINISHED = (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.REFUSED)


async def run_job(ctx: dict[str, Any], tenant_id: str, job_id: str, work: Work) -> str:
    """Mark the job RUNNING, do ``work`` in one transaction, then SUCCEEDED (with its result),
    REFUSED (``JobRefused``: nothing applied) or FAILED. A finished job is not run again."""
    db: Database = ctx["db"]
    tenant = uuid.UUID(tenant_id)
    async with db.transaction(tenant) as session:
        job = await session.get(BackgroundJob, uuid.UUID(job_id))
        if job is None:
            log.warning("job %s of %s not found", job_id, tenant_id)
            return "missing"
        if job.status in FINISHED:
            return job.status.value
        job.status = JobStatus.RUNNING
        job.started_at = utcnow()
    try:
        async with db.transaction(tenant) as session:
            job = await session.get(BackgroundJob, uuid.UUID(job_id))
            done = await work(session, job, ctx)  # type: ignore[arg-type]
            result = done if isinstance(done, JobResult) else JobResult(*done)
            job.result_key = result.key  # type: ignore[union-attr]
            job.result_filename = result.filename  # type: ignore[union-attr]
            job.result = result.data  # type: ignore[union-attr]
            job.status = JobStatus.SUCCEEDED  # type: ignore[union-attr]
            job.finished_at = utcnow()  # type: ignore[union-attr]
    except JobRefused as refusal:
        await _finish(db, tenant, job_id, JobStatus.REFUSED, result=refusal.data)
        return JobStatus.REFUSED.value
    except Exception as exc:  # a failed job is recorded, never lost
        log.exception("job %s failed", job_id)
        await _finish(db, tenant, job_id, JobStatus.FAILED, error=f"{type(exc).__name__}: {exc}")
        return JobStatus.FAILED.value
    return JobStatus.SUCCEEDED.value


async def _finish(
    db: Database,
    tenant: uuid.UUID,
    job_id: str,
    status: JobStatus,
    *,
    result: dict[str, Any] | None = None,
    error: str | None = None,
) -> None:
    async with db.transaction(tenant) as session:
        job = await session.get(BackgroundJob, uuid.UUID(job_id))
        job.status = status  # type: ignore[union-attr]
        job.result = result  # type: ignore[union-attr]
        job.error = error[:2000] if error else None  # type: ignore[union-attr]
        job.finished_at = utcnow()  # type: ignore[union-attr]
