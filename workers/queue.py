"""The JobQueue: arq on Redis when ``ONEWINDOW_REDIS_URL`` is set, inline otherwise.

A job is identified by the caller (``queue_id``): enqueuing the same id twice runs it once (arq
refuses a second job with a live id; the job row in the database says what happened).
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from arq import create_pool
from arq.connections import RedisSettings

from api.settings import Settings
from api.storage import storage_for
from tenants.database import Database
from workers.registry import FUNCTIONS

log = logging.getLogger("onewindow.jobs")


class JobQueue(Protocol):
    async def enqueue(self, function: str, queue_id: str, /, **kwargs: Any) -> None: ...


def job_context(settings: Settings, db: Database) -> dict[str, Any]:
    """What every job function receives as ``ctx`` (arq's context dict)."""
    return {"settings": settings, "db": db, "storage": storage_for(settings)}


class InlineQueue:
    """Runs the job in the calling task, now (embedded default: no Redis, no worker)."""

    def __init__(self, settings: Settings, db: Database) -> None:
        self.ctx = job_context(settings, db)
        self._done: set[str] = set()

    async def enqueue(self, function: str, queue_id: str, /, **kwargs: Any) -> None:
        if queue_id in self._done:
            return
        self._done.add(queue_id)
        await FUNCTIONS[function](dict(self.ctx), **kwargs)


class ArqQueue:
    """Enqueues on Redis for ``onewindow worker``; ``_job_id`` makes it idempotent."""

    def __init__(self, redis_url: str) -> None:
        self.redis_url = redis_url

    async def enqueue(self, function: str, queue_id: str, /, **kwargs: Any) -> None:
        pool = await create_pool(RedisSettings.from_dsn(self.redis_url))
        try:
            job = await pool.enqueue_job(function, _job_id=queue_id, **kwargs)
            if job is None:
                log.info("job %s already queued or done", queue_id)
        finally:
            await pool.aclose()


def queue_for(settings: Settings, db: Database) -> JobQueue:
    if settings.redis_url:
        return ArqQueue(settings.redis_url)
    return InlineQueue(settings, db)
