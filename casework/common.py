"""Small helpers of the casework rules: the calendar day in China, lookups, list inputs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Executable, Row
from sqlalchemy.ext.asyncio import AsyncSession

from casework.models import Case, Window
from network.models import Site
from tenants import prepared
from tenants.errors import Collector, refuse

CHINA_TZ = ZoneInfo("Asia/Shanghai")
ITEM_MAX = 200
ITEMS_MAX = 50
NOTE_MAX = 500


async def core_rows(
    session: AsyncSession, statement: Executable, parameters: dict[str, Any]
) -> Sequence[Row[Any]]:
    """A read on the session's connection and transaction, outside the ORM: for statements
    built once per process, which name their county themselves (a ``tenant_id`` parameter;
    row-level security still applies on PostgreSQL). The ORM's tenant filter would rebuild
    them, and their cache key, on every execution. Nothing is autoflushed first. A SELECT runs
    by the driver after its first execution (``tenants.prepared``)."""
    connection = await prepared.session_connection(session)
    return (await prepared.execute(connection, statement, parameters)).all()


def local_day(now: datetime) -> date:
    """The calendar day in China at the instant ``now`` (deadlines count China's days)."""
    return now.astimezone(CHINA_TZ).date()


async def get_window(session: AsyncSession, window_id: uuid.UUID, field: str = "windowId"):
    window = await session.get(Window, window_id)
    if window is None:
        raise refuse(field, "NOT_FOUND", "窗口不存在")
    return window


async def get_site(session: AsyncSession, site_id: uuid.UUID, field: str = "siteId") -> Site:
    site = await session.get(Site, site_id)
    if site is None:
        raise refuse(field, "NOT_FOUND", "场所不存在")
    return site


async def get_case(session: AsyncSession, case_id: uuid.UUID, field: str = "caseId") -> Case:
    case = await session.get(Case, case_id)
    if case is None:
        raise refuse(field, "NOT_FOUND", "办件不存在")
    return case


def clean_items(
    errors: Collector, field: str, items: list[str] | None, label: str, *, required: bool = False
) -> list[str]:
    """A list of names (materials, supplement items): trimmed, de-duplicated in order, bounded."""
    items = list(items or [])
    if len(items) > ITEMS_MAX:
        errors.add(field, "TOO_MANY", f"{label}最多 {ITEMS_MAX} 项,收到 {len(items)} 项")
        return []
    cleaned: list[str] = []
    for i, raw in enumerate(items):
        name = (raw or "").strip()
        if not name:
            errors.add(f"{field}[{i}]", "REQUIRED", f"{label}第 {i + 1} 项为空")
        elif len(name) > ITEM_MAX:
            errors.add(f"{field}[{i}]", "TOO_LONG", f"{label}每项不能超过 {ITEM_MAX} 个字符")
        elif name not in cleaned:
            cleaned.append(name)
    if required and not items:
        errors.add(field, "REQUIRED", f"请填写{label}")
    return cleaned


def clean_text(errors: Collector, field: str, value: str | None, label: str) -> str | None:
    text = (value or "").strip() or None
    if text is not None and len(text) > NOTE_MAX:
        errors.add(field, "TOO_LONG", f"{label}不能超过 {NOTE_MAX} 个字符")
    return text
