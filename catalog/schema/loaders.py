"""The catalog's per-request DataLoaders (rows; the types wrap them)."""

from __future__ import annotations

import uuid

from api.gql.context import AppContext
from api.gql.loaders import aligned, batch
from catalog import definitions
from catalog.models import Department


@batch("catalog.department")
async def department_loader(ctx: AppContext, ids: list[uuid.UUID]) -> list[Department | None]:
    async with ctx.read() as session:
        found = await definitions.departments_by_id(session, ids)
    return aligned(ids, found)
