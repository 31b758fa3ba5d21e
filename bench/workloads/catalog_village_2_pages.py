"""EffectiveCatalog of 盐店村 page after page (first: 200, after: …) through the whole list of
~1,100 entries; each request is one page, the clients cycle over the six pages (warm)."""

from __future__ import annotations

import itertools

from bench.context import Ctx
from bench.workloads import _catalog as cat

NAME = "catalog_village_2_pages"
DESCRIPTION = "EffectiveCatalog of 盐店村, every page of 200 in turn (warm)"
_turn = itertools.count()


async def setup(ctx: Ctx) -> None:
    await cat.setup_village(ctx)
    ctx.state["bodies"] = [cat.body(ctx, after) for after in ctx.state["cursors"]]


def request(ctx: Ctx) -> tuple[str, dict, dict]:
    bodies = ctx.state["bodies"]
    return "/graphql", bodies[next(_turn) % len(bodies)], ctx.state["headers"]


def check(ctx: Ctx, payload: dict) -> None:
    cat.check_page(payload)


async def sql_floor(ctx: Ctx):
    pages = len(ctx.state["cursors"])
    turn = itertools.count()

    async def op(conn) -> None:
        await cat.floor_page(conn, ctx, (next(turn) % pages) * cat.PAGE)

    return op
