"""The catalog's Relay nodes (``node(id:)``): each registered with its resolver on import."""

from __future__ import annotations

import uuid

from api.gql.context import AppContext
from api.gql.nodes import register_node
from catalog import changes, drafts, releases
from catalog.schema.history import CatalogChangeType, CatalogReleaseType
from catalog.schema.loaders import department_loader
from catalog.schema.types import DepartmentType, MatterDefinitionType


async def department_node(ctx: AppContext, object_id: uuid.UUID) -> DepartmentType | None:
    ctx.tenant_id()
    row = await department_loader(ctx).load(object_id)
    return DepartmentType.from_row(row) if row else None


async def matter_node(ctx: AppContext, object_id: uuid.UUID) -> MatterDefinitionType | None:
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await drafts.matter_by_id(session, ctx.actor, object_id)
    return MatterDefinitionType.from_row(row) if row else None


async def change_node(ctx: AppContext, object_id: uuid.UUID) -> CatalogChangeType | None:
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await changes.visible_change(session, ctx.actor, object_id)
    return CatalogChangeType.from_row(row) if row else None


async def release_node(ctx: AppContext, object_id: uuid.UUID) -> CatalogReleaseType | None:
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await releases.release_by_id(session, object_id)
    return CatalogReleaseType.from_row(row) if row else None


register_node("Department", department_node)
register_node("Matter", matter_node)
register_node("CatalogChange", change_node)
register_node("CatalogRelease", release_node)
