"""The effective-catalog reads as a request makes them, shared by ``effectiveCatalog``,
``publicCatalog`` (and the other public fields) and the fast path (``catalog.schema.fastpath``):
their checked arguments, the public county, and the catalog version read with the caller."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from api.gql.context import AppContext
from api.gql.ids import query_id
from api.gql.pagination import Page, page_args
from catalog import drafts, effective, public
from catalog.effective import CatalogVersion
from catalog.fold import FoldedCatalog
from catalog.search import normalise


@dataclass(frozen=True)
class CatalogRequest:
    """Checked arguments of an ``effectiveCatalog`` / ``publicCatalog`` request."""

    tenant_id: uuid.UUID
    site_id: uuid.UUID
    preview: bool
    search: str
    page: Page


async def check_effective_catalog(
    ctx: AppContext,
    site_id: str,
    search: str | None,
    preview: bool | None,
    first: int | None,
    after: str | None,
) -> CatalogRequest:
    """Who may ask, and whether the arguments are well-formed (raises the GraphQL errors)."""
    tenant_id = ctx.tenant_id()
    site = query_id(site_id, "Site", "siteId")
    page = page_args(first, after, ctx.settings.page_cap)
    if preview:
        async with ctx.read() as session:
            await drafts.require_preview(session, ctx.actor)
    return CatalogRequest(tenant_id, site, bool(preview), normalise(search), page)


async def check_public_catalog(
    ctx: AppContext,
    tenant: str,
    site_id: str,
    search: str | None,
    first: int | None,
    after: str | None,
) -> CatalogRequest:
    """The same for anyone: the county by its code, the latest release only."""
    page = page_args(first, after, ctx.settings.page_cap)
    tenant_id = await public_tenant(ctx, tenant)
    site = query_id(site_id, "Site", "siteId")
    return CatalogRequest(tenant_id, site, False, normalise(search), page)


async def public_tenant(ctx: AppContext, code: str) -> uuid.UUID:
    """The county of an anonymous read; its counters (the catalog version) stay in the request's
    context."""
    tenant_id, known = await public.open_county(ctx.db, code)
    ctx.counters[tenant_id] = known
    return tenant_id


def known_version(ctx: AppContext, tenant_id: uuid.UUID) -> CatalogVersion | None:
    """The county's catalog version if it was read with the request's caller (or county)."""
    return effective.version_from(ctx.counters.get(tenant_id))


async def read_catalog(ctx: AppContext, request: CatalogRequest) -> FoldedCatalog:
    async with ctx.read(request.tenant_id) as session:
        return await effective.effective_catalog(
            session,
            request.tenant_id,
            request.site_id,
            preview=request.preview,
            version=known_version(ctx, request.tenant_id),
        )
