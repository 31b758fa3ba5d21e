"""``onewindow worker``: the arq worker process (``burst``: stop when the queue is empty)."""

from __future__ import annotations

from arq.worker import Worker

from api.settings import Settings
from tenants.database import Database
from workers.jobs import FUNCTIONS
from workers.settings import make_startup, redis_settings


def create_worker(settings: Settings, *, burst: bool, db: Database | None = None) -> Worker:
    startup, shutdown = make_startup(settings, db)
    return Worker(
        functions=list(FUNCTIONS.values()),
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
