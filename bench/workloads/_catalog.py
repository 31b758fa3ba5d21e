"""Shared by the catalog workloads: 盐店村's effective catalog as its window staff, and the floor.

盐店村 (gaogou.yandian) sits under 高沟镇: its effective catalog folds ~1,100 county definitions
with overrides of the county centre, of 高沟镇 and of the station itself, and the HR bureau's
delegations to 高沟镇 and its villages (``catalog.demo``).
"""

from __future__ import annotations

from typing import Any

from bench.context import Ctx
from bench.floor import FloorConnection, placeholders
from bench.operations import operation
from bench.workloads import _network as net

COUNTY = net.COUNTY
STAFF = "yandian-staff"
SITE_KEY = "gaogou.yandian"
EFFECTIVE = operation("catalog.graphql", "EffectiveCatalog")
PAGE = 200


async def setup_village(ctx: Ctx) -> None:
    site = await net.demo_site(ctx, SITE_KEY)
    ctx.state["site_gid"] = site["id"]
    ctx.state["site_id"] = ctx.decode_id(site["id"])[1]
    ctx.state["headers"] = await ctx.auth_headers(STAFF, COUNTY)
    me = (await ctx.graphql(net.ME, username=STAFF, tenant=COUNTY))["me"]
    ctx.state["user_id"] = ctx.decode_id(me["id"])[1]
    ctx.state["tenant_id"] = ctx.decode_id(me["tenant"]["id"])[1]
    # The cursors of every page of the whole list (first: 200, after: …).
    cursors: list[str | None] = [None]
    while True:
        data = await ctx.graphql(
            EFFECTIVE,
            {"siteId": site["id"], "first": PAGE, "after": cursors[-1]},
            username=STAFF,
            tenant=COUNTY,
        )
        page = data["effectiveCatalog"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        cursors.append(page["pageInfo"]["endCursor"])
    ctx.state["cursors"] = cursors
    ctx.state["total"] = page["totalCount"]


def body(ctx: Ctx, after: str | None) -> dict[str, Any]:
    return {
        "query": EFFECTIVE,
        "operationName": "EffectiveCatalog",
        "variables": {"siteId": ctx.state["site_gid"], "first": PAGE, "after": after},
    }


def check_page(payload: dict, total_at_least: int = 1000) -> None:
    page = payload["data"]["effectiveCatalog"]
    assert page["totalCount"] >= total_at_least, page["totalCount"]
    assert page["release"] >= 2, page["release"]
    assert 0 < len(page["edges"]) <= PAGE
    shaped = [e["node"]["overriddenAt"] for e in page["edges"] if e["node"]["overriddenAt"]]
    assert shaped, "no override reached the village"


async def floor_page(conn: FloorConnection, ctx: Ctx, offset: int) -> None:
    """One page straight from the working tables: the actor, the catalog version, the chain
    (closure table), the page of definitions with each one's nearest override along the chain,
    the count, and the delegations of the chain for the page's codes."""
    site_id, tenant_id = ctx.state["site_id"], ctx.state["tenant_id"]
    async with conn.transaction(tenant_id):
        await net.load_actor(conn, ctx.state["user_id"], tenant_id)
        await conn.fetch(
            "SELECT latest_release, draft_version FROM catalog_state WHERE tenant_id = $1",
            tenant_id,
        )
        await conn.fetch(
            "SELECT s.id, s.level FROM sites s JOIN site_closure c ON c.ancestor_id = s.id"
            " WHERE c.descendant_id = $1 AND c.tenant_id = $2 AND s.tenant_id = $2"
            " ORDER BY c.depth DESC",
            site_id,
            tenant_id,
        )
        # Each matter's nearest override along the chain (closure depth), in one pass.
        folded = (
            "WITH chain AS (SELECT ancestor_id, depth FROM site_closure"
            " WHERE descendant_id = $1 AND tenant_id = $2),"
            " nearest AS (SELECT o.*, row_number() OVER"
            " (PARTITION BY o.matter_code ORDER BY c.depth) AS rn"
            " FROM catalog_overrides o JOIN chain c ON c.ancestor_id = o.site_id"
            " WHERE o.tenant_id = $2)"
            " SELECT {columns} FROM catalog_matters m"
            " LEFT JOIN nearest n ON n.matter_code = m.code AND n.rn = 1"
            " WHERE m.tenant_id = $2 AND m.status = 'ACTIVE' AND coalesce(n.offered, true)"
        )
        await conn.fetchval(folded.format(columns="count(*)"), site_id, tenant_id)
        rows = await conn.fetch(
            folded.format(
                columns="m.code, m.name, m.type, m.handling_kind, m.legal_limit_days,"
                " m.promised_limit_days, m.levels, m.materials, m.department_id, n.site_id,"
                " n.promised_limit_days, n.accepted_here, n.processed_here, n.materials, n.note"
            )
            + f" ORDER BY m.code LIMIT {PAGE} OFFSET {offset}",
            site_id,
            tenant_id,
        )
        codes, values = placeholders(conn, [r[0] for r in rows], 3)
        await conn.fetch(
            "SELECT d.matter_code, d.accept, d.process, d.include_below, c.depth"
            " FROM catalog_delegations d JOIN site_closure c ON c.ancestor_id = d.site_id"
            " WHERE c.descendant_id = $1 AND c.tenant_id = $2 AND d.tenant_id = $2"
            f" AND d.matter_code {codes}",
            site_id,
            tenant_id,
            *values,
        )
