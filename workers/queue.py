"""The JobQueue: arq on Redis when ``ONEWINDOW_REDIS_URL`` is set, inline otherwise.

A job is identified by the caller (``queue_id``): enqueuing the same id twice runs it once (arq
refuses a second job with a live id; the job row in the database says what happened).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
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
    """Runs jobs in this process without Redis or a worker (the embedded default).

    A job never runs on the serving event loop: it runs in a thread of the inline runner
    (``_RUNNER``), on an event loop and a database engine of its own, at a lower CPU priority
    than serving. ``enqueue`` waits for it up to ``inline_job_wait_seconds`` — most jobs are
    done by then and the caller answers with the finished job — and otherwise returns while the
    job runs on (its row says when it is done, as with arq).
    """

    def __init__(self, settings: Settings, db: Database) -> None:
        self.settings = settings
        self._done: set[str] = set()

    async def enqueue(self, function: str, queue_id: str, /, **kwargs: Any) -> None:
        if queue_id in self._done:
            return
        self._done.add(queue_id)
        running = _RUNNER.start(self.settings, function, kwargs)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(
                asyncio.shield(running), timeout=self.settings.inline_job_wait_seconds
            )


class _InlineRunner:
    """The inline queue's threads: each job runs ``asyncio.run`` there with its own
    ``Database`` (an engine belongs to one event loop), disposed when the job ends."""

    THREADS = 2
    NICENESS = 10  # below serving, as the password hashing threads are

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._running: set[asyncio.Future[Any]] = set()

    def start(self, settings: Settings, function: str, kwargs: dict[str, Any]) -> asyncio.Future:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(
                self.THREADS, thread_name_prefix="onewindow-job", initializer=_lower_priority
            )
        running = asyncio.get_running_loop().run_in_executor(
            self._pool, _run_in_own_loop, settings, function, kwargs
        )
        self._running.add(running)
        running.add_done_callback(self._finished)
        return running

    def _finished(self, running: asyncio.Future[Any]) -> None:
        self._running.discard(running)
        if not running.cancelled() and running.exception() is not None:
            log.error("inline job failed outside its bookkeeping", exc_info=running.exception())

    async def drain(self) -> None:
        """Wait for every running inline job (the app's shutdown; tests)."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)


def _lower_priority() -> None:
    with contextlib.suppress(OSError, AttributeError):  # Linux: a thread's own nice value
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _InlineRunner.NICENESS)


def _run_in_own_loop(settings: Settings, function: str, kwargs: dict[str, Any]) -> Any:
    async def run() -> Any:
        db = Database(settings.database_url, **settings.engine_options())
        try:
            return await FUNCTIONS[function](job_context(settings, db), **kwargs)
        finally:
            await db.dispose()

    return asyncio.run(run())


_RUNNER = _InlineRunner()


async def run_inline(settings: Settings, function: str, **kwargs: Any) -> Any:
    """Run a registered job function in the inline runner's threads and wait for its result
    (the embedded default's periodic jobs: off the serving loop, as every job)."""
    return await _RUNNER.start(settings, function, kwargs)


async def drain_inline_jobs() -> None:
    await _RUNNER.drain()


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
