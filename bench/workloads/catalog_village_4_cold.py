"""Cold after publishing: the county office changes one matter and publishes a new release,
then 盐店村's first page is read. One operation = override + publish + the first (cold) read;
the latency counted is the read's alone, with one client (publishes are the county office's
occasional act, not a load: racing publishers would measure the publish queue instead).

The cold read alone: ``python -m bench.workloads.catalog_village_4_cold --url URL`` against a
running demo server repeats override + publish + read and prints the read's latencies; with
``--reader-url URL2`` (a second server on the same database) the read is another process's.

Writes: it publishes releases, so it runs after the warm catalog workloads (name order).
"""

from __future__ import annotations

import itertools
import time

import httpx

from bench.context import Ctx
from bench.workloads import _catalog as cat

NAME = "catalog_village_4_cold_after_publish"
CONCURRENCY = 1
DESCRIPTION = "override + publishRelease, then 盐店村's first page (cold), as county-admin"
_seq = itertools.count()
OVERRIDE = """mutation($input: OverrideMatterInput!) {
  overrideMatter(input: $input) { change { status } userErrors { code } } }"""
PUBLISH = """mutation { publishRelease(input: {note: "bench"}) {
  release { number } userErrors { code } } }"""


async def setup(ctx: Ctx) -> None:
    await cat.setup_village(ctx)
    ctx.state["admin_headers"] = await ctx.auth_headers(cat.net.ADMIN, cat.COUNTY)
    root = await cat.net.county_centre(ctx)
    ctx.state["root_gid"] = root["id"]
    first = await ctx.graphql(
        cat.EFFECTIVE,
        {"siteId": ctx.state["site_gid"], "first": 200},
        username=cat.STAFF,
        tenant=cat.COUNTY,
    )
    ctx.state["codes"] = [e["node"]["code"] for e in first["effectiveCatalog"]["edges"]]
    ctx.state["body"] = cat.body(ctx, None)


async def _post(client: httpx.AsyncClient, body: dict, headers: dict) -> dict:
    response = await client.post("/graphql", json=body, headers=headers)
    response.raise_for_status()
    payload = response.json()
    if "errors" in payload:
        raise RuntimeError(str(payload["errors"])[:200])
    return payload["data"]


# Concurrent clients publish at the same time: a publish that loses the race (CONFLICT) or finds
# its change already published by another client (NOTHING_TO_PUBLISH) is not an error.
RACES = {"CONFLICT", "NOTHING_TO_PUBLISH"}


async def call(client: httpx.AsyncClient, ctx: Ctx) -> float:
    seq = next(_seq)
    codes = ctx.state["codes"]
    code = codes[(seq * 7919 + time.time_ns()) % len(codes)]
    note = f"bench {time.time_ns()} {seq}"
    data = await _post(
        client,
        {
            "query": OVERRIDE,
            "variables": {
                "input": {
                    "siteId": ctx.state["root_gid"],
                    "matterCode": code,
                    "note": note,
                }
            },
        },
        ctx.state["admin_headers"],
    )
    if {e["code"] for e in data["overrideMatter"]["userErrors"]} - RACES:
        raise RuntimeError(str(data["overrideMatter"]["userErrors"]))
    data = await _post(client, {"query": PUBLISH}, ctx.state["admin_headers"])
    if {e["code"] for e in data["publishRelease"]["userErrors"]} - RACES:
        raise RuntimeError(str(data["publishRelease"]["userErrors"]))
    reader = ctx.state.get("reader", client)  # --reader-url: another server process reads
    started = time.perf_counter()
    page = await _post(reader, ctx.state["body"], ctx.state["headers"])
    elapsed = time.perf_counter() - started
    ctx.state.setdefault("cold_ms", []).append(elapsed * 1000)
    published = data["publishRelease"]["release"]
    if published and page["effectiveCatalog"]["release"] < published["number"]:
        raise RuntimeError("the first read after publishing did not see the new release")
    return elapsed


async def _main(url: str, rounds: int, reader_url: str | None) -> None:
    import statistics

    ctx = Ctx(backend="", base_url=url, database={})
    try:
        await setup(ctx)
        async with (
            httpx.AsyncClient(base_url=url, timeout=30) as client,
            httpx.AsyncClient(base_url=reader_url or url, timeout=30) as reader,
        ):
            if reader_url:
                ctx.state["reader"] = reader
            warm = []
            for _ in range(rounds):
                await call(client, ctx)
                started = time.perf_counter()
                await _post(reader, ctx.state["body"], ctx.state["headers"])
                warm.append((time.perf_counter() - started) * 1000)
        cold = sorted(ctx.state["cold_ms"])
        print(
            f"cold read after publish: n={len(cold)} p50 {statistics.median(cold):.1f} ms"
            f" max {cold[-1]:.1f} ms; the next (warm) read p50 {statistics.median(warm):.1f} ms"
        )
    finally:
        await ctx.aclose()


if __name__ == "__main__":
    import argparse
    import asyncio

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--reader-url",
        help="read through another server process on the same database (it has to decode)",
    )
    args = parser.parse_args()
    asyncio.run(_main(args.url, args.rounds, args.reader_url))
