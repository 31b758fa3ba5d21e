"""What an arq worker process needs: Redis settings, and the start-up that fills a job's ``ctx``."""

from __future__ import annotations

from typing import Any

from arq.connections import RedisSettings

from api.settings import Settings
from tenants.database import Database
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
