"""The casework's background jobs: the daily deadline alerts (``deadline_alerts``).

On Redis, ``onewindow worker`` runs it as an arq cron job (``CRON``: every hour at :05; the
alerts of a day are recorded once whatever the number of runs). On the embedded default
(no Redis) the app runs it hourly in the inline queue's threads (``inline_alerts``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime
from typing import Any

from arq.cron import cron
from sqlalchemy import select

from api.settings import Settings
from casework.alerts import record_alerts
from casework.common import local_day
from tenants.base import utcnow
from tenants.database import Database
from tenants.models import Tenant, TenantStatus
from workers.queue import run_inline
from workers.registry import job

log = logging.getLogger("onewindow.jobs")
INLINE_INTERVAL_SECONDS = 3600


async def alerts_for_every_county(db: Database, today: date) -> dict[str, int]:
    """Each active county's new alerts of ``today``, each county in its own transaction."""
    async with db.session(None) as session:
        counties = (
            await session.execute(
                select(Tenant.id, Tenant.code).where(Tenant.status == TenantStatus.ACTIVE)
            )
        ).all()
    added: dict[str, int] = {}
    for tenant_id, code in counties:
        async with db.transaction(tenant_id) as session:
            added[code] = await record_alerts(session, today)
    return added


@job
async def deadline_alerts(ctx: dict[str, Any], day: str | None = None) -> dict[str, int]:
    """限时办结预警 of ``day`` (default: today in China) for every county."""
    today = date.fromisoformat(day) if day else local_day(utcnow())  # clock-ok: a job's today
    added = await alerts_for_every_county(ctx["db"], today)
    log.info("deadline alerts %s: %s", today, added)
    return added


async def _scheduled(ctx: dict[str, Any]) -> dict[str, int]:
    return await deadline_alerts(ctx)


_scheduled.__qualname__ = _scheduled.__name__ = "deadline_alerts_cron"
# arq's cron: hourly at :05 (a worker started mid-day records the day's alerts within the hour).
CRON = [cron(_scheduled, name="deadline_alerts_cron", minute=5)]


@contextlib.asynccontextmanager
async def inline_alerts(
    settings: Settings,
    clock: Callable[[], datetime] = utcnow,
    interval: float = INLINE_INTERVAL_SECONDS,
) -> AsyncIterator[None]:
    """The embedded default's scheduler: the alerts now and every ``interval`` seconds, from a
    task of the app's process (cancelled when the app stops); each run goes to the inline
    queue's threads, so that a county of many open cases never holds up serving."""

    async def loop() -> None:
        while True:
            try:
                today = local_day(clock())
                await run_inline(settings, deadline_alerts.__name__, day=today.isoformat())
            except Exception:  # a failed run is logged; the next one tries again
                log.exception("deadline alerts failed")
            await asyncio.sleep(interval)

    task = asyncio.create_task(loop())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
