"""A county for the assessment tests: ten window staff at 甲镇 (township head ``head_a``), one at
乙镇, one at the county centre, hired before 2026; the services' day pinned to 2026-03-16."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from tests.support.factories import County
from tests.support.workforce import hire
from workforce import common
from workforce.models import Staff

TODAY = date(2026, 3, 16)
JAN = date(2026, 1, 1)
FEB = date(2026, 2, 1)


@contextmanager
def pinned(day: date = TODAY):
    before = common.pinned_today
    common.pinned_today = day
    try:
        yield day
    finally:
        common.pinned_today = before


@dataclass
class World:
    county: County
    town_a: list[Staff] = field(default_factory=list)
    town_b: Staff | None = None
    centre: Staff | None = None


async def build_world(county: County) -> World:
    world = World(county)
    with pinned():
        for i in range(10):
            world.town_a.append(
                await hire(
                    county, "town_a", name=f"甲镇{i}", hire_date=date(2024, 1, 2 + i), actor="admin"
                )
            )
        world.town_b = await hire(county, "town_b", name="乙镇人", hire_date=date(2024, 5, 6))
        world.centre = await hire(county, "root", name="中心人", hire_date=date(2024, 5, 6))
    return world
