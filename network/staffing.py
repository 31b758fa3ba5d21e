"""Who works at a site is the workforce's business, a layer above: the network asks through
the functions the composition root registers here (``api.schema`` wires workforce's).

- ``staffed_sites(session, site_ids)``: the sites where someone counts today (a suspended
  person does not) — the public app sends nobody to a window without staff;
- ``people_to_move(session, site_id)``: who is assigned at the site today or later, by name — a
  site is not closed under them.

Without a registration (a network used alone) every site counts as staffed and nobody blocks
a closure.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

StaffedSites = Callable[[AsyncSession, Sequence[uuid.UUID]], Awaitable[set[uuid.UUID]]]
PeopleToMove = Callable[[AsyncSession, uuid.UUID], Awaitable[list[str]]]

_staffed: StaffedSites | None = None
_people: PeopleToMove | None = None


def use_staffing(staffed: StaffedSites, people: PeopleToMove) -> None:
    global _staffed, _people
    _staffed, _people = staffed, people


async def staffed_sites(session: AsyncSession, site_ids: Sequence[uuid.UUID]) -> set[uuid.UUID]:
    if _staffed is None:
        return set(site_ids)
    return await _staffed(session, site_ids)


async def people_to_move(session: AsyncSession, site_id: uuid.UUID) -> list[str]:
    if _people is None:
        return []
    return await _people(session, site_id)
