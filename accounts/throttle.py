"""Throttling failed sign-ins (口令爆破防护): per username and per client address.

Each failure is counted with one atomic upsert, so concurrent attempts in several processes
count exactly. A key that reached its limit within its window is refused (HTTP 429 with
``Retry-After``) until the window has passed since its first failure; for a username that is the
account's lock, which a county administrator may lift earlier (``unlockUser``). A successful
sign-in clears its username's count, never its address's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from accounts.models import LoginThrottle
from api.settings import Settings
from tenants.database import Database


@dataclass(frozen=True)
class Limit:
    failures: int
    window: timedelta


def username_key(tenant_code: str | None, username: str) -> str:
    return f"user:{tenant_code or '-'}:{username.strip().lower()}"[:200]


def address_key(address: str | None) -> str:
    return f"addr:{address or 'unknown'}"[:200]


@dataclass(frozen=True)
class Attempt:
    """The keys of one sign-in attempt and their limits (the address's is the wider one: a
    township's staff sign in from behind one address)."""

    user: str
    address: str
    user_limit: Limit
    address_limit: Limit

    @classmethod
    def of(cls, settings: Settings, tenant_code: str | None, username: str, address: str | None):
        window = timedelta(seconds=settings.login_window_seconds)
        return cls(
            user=username_key(tenant_code, username),
            address=address_key(address),
            user_limit=Limit(settings.login_failures_per_user, window),
            address_limit=Limit(settings.login_failures_per_address, window),
        )

    def limits(self) -> dict[str, Limit]:
        return {self.user: self.user_limit, self.address: self.address_limit}


async def retry_after(db: Database, attempt: Attempt, now: datetime) -> int:
    """Seconds until this attempt may be tried; 0 when it may be tried now."""
    limits = attempt.limits()
    async with db.read_connection(None) as conn:
        rows = await conn.execute(
            select(
                LoginThrottle.key, LoginThrottle.failures, LoginThrottle.window_started_at
            ).where(LoginThrottle.key.in_(limits))
        )
        waits = [0.0]
        for key, failures, started in rows.all():
            limit = limits[key]
            ends = _aware(started) + limit.window
            if failures >= limit.failures and ends > now:
                waits.append((ends - now).total_seconds())
    return math.ceil(max(waits))


async def record_failure(db: Database, attempt: Attempt, now: datetime) -> None:
    """Count one failure on each key; a window that has passed starts again at one."""
    async with db.transaction(None) as session:
        insert = postgresql_insert if db.dialect == "postgresql" else sqlite_insert
        for key, limit in attempt.limits().items():
            statement = insert(LoginThrottle).values(key=key, failures=1, window_started_at=now)
            expired = LoginThrottle.window_started_at < now - limit.window
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=[LoginThrottle.key],
                    set_={
                        "failures": case((expired, 1), else_=LoginThrottle.failures + 1),
                        "window_started_at": case(
                            (expired, now), else_=LoginThrottle.window_started_at
                        ),
                    },
                )
            )


async def clear(session: AsyncSession, key: str) -> None:
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key == key))


def _aware(moment: datetime) -> datetime:
    # SQLite hands timestamps back without their zone; they are stored in UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
