"""The contract's MatterGuide (``publicMatter``), anonymous, as the mobile app asks it: the
published guide of one matter at 盐店村, cycling through the village's matters (warm)."""

from __future__ import annotations

import itertools

from bench.context import Ctx
from bench.operations import operation
from bench.workloads import _catalog as cat

NAME = "catalog_public_matter"
DESCRIPTION = "publicMatter (MatterGuide) of 盐店村, anonymous, one matter after another (warm)"
MATTER_GUIDE = operation("public.graphql", "MatterGuide")


async def setup(ctx: Ctx) -> None:
    await cat.setup_village(ctx)
    first = await ctx.graphql(
        cat.EFFECTIVE,
        {"siteId": ctx.state["site_gid"], "first": cat.PAGE},
        username=cat.STAFF,
        tenant=cat.COUNTY,
    )
    codes = [edge["node"]["code"] for edge in first["effectiveCatalog"]["edges"]]
    ctx.state["bodies"] = [
        {
            "query": MATTER_GUIDE,
            "operationName": "MatterGuide",
            "variables": {"tenant": cat.COUNTY, "siteId": ctx.state["site_gid"], "code": code},
        }
        for code in codes
    ]
    ctx.state["next"] = itertools.count()


def request(ctx: Ctx) -> tuple[str, dict, dict]:
    bodies = ctx.state["bodies"]
    return "/graphql", bodies[next(ctx.state["next"]) % len(bodies)], {}


def check(ctx: Ctx, payload: dict) -> None:
    assert payload["data"]["publicMatter"]["release"] >= 2, payload
