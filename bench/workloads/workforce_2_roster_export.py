"""Roster export (花名册导出) of the whole demo county as county-admin, end to end.

Each request is a new ``exportRoster`` (its own ``requestId``): with no Redis configured the
JobQueue runs the job inline, so the request covers the job row, the roster query (every person
placed today in the county, with site and assignment), the ``.xlsx`` written with openpyxl and
stored in the local storage; then the client downloads the file from ``resultUrl``.
Writes job rows and files only, never staff data.
"""

from __future__ import annotations

import datetime as dt
import uuid

import httpx

from bench.context import Ctx
from bench.floor import FloorConnection
from bench.workloads import _network as net
from bench.workloads import _workforce as wf

NAME = "workforce_roster_export"
DESCRIPTION = "exportRoster of the whole county (inline job, ~450 rows .xlsx) + download"
EXPORT = """mutation ExportRoster($input: ExportRosterInput!) {
  exportRoster(input: $input) {
    job { id status resultUrl resultFilename error }
    userErrors { field code message }
  }
}"""


async def setup(ctx: Ctx) -> None:
    root = await net.county_centre(ctx)
    ctx.state["root_id"] = ctx.decode_id(root["id"])[1]
    ctx.state["headers"] = await ctx.auth_headers(net.ADMIN, net.COUNTY)
    ctx.state.update(await net.actor_ids(ctx))


async def call(client: httpx.AsyncClient, ctx: Ctx) -> None:
    body = {
        "query": EXPORT,
        "operationName": "ExportRoster",
        "variables": {"input": {"requestId": uuid.uuid4().hex}},
    }
    response = await client.post("/graphql", json=body, headers=ctx.state["headers"])
    response.raise_for_status()
    payload = response.json()
    if payload.get("errors"):
        raise AssertionError(f"GraphQL errors: {payload['errors']}")
    job = payload["data"]["exportRoster"]["job"]
    if job is None or job["status"] != "SUCCEEDED":
        raise AssertionError(f"export not done: {payload}")
    download = await client.get(job["resultUrl"])
    download.raise_for_status()
    if not download.content.startswith(b"PK") or len(download.content) < 10_000:
        raise AssertionError(f"not a roster workbook ({len(download.content)} bytes)")


async def sql_floor(ctx: Ctx):
    root_id = ctx.state["root_id"]
    user_id, tenant_id = ctx.state["user_id"], ctx.state["tenant_id"]

    async def op(conn: FloorConnection) -> None:
        today = dt.date.today()
        async with conn.transaction(tenant_id):
            await net.load_actor(conn, user_id, tenant_id)
            await conn.fetch(
                "SELECT * FROM sites WHERE tenant_id = $1 AND level = 'COUNTY_CENTER'", tenant_id
            )
            await conn.fetch(
                "SELECT s.*, a.*, site.* FROM staff s"
                " JOIN staff_assignments a ON a.staff_id = s.id"
                " JOIN sites site ON site.id = a.site_id"
                " WHERE s.tenant_id = $1 AND a.tenant_id = $1 AND site.tenant_id = $1"
                " AND a.site_id IN (SELECT descendant_id FROM site_closure"
                "   WHERE ancestor_id = $2 AND tenant_id = $1)"
                f" AND {wf.placing(3)}"
                " ORDER BY site.depth, site.division_code, site.name, s.name, s.id",
                tenant_id,
                root_id,
                today,
            )

    return op
