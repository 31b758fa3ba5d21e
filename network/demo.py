"""Load the demo site network (``network.demo_data``) through the real service rules."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from network import service
from network.demo_data import DemoCounty
from network.models import Site, SiteLevel, StandardClass, ZoneKind

_ALL_ZONES = [{"kind": k.value, "mergedWith": None, "note": None} for k in ZoneKind]


def demo_zones(level: SiteLevel, standard_class: StandardClass) -> list[dict]:
    """Functional zones (001) as a site of this level and class would have them: every zone at
    the county centre and at standard and benchmark centres; a basic township centre merges
    public information into the waiting area and has no self-service corner; a village station
    keeps windows and waiting, with public information on its waiting-area wall."""
    if level is SiteLevel.VILLAGE_STATION:
        return [
            {"kind": "WINDOWS", "mergedWith": None, "note": "1 个综合窗口,兼咨询引导"},
            {"kind": "CONSULTATION", "mergedWith": "WINDOWS", "note": None},
            {"kind": "WAITING", "mergedWith": None, "note": None},
            {"kind": "PUBLIC_INFORMATION", "mergedWith": "WAITING", "note": "公开栏"},
        ]
    if level is SiteLevel.TOWNSHIP_CENTER and standard_class is StandardClass.BASIC:
        return [
            {"kind": "CONSULTATION", "mergedWith": None, "note": None},
            {"kind": "WINDOWS", "mergedWith": None, "note": None},
            {"kind": "WAITING", "mergedWith": None, "note": None},
            {"kind": "PUBLIC_INFORMATION", "mergedWith": "WAITING", "note": None},
        ]
    return [dict(z) for z in _ALL_ZONES]


async def load_sites(
    session: AsyncSession, actor: Actor, county: DemoCounty, root: Site
) -> dict[str, Site]:
    """Create every site below the county centre; returns sites by demo key."""
    root_spec = county.sites[0]
    root.address = root_spec.address
    root.lat, root.lng = root_spec.lat, root_spec.lng
    root.opening_hours = root_spec.opening_hours
    root.standard_class = StandardClass(root_spec.standard_class)
    root.zones = demo_zones(root.level, root.standard_class)
    by_key: dict[str, Site] = {root_spec.key: root}
    for spec in county.sites[1:]:
        parent = by_key[spec.parent_key]  # type: ignore[index]
        site = await service.create_site(
            session,
            actor,
            service.NewSite(
                parent_id=parent.id,
                level=SiteLevel(spec.level),
                name=spec.name,
                division_code=spec.division_code,
                address=spec.address,
                location=service.Location(spec.lat, spec.lng),
                standard_class=StandardClass(spec.standard_class),
                opening_hours=spec.opening_hours,
                managing_department=spec.managing_department,
            ),
        )
        site.zones = demo_zones(site.level, site.standard_class)
        by_key[spec.key] = site
        if spec.level != SiteLevel.VILLAGE_STATION:
            await session.flush()
    return by_key


def site_ids(sites: dict[str, Site]) -> dict[str, uuid.UUID]:
    return {key: site.id for key, site in sites.items()}
