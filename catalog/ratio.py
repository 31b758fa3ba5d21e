"""一窗通办比例 (seed 003): the share of the matters accepted at a site (or in the county) that the
comprehensive window accepts, against the county's target (a policy number)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from catalog.data import CatalogData
from catalog.drafts import require_preview
from catalog.effective import CatalogVersion, catalog_data, catalog_version, effective_catalog
from catalog.fold import FoldedCatalog
from tenants.models import Tenant
from tenants.policy import DEFAULT_POLICY

TARGET_KEY = "one_window_ratio_target"


@dataclass(frozen=True)
class OneWindowRatio:
    """The matters accepted here, how many of them the comprehensive window accepts, the ones it
    does not; ``target`` is the county's, ``release`` the release read (None: preview of none)."""

    accepted: int
    comprehensive: int
    not_comprehensive: list[dict[str, Any]]
    target: float = 0.0
    release: int | None = None

    @property
    def ratio(self) -> float:
        return 1.0 if self.accepted == 0 else self.comprehensive / self.accepted

    @property
    def meets_target(self) -> bool:
        return self.ratio >= self.target


def site_ratio(folded: FoldedCatalog) -> OneWindowRatio:
    accepted = [e for e in folded.entries if e["acceptedHere"]]
    outside = [e for e in accepted if not e["comprehensiveWindow"]]
    return OneWindowRatio(len(accepted), len(accepted) - len(outside), outside)


def county_ratio(data: CatalogData) -> OneWindowRatio:
    """For the county: every matter of its catalog, by its county definition."""
    outside = [m for m in data.matters if not m["comprehensiveWindow"]]
    return OneWindowRatio(len(data.matters), len(data.matters) - len(outside), outside)


async def ratio_target(session: AsyncSession, tenant_id: uuid.UUID) -> float:
    """The county's target (tenant settings over the default policy)."""
    tenant = await session.get(Tenant, tenant_id)
    settings = (tenant.settings if tenant else None) or {}
    default = DEFAULT_POLICY["catalog"][TARGET_KEY]
    return float(settings.get("catalog", {}).get(TARGET_KEY, default))


async def one_window_ratio(
    session: AsyncSession,
    actor: Actor,
    tenant_id: uuid.UUID,
    site_id: uuid.UUID | None,
    *,
    preview: bool,
    version: CatalogVersion | None = None,
) -> OneWindowRatio:
    """The ratio at ``site_id`` (its effective catalog), or for the whole county without one;
    ``preview`` (the approved, unpublished state) only for those who may see it."""
    if preview:
        await require_preview(session, actor)
    version = await catalog_version(session, version)
    target = await ratio_target(session, tenant_id)
    if site_id is not None:
        folded = await effective_catalog(
            session, tenant_id, site_id, preview=preview, version=version
        )
        counted = site_ratio(folded)
    else:
        counted = county_ratio(await catalog_data(session, tenant_id, version, preview=preview))
    return replace(counted, target=target, release=version.release or None)
