"""Timestamps as clients see them: always timezone-aware.

SQLite hands ``DateTime(timezone=True)`` columns back without their zone (they are stored in
UTC); PostgreSQL hands them back in UTC. ``aware`` makes both the same ISO string with ``+00:00``.
"""

from __future__ import annotations

from datetime import UTC, datetime


def aware(moment: datetime | None) -> datetime | None:
    """The moment with its zone: a naive one is read as UTC (how every timestamp is stored)."""
    if moment is None:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
