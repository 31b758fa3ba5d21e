"""委托下放 (seed 004): the county, or the owning department, gives the acceptance right (受理权)
and/or the processing right (经办权) of a matter to township centres or village stations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.definitions import active_matter
from catalog.models import Delegation, Matter
from network.models import Site, SiteLevel
from tenants.errors import refuse

TARGET_LEVELS = (SiteLevel.TOWNSHIP_CENTER, SiteLevel.VILLAGE_STATION)


@dataclass
class CheckedDelegation:
    site: Site
    matter: Matter
    accept: bool
    process: bool
    include_below: bool

    @property
    def revokes(self) -> bool:
        return not (self.accept or self.process)


async def check_delegation(session: AsyncSession, payload: dict[str, Any]) -> CheckedDelegation:
    site = await session.get(Site, uuid.UUID(payload["site_id"]))
    if site is None:
        raise refuse("siteId", "NOT_FOUND", "场所不存在")
    matter = await active_matter(session, str(payload.get("matter_code") or ""))
    if site.level not in TARGET_LEVELS:
        raise refuse(
            "siteId",
            "INVALID_DELEGATION_TARGET",
            "受理权、办理权只能委托下放到镇(街道)便民服务中心或村(社区)便民服务站",
        )
    include_below = bool(payload.get("include_below"))
    if include_below and site.level is not SiteLevel.TOWNSHIP_CENTER:
        raise refuse(
            "includeBelow", "INVALID_DELEGATION_TARGET", "只有镇(街道)中心可连同所辖站点一并下放"
        )
    checked = CheckedDelegation(
        site=site,
        matter=matter,
        accept=bool(payload.get("accept")),
        process=bool(payload.get("process")),
        include_below=include_below,
    )
    if checked.revokes and await _existing(session, checked) is None:
        raise refuse("matterCode", "NOT_FOUND", "该场所没有此事项的委托,无需收回")
    return checked


async def _existing(session: AsyncSession, checked: CheckedDelegation) -> Delegation | None:
    rows = await session.execute(
        select(Delegation).where(
            Delegation.matter_code == checked.matter.code, Delegation.site_id == checked.site.id
        )
    )
    return rows.scalar_one_or_none()


async def apply_delegation(session: AsyncSession, checked: CheckedDelegation) -> None:
    existing = await _existing(session, checked)
    if checked.revokes:
        if existing is not None:
            await session.execute(delete(Delegation).where(Delegation.id == existing.id))
        return
    if existing is None:
        existing = Delegation(
            id=uuid.uuid4(), matter_code=checked.matter.code, site_id=checked.site.id
        )
        session.add(existing)
    existing.accept = checked.accept
    existing.process = checked.process
    existing.include_below = checked.include_below
