"""arq ``WorkerSettings``: ``onewindow worker`` (or ``arq workers.settings.WorkerSettings``)."""

from __future__ import annotations

import os
from typing import Any, ClassVar

from arq.connections import RedisSettings

from api.settings import Settings
from tenants.database import Database
from workers.jobs import FUNCTIONS
from workers.queue import job_context


def redis_settings(settings: Settings) -> RedisSettings:
    if not settings.redis_url:
        raise RuntimeError("ONEWINDOW_REDIS_URL is not set: jobs run inline, no worker needed")
    return RedisSettings.from_dsn(settings.redis_url)


def make_startup(settings: Settings, db: Database | None = None):
    async def startup(ctx: dict[str, Any]) -> None:
        database = db or Database(settings.database_url, **settings.engine_options())
        ctx.update(job_context(settings, database))
        ctx["owns_db"] = db is None

    async def shutdown(ctx: dict[str, Any]) -> None:
        if ctx.get("owns_db") and "db" in ctx:
            await ctx["db"].dispose()

    return startup, shutdown


class WorkerSettings:
    """Read from the environment when arq's own CLI loads this class."""

    functions: ClassVar[list] = list(FUNCTIONS.values())
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
