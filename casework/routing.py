"""后台分类审批: where an accepted case goes.

- A township centre or village station that holds the processing right of the matter (the
  matter is exercised at its level, or 004's delegation of the 经办权) decides it itself
  (``Route.SITE``); a village station without it sends the case up to its township centre when
  the township holds it.
- Anything else goes to the back office of the matter's department (``Route.DEPARTMENT``), at
  the department's site (its sub-centre or the county centre).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from casework.models import Route
from catalog.effective import effective_catalog
from network.models import Site, SiteLevel

LOCAL_LEVELS = (SiteLevel.TOWNSHIP_CENTER, SiteLevel.VILLAGE_STATION)


async def route_case(
    session: AsyncSession, site: Site, entry: dict[str, Any], matter: dict[str, Any]
) -> tuple[Route, uuid.UUID]:
    """(route, the site whose approvers decide) for a matter accepted at ``site``."""
    if site.level in LOCAL_LEVELS and entry["processedHere"]:
        return Route.SITE, site.id
    if site.level is SiteLevel.VILLAGE_STATION and site.parent_id is not None:
        township = await effective_catalog(session, site.tenant_id, site.parent_id)
        above = township.by_code.get(entry["code"])
        if above is not None and above["processedHere"]:
            return Route.SITE, site.parent_id
    return Route.DEPARTMENT, uuid.UUID(matter["departmentSiteId"])
