"""SiteStaff (the contract's document) of the county centre, ``first: 200``, as county-admin.

涟水县's county centre has about 25 people placed on the day: the seven service areas' front
staff, minus those covering at a township today, plus those redeployed to it. Each edge asks
for the assignment and its staff (joined in the same query, no DataLoader round trip).
"""

from __future__ import annotations

import datetime as dt

from bench.context import Ctx
from bench.floor import FloorConnection
from bench.workloads import _network as net
from bench.workloads import _workforce as wf

NAME = "workforce_site_staff"
DESCRIPTION = "SiteStaff of the county centre (assignments in force today), first: 200"


async def setup(ctx: Ctx) -> None:
    root = await net.county_centre(ctx)
    ctx.state["root_id"] = ctx.decode_id(root["id"])[1]
    ctx.state["body"] = {
        "query": wf.SITE_STAFF,
        "operationName": "SiteStaff",
        "variables": {"siteId": root["id"], "first": 200},
    }
    ctx.state["headers"] = await ctx.auth_headers(net.ADMIN, net.COUNTY)
    ctx.state.update(await net.actor_ids(ctx))


def request(ctx: Ctx) -> tuple[str, dict, dict]:
    return "/graphql", ctx.state["body"], ctx.state["headers"]


def check(ctx: Ctx, payload: dict) -> None:
    page = payload["data"]["node"]["assignmentsOn"]
    assert page["totalCount"] == len(page["edges"]) > 10, page
    assert all(e["node"]["staff"]["name"] for e in page["edges"]), page


async def sql_floor(ctx: Ctx):
    root_id = ctx.state["root_id"]
    user_id, tenant_id = ctx.state["user_id"], ctx.state["tenant_id"]

    async def op(conn: FloorConnection) -> None:
        today = dt.date.today()
        async with conn.transaction(tenant_id):
            await net.load_actor(conn, user_id, tenant_id)
            await conn.fetch(  # node(id:) through the site DataLoader
                "SELECT * FROM sites WHERE id = $1 AND tenant_id = $2", root_id, tenant_id
            )
            await conn.fetch(
                "SELECT ancestor_id FROM site_closure WHERE descendant_id = $1 AND tenant_id = $2"
                " ORDER BY depth",
                root_id,
                tenant_id,
            )
            await conn.fetchval(
                "SELECT count(*) FROM staff_assignments a"
                f" WHERE a.tenant_id = $1 AND a.site_id = $2 AND {wf.placing(3)}",
                tenant_id,
                root_id,
                today,
            )
            await conn.fetch(
                "SELECT a.*, s.* FROM staff_assignments a JOIN staff s ON s.id = a.staff_id"
                " WHERE a.tenant_id = $1 AND s.tenant_id = $1 AND a.site_id = $2"
                f" AND {wf.placing(3)}"
                " ORDER BY a.post, s.name, a.id LIMIT 200 OFFSET 0",
                tenant_id,
                root_id,
                today,
            )

    return op
