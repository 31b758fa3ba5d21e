"""EffectiveCatalog of every site of 涟水县 in turn (~400 sites, ``first: 200``), as the county
administrator: the first round folds each site once (cold per site), later rounds are warm.

Shows whether a whole county's catalogs stay cached, and what that costs in memory (the
runner's "server RSS" column).
"""

from __future__ import annotations

import itertools

from bench.context import Ctx
from bench.workloads import _catalog as cat
from bench.workloads import _network as net

NAME = "catalog_county_all_sites"
DESCRIPTION = "EffectiveCatalog of each of ~400 sites in turn, first page of 200, as county-admin"


async def setup(ctx: Ctx) -> None:
    sites: list[dict] = []
    frontier = [await net.county_centre(ctx)]
    while frontier:
        site = frontier.pop()
        sites.append(site)
        frontier.extend(await net.children(ctx, site["id"]))
    ctx.state["bodies"] = [
        {
            "query": cat.EFFECTIVE,
            "operationName": "EffectiveCatalog",
            "variables": {"siteId": site["id"], "first": cat.PAGE},
        }
        for site in sites
    ]
    ctx.state["headers"] = await ctx.auth_headers(net.ADMIN, net.COUNTY)
    ctx.state["next"] = itertools.count()


def request(ctx: Ctx) -> tuple[str, dict, dict]:
    bodies = ctx.state["bodies"]
    return "/graphql", bodies[next(ctx.state["next"]) % len(bodies)], ctx.state["headers"]


def check(ctx: Ctx, payload: dict) -> None:
    assert payload["data"]["effectiveCatalog"]["totalCount"] > 0
