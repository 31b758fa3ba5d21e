"""Load the demo site network (``network.demo_data``) through the real service rules."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from network import service
from network.demo_data import DemoCounty
from network.models import Site, SiteLevel, StandardClass


async def load_sites(
    session: AsyncSession, actor: Actor, county: DemoCounty, root: Site
) -> dict[str, Site]:
    """Create every site below the county centre; returns sites by demo key."""
    root_spec = county.sites[0]
    root.address = root_spec.address
    root.lat, root.lng = root_spec.lat, root_spec.lng
    root.opening_hours = root_spec.opening_hours
    root.standard_class = StandardClass(root_spec.standard_class)
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
        by_key[spec.key] = site
        if spec.level != SiteLevel.VILLAGE_STATION:
            await session.flush()
    return by_key


def site_ids(sites: dict[str, Site]) -> dict[str, uuid.UUID]:
    return {key: site.id for key, site in sites.items()}
