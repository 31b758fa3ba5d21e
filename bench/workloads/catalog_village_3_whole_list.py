"""The whole effective catalog of 盐店村 (~1,100 entries): one operation = every page of 200,
one after the other, as a client that shows the full list does (warm)."""

from __future__ import annotations

import httpx

from bench.context import Ctx
from bench.workloads import _catalog as cat

NAME = "catalog_village_3_whole_list"
DESCRIPTION = "EffectiveCatalog of 盐店村, the whole list (all pages of 200) per operation (warm)"


async def setup(ctx: Ctx) -> None:
    await cat.setup_village(ctx)
    ctx.state["bodies"] = [cat.body(ctx, after) for after in ctx.state["cursors"]]


async def call(client: httpx.AsyncClient, ctx: Ctx) -> None:
    seen = 0
    for body in ctx.state["bodies"]:
        response = await client.post("/graphql", json=body, headers=ctx.state["headers"])
        response.raise_for_status()
        payload = response.json()
        if "errors" in payload:
            raise RuntimeError(str(payload["errors"])[:200])
        seen += len(payload["data"]["effectiveCatalog"]["edges"])
    if seen != ctx.state["total"]:
        raise RuntimeError(f"whole list has {seen} entries, expected {ctx.state['total']}")


async def sql_floor(ctx: Ctx):
    pages = len(ctx.state["cursors"])

    async def op(conn) -> None:
        for page in range(pages):
            await cat.floor_page(conn, ctx, page * cat.PAGE)

    return op
