"""A site's windows (窗口): opened and closed by whoever manages the site (``window:open`` /
``window:close`` at the site: the county office, the township head for its township and
villages, a department administrator for its sub-centre)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from casework.common import clean_text, get_site, get_window
from casework.models import Window, WindowKind, WindowStatus
from catalog.effective import effective_catalog
from network.access import require
from network.models import SiteStatus
from tenants import audit
from tenants.errors import Collector, check_length, refuse

NUMBER_RE = re.compile(r"^[0-9A-Za-z-]{1,16}$")
AREA_MAX = 32
DEDICATED_MATTERS_MAX = 200


@dataclass
class NewWindow:
    site_id: uuid.UUID
    number: str
    kind: WindowKind
    area: str | None = None
    matter_codes: list[str] = field(default_factory=list)


async def open_window(session: AsyncSession, actor: Actor, data: NewWindow) -> Window:
    """开设窗口 (or reopen a closed one of the same number with the new settings)."""
    site = await get_site(session, data.site_id)
    await require(session, actor, "window", "open", site.id, site.official_name)
    errors = Collector()
    number = (data.number or "").strip().upper()
    if not NUMBER_RE.match(number):
        errors.add("number", "INVALID_NUMBER", "窗口号为 1–16 位字母、数字或连字符,如 A03")
    area = (data.area or "").strip() or None
    check_length(errors, "area", area, AREA_MAX, "服务区")
    if site.status is SiteStatus.CLOSED:
        errors.add("siteId", "SITE_CLOSED", f"「{site.name}」已撤销,不能开设窗口")
    codes: list[str] = []
    raw_codes = list(data.matter_codes or [])
    if data.kind is WindowKind.DEDICATED:
        if not raw_codes:
            errors.add("matterCodes", "REQUIRED", "专窗须列明受理的事项")
        elif len(raw_codes) > DEDICATED_MATTERS_MAX:
            errors.add("matterCodes", "TOO_MANY", f"专窗事项最多 {DEDICATED_MATTERS_MAX} 项")
        else:
            codes = list(dict.fromkeys(c.strip() for c in raw_codes if c and c.strip()))
            catalog = await effective_catalog(session, site.tenant_id, site.id)
            for i, code in enumerate(codes):
                entry = catalog.by_code.get(code)
                if entry is None or not entry["acceptedHere"]:
                    errors.add(
                        f"matterCodes[{i}]",
                        "NOT_ACCEPTED_HERE",
                        f"事项 {code[:64]} 不在「{site.name}」的受理清单中",
                    )
    elif raw_codes:
        errors.add("matterCodes", "NOT_DEDICATED", "只有专窗(DEDICATED)列明事项")
    errors.raise_if_any()

    existing = (
        await session.execute(
            select(Window).where(Window.site_id == site.id, Window.number == number)
        )
    ).scalar_one_or_none()
    if existing is not None and existing.status is WindowStatus.OPEN:
        raise refuse("number", "WINDOW_EXISTS", f"「{site.name}」已有 {number} 号窗口")
    window = existing or Window(id=uuid.uuid4(), site_id=site.id, number=number)
    window.kind = data.kind
    window.area = area
    window.matter_codes = codes
    window.status = WindowStatus.OPEN
    window.opened_by = actor.label
    window.closed_at = None
    window.closed_reason = None
    if existing is None:
        session.add(window)
    audit.record(
        session,
        actor.label,
        "window.open",
        "Window",
        window.id,
        {"site": str(site.id), "number": number, "kind": data.kind.value, "area": area},
    )
    return window


async def close_window(
    session: AsyncSession, actor: Actor, window_id: uuid.UUID, reason: str | None, now: datetime
) -> Window:
    """关闭窗口: it takes no more cases; its history stays."""
    window = await get_window(session, window_id)
    site = await get_site(session, window.site_id)
    await require(session, actor, "window", "close", site.id, site.official_name)
    errors = Collector()
    text = clean_text(errors, "reason", reason, "原因")
    errors.raise_if_any()
    if window.status is WindowStatus.CLOSED:
        raise refuse("windowId", "WINDOW_CLOSED", f"{window.number} 号窗口已关闭")
    window.status = WindowStatus.CLOSED
    window.closed_at = now
    window.closed_reason = text
    audit.record(session, actor.label, "window.close", "Window", window.id, None, text)
    return window


async def site_windows(
    session: AsyncSession, site_id: uuid.UUID, *, include_closed: bool = False
) -> list[Window]:
    query = select(Window).where(Window.site_id == site_id)
    if not include_closed:
        query = query.where(Window.status == WindowStatus.OPEN)
    return list((await session.execute(query.order_by(Window.number))).scalars())
