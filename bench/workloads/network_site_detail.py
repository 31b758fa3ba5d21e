"""SiteDetail (the contract's document) on the village station 盐店村, as 涟水县's county-admin.

One ``node(id:)`` with the site's own fields, its parent, its ancestors (closure table) and
its staff count (people placed there today): the page a console opens when a site is clicked.
"""

from __future__ import annotations

import datetime as dt

from bench.context import Ctx
from bench.floor import FloorConnection, table_exists
from bench.workloads import _network as net

NAME = "network_site_detail"
DESCRIPTION = "SiteDetail of 盐店村 (gaogou.yandian) as county-admin"
SITE_KEY = "gaogou.yandian"

# staffCount: the people an assignment places at the site today. A TEMPORARY_COVER in force
# wins, then a VILLAGE_DISPATCH, then the REGULAR assignment (workforce.placement.placing).
IN_FORCE = "{t}.start_date <= $3 AND ({t}.end_date IS NULL OR {t}.end_date >= $3)"
OTHER_IN_FORCE = (
    "SELECT 1 FROM staff_assignments o WHERE o.staff_id = a.staff_id AND o.tenant_id = $2"
    f" AND {IN_FORCE.format(t='o')}"
)
STAFF_COUNT = (
    "SELECT a.site_id, count(DISTINCT a.staff_id) FROM staff_assignments a"
    f" WHERE a.site_id = $1 AND a.tenant_id = $2 AND {IN_FORCE.format(t='a')}"
    " AND (a.kind = 'TEMPORARY_COVER'"
    " OR (a.kind = 'VILLAGE_DISPATCH'"
    f" AND NOT EXISTS ({OTHER_IN_FORCE} AND o.kind = 'TEMPORARY_COVER'))"
    " OR (a.kind = 'REGULAR'"
    f" AND NOT EXISTS ({OTHER_IN_FORCE} AND o.kind IN ('TEMPORARY_COVER', 'VILLAGE_DISPATCH'))))"
    " GROUP BY a.site_id"
)


async def setup(ctx: Ctx) -> None:
    site = await net.demo_site(ctx, SITE_KEY)
    ctx.state["site_id"] = ctx.decode_id(site["id"])[1]
    ctx.state["body"] = {
        "query": net.SITE_DETAIL,
        "operationName": "SiteDetail",
        "variables": {"id": site["id"]},
    }
    ctx.state["headers"] = await ctx.auth_headers(net.ADMIN, net.COUNTY)
    ctx.state.update(await net.actor_ids(ctx))


def request(ctx: Ctx) -> tuple[str, dict, dict]:
    return "/graphql", ctx.state["body"], ctx.state["headers"]


def check(ctx: Ctx, payload: dict) -> None:
    node = payload["data"]["node"]
    assert node["name"] == "盐店村", node
    assert node["parent"]["name"] == "高沟镇", node
    assert [a["level"] for a in node["ancestors"]] == ["COUNTY_CENTER", "TOWNSHIP_CENTER"], node
    assert isinstance(node["staffCount"], int), node


async def sql_floor(ctx: Ctx):
    site_id = ctx.state["site_id"]
    user_id, tenant_id = ctx.state["user_id"], ctx.state["tenant_id"]
    staffed: list[bool] = []  # whether this tree has workforce's table (probed once)

    async def op(conn: FloorConnection) -> None:
        if not staffed:
            staffed.append(await table_exists(conn, "staff_assignments"))
        async with conn.transaction(tenant_id):
            await net.load_actor(conn, user_id, tenant_id)
            rows = await conn.fetch(
                "SELECT * FROM sites WHERE id = $1 AND tenant_id = $2", site_id, tenant_id
            )
            await conn.fetch(
                "SELECT * FROM sites WHERE id = $1 AND tenant_id = $2",
                rows[0]["parent_id"],
                tenant_id,
            )
            await conn.fetch(
                "SELECT sites.* FROM sites JOIN site_closure"
                " ON site_closure.ancestor_id = sites.id AND site_closure.tenant_id = $2"
                " WHERE site_closure.descendant_id = $1 AND site_closure.depth > 0"
                " AND sites.tenant_id = $2 ORDER BY site_closure.depth DESC",
                site_id,
                tenant_id,
            )
            if staffed[0]:
                await conn.fetch(STAFF_COUNT, site_id, tenant_id, dt.date.today())

    return op
