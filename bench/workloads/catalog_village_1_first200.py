"""EffectiveCatalog (the contract's document) of the village station 盐店村, ``first: 200``,
as its window staff: warm (the release's fold and the page are cached in the server)."""

from __future__ import annotations

from bench.context import Ctx
from bench.workloads import _catalog as cat

NAME = "catalog_village_1_first200"
DESCRIPTION = "EffectiveCatalog of 盐店村, first page of 200 of ~1,100, as yandian-staff (warm)"


async def setup(ctx: Ctx) -> None:
    await cat.setup_village(ctx)
    ctx.state["body"] = cat.body(ctx, None)


def request(ctx: Ctx) -> tuple[str, dict, dict]:
    return "/graphql", ctx.state["body"], ctx.state["headers"]


def check(ctx: Ctx, payload: dict) -> None:
    cat.check_page(payload)
    assert payload["data"]["effectiveCatalog"]["pageInfo"]["hasNextPage"] is True


async def sql_floor(ctx: Ctx):
    async def op(conn) -> None:
        await cat.floor_page(conn, ctx, 0)

    return op
