"""The approved, unpublished state (工作版本): who may read it, and the reads of its definitions.

Those who review or propose (``catalog:preview``) see it, supervisors too (``catalog:read``);
everyone else reads the published releases only (``catalog.effective``).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import Forbidden, check_argument, check_search
from authz.guard import Actor, require_somewhere
from catalog.definitions import CODE_MAX, get_matter
from catalog.models import Matter, MatterStatus
from catalog.search import search_matters


async def require_preview(session: AsyncSession, actor: Actor) -> None:
    """A ``preview`` read (effective catalog, bundles, ratio): those who review or propose."""
    await require_somewhere(session, actor, "catalog", "preview")


async def require_draft_reader(session: AsyncSession, actor: Actor) -> None:
    """The working definitions: those who review or propose, and supervisors."""
    try:
        await require_preview(session, actor)
    except Forbidden:
        await require_somewhere(session, actor, "catalog", "read")


async def matter_by_id(session: AsyncSession, actor: Actor, matter_id: uuid.UUID) -> Matter | None:
    """A definition by id, for a draft reader (None, and no check, when there is none)."""
    matter = await session.get(Matter, matter_id)
    if matter is not None:
        await require_draft_reader(session, actor)
    return matter


async def matter_by_code(session: AsyncSession, actor: Actor, code: str) -> Matter | None:
    await require_draft_reader(session, actor)
    check_argument(code, "code", CODE_MAX)
    return await get_matter(session, code)


async def find_matters(
    session: AsyncSession,
    actor: Actor,
    *,
    department_id: uuid.UUID | None = None,
    search: str | None = None,
) -> list[Matter]:
    """Active definitions by code, of one department when given; with ``search``, the matching
    ones, best first."""
    await require_draft_reader(session, actor)
    check_search(search)
    query = select(Matter).where(Matter.status == MatterStatus.ACTIVE)
    if department_id is not None:
        query = query.where(Matter.department_id == department_id)
    rows = list((await session.execute(query.order_by(Matter.code))).scalars())
    return search_matters(rows, search)
