"""Site standard classes (003): 基础型 / 标准型 / 标杆型, set by the county office; the county's
report of its township centres against its targets (tenant policy, default 100% at standard,
30% at benchmark). A benchmark centre is also at standard: the standard share counts both."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from network.access import require
from network.models import Site, SiteLevel, SiteStatus, StandardClass
from network.tree import require_county_center
from tenants.models import Tenant
from tenants.policy import DEFAULT_POLICY

# Setting a class is the county office's (county_admin holds every action; nobody else is
# given this one by the default policy): a township does not grade its own centre.
SET_CLASS = ("site.standard_class", "set")
REPORT = ("network.report", "read")
STANDARD_KEY = "township_standard_ratio_target"
BENCHMARK_KEY = "township_benchmark_ratio_target"


@dataclass
class StandardReport:
    """The county's open township centres by class, the shares and the county's targets."""

    basic: list[Site] = field(default_factory=list)
    standard: list[Site] = field(default_factory=list)
    benchmark: list[Site] = field(default_factory=list)
    standard_target: float = 1.0
    benchmark_target: float = 0.3

    @property
    def total(self) -> int:
        return len(self.basic) + len(self.standard) + len(self.benchmark)

    @property
    def standard_share(self) -> float:
        """At standard or above (标准型 and 标杆型)."""
        return 1.0 if not self.total else (len(self.standard) + len(self.benchmark)) / self.total

    @property
    def benchmark_share(self) -> float:
        return 1.0 if not self.total else len(self.benchmark) / self.total


async def targets(session: AsyncSession, tenant_id: uuid.UUID) -> tuple[float, float]:
    """The county's targets (tenant settings over the default policy)."""
    tenant = await session.get(Tenant, tenant_id)
    settings = ((tenant.settings if tenant else None) or {}).get("network", {})
    default = DEFAULT_POLICY["network"]
    return (
        float(settings.get(STANDARD_KEY, default[STANDARD_KEY])),
        float(settings.get(BENCHMARK_KEY, default[BENCHMARK_KEY])),
    )


async def standard_report(session: AsyncSession, actor: Actor) -> StandardReport:
    tenant_id = actor.require_tenant_user()
    root = await require_county_center(session)
    await require(session, actor, *REPORT, root.id, root.official_name)
    rows = await session.execute(
        select(Site)
        .where(Site.level == SiteLevel.TOWNSHIP_CENTER, Site.status == SiteStatus.OPEN)
        .order_by(Site.division_code, Site.name)
    )
    report = StandardReport()
    report.standard_target, report.benchmark_target = await targets(session, tenant_id)
    for site in rows.scalars():
        {
            StandardClass.BASIC: report.basic,
            StandardClass.STANDARD: report.standard,
            StandardClass.BENCHMARK: report.benchmark,
        }[site.standard_class].append(site)
    return report
