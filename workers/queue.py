"""The JobQueue: arq on Redis when ``ONEWINDOW_REDIS_URL`` is set, inline otherwise.

A job is identified by the caller (``queue_id``): enqueuing the same id twice runs it once (arq
refuses a second job with a live id; the job row in the database says what happened).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import logging
import multiprocessing
import os
import threading
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
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

    A job never runs on the serving event loop: it runs in a process (or a thread) of the
    inline runner (``_RUNNER``), on an event loop and a database engine of its own, at a lower
    CPU priority than serving. ``enqueue`` waits for it up to ``inline_job_wait_seconds`` —
    most jobs are done by then and the caller answers with the finished job — and otherwise
    returns while the job runs on (its row says when it is done, as with arq).
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
    """Where inline jobs run: by default in worker processes of their own (spawned, niced), so
    that a job's garbage collections and interpreter lock never pause serving — a 5,000-row
    import on a thread of this process held every request for 60–280 ms at each full
    collection. Each job runs ``asyncio.run`` with its own ``Database`` (an engine belongs to
    one event loop), disposed when the job ends. ``inline_jobs_in_process=False`` runs them in
    threads of this process instead (the test suite, whose pinned clocks live in this process).
    """

    WORKERS = 2
    NICENESS = 10  # below serving, as the password hashing threads are

    def __init__(self) -> None:
        self._threads: ThreadPoolExecutor | None = None
        self._processes: ProcessPoolExecutor | None = None
        self._running: set[asyncio.Future[Any]] = set()
        # The modules whose import registers the job functions: a spawned process imports them
        # (the composition root names them, ``use_job_modules``).
        self.job_modules: tuple[str, ...] = ()

    def _executor(self, settings: Settings) -> Executor:
        if settings.inline_jobs_in_process:
            if self._processes is None:
                self._processes = ProcessPoolExecutor(
                    self.WORKERS,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_start_job_process,
                    initargs=(self.job_modules,),
                )
            return self._processes
        if self._threads is None:
            self._threads = ThreadPoolExecutor(
                self.WORKERS, thread_name_prefix="onewindow-job", initializer=_lower_priority
            )
        return self._threads

    def start(self, settings: Settings, function: str, kwargs: dict[str, Any]) -> asyncio.Future:
        running = asyncio.get_running_loop().run_in_executor(
            self._executor(settings), _run_in_own_loop, settings, function, kwargs
        )
        self._running.add(running)
        running.add_done_callback(self._finished)
        return running

    def _finished(self, running: asyncio.Future[Any]) -> None:
        self._running.discard(running)
        if running.cancelled() or running.exception() is None:
            return
        log.error("inline job failed outside its bookkeeping", exc_info=running.exception())
        if isinstance(running.exception(), BrokenProcessPool):
            self._processes = None  # a killed job process: the next job gets a fresh pool

    async def drain(self) -> None:
        """Wait for every running inline job (the app's shutdown; tests)."""
        while self._running:
            await asyncio.gather(*list(self._running), return_exceptions=True)

    async def stop(self) -> None:
        """Drain, then end the job processes: left to the interpreter's exit, a server
        stopped by SIGTERM left them behind, blocked on their queue for ever."""
        await self.drain()
        processes, self._processes = self._processes, None
        if processes is not None:
            await asyncio.get_running_loop().run_in_executor(None, processes.shutdown, True)

    def process_ids(self) -> set[int]:
        """The live job processes (tests)."""
        pool = self._processes
        return set(pool._processes or {}) if pool is not None else set()


def _lower_priority() -> None:
    with contextlib.suppress(OSError, AttributeError):  # Linux: a thread's own nice value
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), _InlineRunner.NICENESS)


def _start_job_process(modules: tuple[str, ...]) -> None:
    with contextlib.suppress(OSError):
        os.nice(_InlineRunner.NICENESS)
    for module in modules:
        importlib.import_module(module)


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


async def warm_inline_jobs(settings: Settings) -> None:
    """Start an inline job process now: spawning it and importing the job modules takes
    seconds, which the first job would otherwise wait for (the app's start-up; benches)."""
    if settings.inline_jobs_in_process:
        await asyncio.get_running_loop().run_in_executor(_RUNNER._executor(settings), _ready)


def _ready() -> bool:
    return True


def use_job_modules(*modules: str) -> None:
    """Name the modules that register the job functions (for the inline job processes)."""
    _RUNNER.job_modules = tuple(modules)


async def drain_inline_jobs() -> None:
    await _RUNNER.drain()


async def stop_inline_jobs() -> None:
    """The app's shutdown: every started job finishes, then its processes end."""
    await _RUNNER.stop()


def inline_job_processes() -> set[int]:
    return _RUNNER.process_ids()


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
