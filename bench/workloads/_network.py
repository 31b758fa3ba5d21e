"""Shared by the network workloads: the demo county, finding demo sites, the actor's reads."""

from __future__ import annotations

import uuid
from typing import Any

from bench.context import Ctx, SetupError
from bench.floor import FloorConnection
from bench.operations import operation
from network.demo_data import lianshui

COUNTY = "320826"  # 涟水县
ADMIN = "county-admin"
ME = operation("network.graphql", "Me")
SITE_CHILDREN = operation("network.graphql", "SiteChildren")
SITE_DETAIL = operation("network.graphql", "SiteDetail")


async def children(ctx: Ctx, parent_id: str | None, level: str | None = None) -> list[dict]:
    """Every child of ``parent_id`` (paging through), over the contract's SiteChildren."""
    nodes: list[dict] = []
    after = None
    while True:
        data = await ctx.graphql(
            SITE_CHILDREN,
            {"parentId": parent_id, "level": level, "first": 200, "after": after},
            username=ADMIN,
            tenant=COUNTY,
        )
        nodes += [edge["node"] for edge in data["sites"]["edges"]]
        if not data["sites"]["pageInfo"]["hasNextPage"]:
            return nodes
        after = data["sites"]["pageInfo"]["endCursor"]


async def county_centre(ctx: Ctx) -> dict:
    roots = await children(ctx, None, "COUNTY_CENTER")
    if len(roots) != 1:
        raise SetupError(f"expected one county centre, found {len(roots)}")
    return roots[0]


async def demo_site(ctx: Ctx, key: str) -> dict:
    """The site of demo key ``key`` (e.g. ``gaogou.yandian``), found by walking down by name."""
    specs = {s.key: s for s in lianshui().sites}
    chain = []
    spec = specs[key]
    while spec.parent_key is not None:
        chain.append(spec.name)
        spec = specs[spec.parent_key]
    node = await county_centre(ctx)
    for name in reversed(chain):
        matches = [n for n in await children(ctx, node["id"]) if n["name"] == name]
        if len(matches) != 1:
            raise SetupError(f"demo site {key}: no single child {name!r} under {node['name']}")
        node = matches[0]
    return node


async def actor_ids(ctx: Ctx) -> dict[str, uuid.UUID]:
    """The county administrator's user and tenant UUIDs (for the SQL floor), via ``Me``."""
    me = (await ctx.graphql(ME, username=ADMIN, tenant=COUNTY))["me"]
    return {
        "user_id": ctx.decode_id(me["id"])[1],
        "tenant_id": ctx.decode_id(me["tenant"]["id"])[1],
    }


async def load_actor(conn: FloorConnection, user_id: Any, tenant_id: Any) -> None:
    """What the server reads for every bearer token: the user joined to its county."""
    await conn.fetch(
        "SELECT users.username, users.status, users.staff_id, tenants.status,"
        " tenants.authz_version FROM users LEFT OUTER JOIN tenants"
        " ON tenants.id = users.tenant_id WHERE users.id = $1 AND users.tenant_id = $2",
        user_id,
        tenant_id,
    )
