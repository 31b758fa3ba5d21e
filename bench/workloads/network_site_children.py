"""SiteChildren (the contract's document) of the county centre, ``first: 200``, as county-admin.

The county centre of 涟水县 has 23 children (7 sub-centres, 16 township centres); each edge
asks for ``childCount``, batched by a DataLoader into one grouped count.
"""

from __future__ import annotations

from bench.context import Ctx
from bench.floor import FloorConnection, placeholders
from bench.workloads import _network as net

NAME = "network_site_children"
DESCRIPTION = "SiteChildren of the county centre, first: 200, as county-admin"


async def setup(ctx: Ctx) -> None:
    root = await net.county_centre(ctx)
    ctx.state["root_id"] = ctx.decode_id(root["id"])[1]
    ctx.state["body"] = {
        "query": net.SITE_CHILDREN,
        "operationName": "SiteChildren",
        "variables": {"parentId": root["id"], "first": 200},
    }
    ctx.state["headers"] = await ctx.auth_headers(net.ADMIN, net.COUNTY)
    ctx.state.update(await net.actor_ids(ctx))


def request(ctx: Ctx) -> tuple[str, dict, dict]:
    return "/graphql", ctx.state["body"], ctx.state["headers"]


def check(ctx: Ctx, payload: dict) -> None:
    sites = payload["data"]["sites"]
    assert sites["totalCount"] == len(sites["edges"]) > 0, sites
    assert not sites["pageInfo"]["hasNextPage"], sites
    assert sum(e["node"]["childCount"] for e in sites["edges"]) > 0, sites


async def sql_floor(ctx: Ctx):
    root_id = ctx.state["root_id"]
    user_id, tenant_id = ctx.state["user_id"], ctx.state["tenant_id"]

    async def op(conn: FloorConnection) -> None:
        async with conn.transaction(tenant_id):
            await net.load_actor(conn, user_id, tenant_id)
            await conn.fetchval(
                "SELECT count(*) FROM (SELECT * FROM sites"
                " WHERE parent_id = $1 AND tenant_id = $2) AS page",
                root_id,
                tenant_id,
            )
            rows = await conn.fetch(
                "SELECT * FROM sites WHERE parent_id = $1 AND tenant_id = $2"
                " ORDER BY depth, division_code, name, id LIMIT 200 OFFSET 0",
                root_id,
                tenant_id,
            )
            in_list, values = placeholders(conn, [r["id"] for r in rows], 2)
            await conn.fetch(
                "SELECT parent_id, count(*) FROM sites"
                f" WHERE tenant_id = $1 AND parent_id {in_list} GROUP BY parent_id",
                tenant_id,
                *values,
            )

    return op
