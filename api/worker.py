"""``onewindow worker``: the arq worker process (``burst``: stop when the queue is empty).

The composition root imports every domain's jobs module here, so the worker knows them all
(``arq api.worker.WorkerSettings`` works as well).
"""

from __future__ import annotations

import os
from typing import Any, ClassVar

from arq.connections import RedisSettings
from arq.worker import Worker

import assessment.jobs  # noqa: F401  (registers its jobs)
import casework.jobs  # (registers its jobs; its cron schedule)
import catalog.jobs  # noqa: F401  (registers its jobs)
import pay.jobs  # noqa: F401  (registers its jobs)
import workforce.jobs  # noqa: F401  (registers its jobs)
from api.settings import Settings
from tenants.database import Database
from workers.registry import FUNCTIONS
from workers.settings import make_startup, redis_settings

# The modules imported above for their jobs, by name: the inline queue's job processes import
# them too (``workers.queue.use_job_modules``).
JOB_MODULES = ("assessment.jobs", "casework.jobs", "catalog.jobs", "pay.jobs", "workforce.jobs")


def create_worker(settings: Settings, *, burst: bool, db: Database | None = None) -> Worker:
    startup, shutdown = make_startup(settings, db)
    return Worker(
        functions=list(FUNCTIONS.values()),
        cron_jobs=casework.jobs.CRON,
        redis_settings=redis_settings(settings),
        on_startup=startup,
        on_shutdown=shutdown,
        burst=burst,
        max_jobs=4,
        job_timeout=600,
        handle_signals=not burst,
    )


def run_worker(settings: Settings, burst: bool) -> None:
    if not settings.redis_url:
        raise SystemExit("onewindow worker: ONEWINDOW_REDIS_URL is not set (jobs run inline)")
    create_worker(settings, burst=burst).run()


class WorkerSettings:
    """Read from the environment when arq's own CLI loads this class."""

    functions: ClassVar[list] = list(FUNCTIONS.values())
    cron_jobs: ClassVar[list] = casework.jobs.CRON
    max_jobs = 4
    job_timeout = 600

    @staticmethod
    async def on_startup(ctx: dict[str, Any]) -> None:
        startup, _ = make_startup(Settings.from_env())
        await startup(ctx)

    @staticmethod
    async def on_shutdown(ctx: dict[str, Any]) -> None:
        _, shutdown = make_startup(Settings.from_env())
        await shutdown(ctx)

    redis_settings = RedisSettings.from_dsn(
        os.environ.get("ONEWINDOW_REDIS_URL") or "redis://127.0.0.1:6379"
    )
