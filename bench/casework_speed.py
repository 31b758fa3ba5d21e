"""Casework at county scale (issue 11, "Speed"): 1,000,000 cases in one county on PostgreSQL.

1. a fresh database (``create_test_database``), migrated as the owner; the casework tests'
   county and world (``tests.casework.world``) and a manager at the county centre;
2. the case history (``bench.casework_cases``: ``INSERT … SELECT generate_series``), then
   ``VACUUM ANALYZE`` as autovacuum would;
3. the real server (``python -m api.cli serve``, one process, the app role, row-level security
   on) and, over HTTP from this process, the contract's documents:
   - ``WorkQueue`` first page (20) as 民政局's approver at the county centre and as the county
     centre's issue desk, ``Cases`` first page (20) county-wide (the county office) and for a
     township (its head): one client (wrk on one connection) for ``--read-seconds`` after a
     2-second warm-up, p50 / p99;
   - ``ServiceReport`` for the county centre's subtree (the whole county) over the last 365 days;
   - ``AcceptCase`` by wrk at ``--clients`` keep-alive connections for ``--duration`` seconds
     after a ``--warmup`` run: p50 / p99, requests/s and the server's CPU per request
     (``--clients 1 8``: one load after the other; an answer with ``userErrors`` counts as
     failed); ``--web-workers N`` serves with N web processes; with ``--profile DIR``, py-spy
     samples the server meanwhile;
4. the deadline job (``casework.jobs.alerts_for_every_county``) over all open cases, in this
   process: the first run (records the day's alerts) and a second (records nothing).

The machine's ``/proc/loadavg`` is printed before and after: the figures are only comparable
when nothing else runs. So is PostgreSQL's ``shared_buffers``: Debian's default (128MB) holds
little of a million cases and their indexes; ``ONEWINDOW_PG_SHARED_BUFFERS=1GB
infra/dev-services`` sets what a production server would have.
Run: ``python -m bench.casework_speed [--cases 1000000]``. Not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx
from sqlalchemy import text

from api.gql.ids import global_id
from bench import profile
from bench.casework_cases import (
    captured,
    case_scans,
    explain,
    generate_history,
    history_world,
    hot_reads,
    vacuum_analyze,
    without_secondary_indexes,
)
from bench.server import cpu_seconds, free_port, wait_quiet
from bench.wrk import run_wrk, wrk_script
from casework.common import local_day
from casework.jobs import alerts_for_every_county
from migrations.runner import upgrade
from tenants.base import utcnow
from tenants.database import Database
from tests.casework.world import build_world
from tests.support.casework import person
from tests.support.factories import TEST_SECRET, make_county
from tests.support.graphql import operation
from tests.support.workforce import id_number
from workforce.models import Post

REPO = Path(__file__).resolve().parent.parent
DOCUMENT = operation("casework")
HOST = "127.0.0.1"


def loadavg() -> str:
    return Path("/proc/loadavg").read_text().strip()


def quantiles(ms: list[float]) -> str:
    ms = sorted(ms)
    p = statistics.quantiles(ms, n=100) if len(ms) > 1 else ms * 99
    return (
        f"p50 {statistics.median(ms):.1f} ms, p90 {p[89]:.1f} ms, p99 {p[98]:.1f} ms (n={len(ms)})"
    )


def start_server(
    app_url: str, data_dir: Path, log: Path, web_workers: int = 1
) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ONEWINDOW_")}
    env.update(
        ONEWINDOW_DATABASE_URL=app_url,
        ONEWINDOW_SECRET_KEY=TEST_SECRET,
        ONEWINDOW_DATA_DIR=str(data_dir),
        ONEWINDOW_WEB_WORKERS=str(web_workers),
        PYTHONUNBUFFERED="1",
    )
    command = [sys.executable, "-m", "api.cli", "serve", "--host", HOST, "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=out
        )
    return process, f"http://{HOST}:{port}"


async def wait_healthy(base_url: str, process: subprocess.Popen, limit: float = 120) -> None:
    started = time.monotonic()
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as client:
        while time.monotonic() - started < limit:
            if process.poll() is not None:
                raise RuntimeError("the server stopped; see its log")
            try:
                if (await client.get("/health")).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.5)
    raise RuntimeError("the server did not answer /health")


async def post(client: httpx.AsyncClient, token: str, name: str, variables: dict) -> dict:
    response = await client.post(
        "/graphql",
        json={"query": DOCUMENT, "operationName": name, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    response.raise_for_status()
    payload = response.json()
    if payload.get("errors"):
        raise AssertionError(f"{name}: {payload['errors']}")
    return payload["data"]


async def timed_reads(
    base_url: str,
    label: str,
    token: str,
    name: str,
    variables: dict,
    seconds: float,
    show,
    workdir: Path,
) -> dict[str, float]:
    """One client at a time: the answer checked once (httpx), then wrk on one keep-alive
    connection for ``seconds`` (a C client, as ``bench.versus``: a Python client's own
    request and response handling is milliseconds of the figure on this 2-core machine)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        data = await post(client, token, name, variables)
    print(f"  {label}: {show(data)}", flush=True)
    script = workdir / "read.lua"
    body = {"query": DOCUMENT, "operationName": name, "variables": variables}
    script.write_text(wrk_script([body], {"Authorization": f"Bearer {token}"}), encoding="utf-8")
    url = f"{base_url}/graphql"
    await asyncio.to_thread(run_wrk, url, script, connections=1, threads=1, seconds=2)
    numbers, _ = await asyncio.to_thread(
        run_wrk, url, script, connections=1, threads=1, seconds=seconds
    )
    failed = numbers["graphql_errors"] + numbers["non2xx"] + numbers.get("socket_errors", 0)
    if failed:
        raise AssertionError(f"{label}: {failed:g} failed answers under wrk")
    print(
        f"{label}: p50 {numbers['p50_us'] / 1000:.1f} ms, p99 {numbers['p99_us'] / 1000:.1f} ms,"
        f" {numbers['rps']:.0f} req/s (wrk, 1 connection, n={numbers['requests']:g})",
        flush=True,
    )
    return numbers


async def accept_load(
    base_url: str,
    server_pid: int,
    token: str,
    window_id: str,
    clients: int,
    warmup: float,
    duration: float,
    workdir: Path,
) -> None:
    """``AcceptCase`` by wrk at ``clients`` keep-alive connections (one wrk thread): a warm-up
    run, then the measured one; an answer with a non-empty ``userErrors`` counts as failed. The
    server's CPU (its web workers and job processes included) is read from ``/proc`` around the
    measured run."""
    applicant = {"kind": "PERSON", "name": "基准申请人", "idNumber": id_number(), "phone": None}
    variables = {
        "input": {
            "windowId": window_id,
            "matterCode": "MZ-001",
            "applicant": applicant,
            "channel": "COUNTER",
            "received": ["居民身份证", "户口簿", "近期半身免冠合影照片"],
        }
    }
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        data = await post(client, token, "AcceptCase", variables)
    if data["acceptCase"]["userErrors"]:
        raise AssertionError(f"acceptCase: {data['acceptCase']['userErrors']}")
    script = workdir / "accept.lua"
    body = {"query": DOCUMENT, "operationName": "AcceptCase", "variables": variables}
    script.write_text(
        wrk_script(
            [body],
            {"Authorization": f"Bearer {token}"},
            failure_markers=('"errors"', '"userErrors":[{'),
        ),
        encoding="utf-8",
    )
    url = f"{base_url}/graphql"
    await asyncio.to_thread(run_wrk, url, script, connections=clients, threads=1, seconds=warmup)
    cpu_before = cpu_seconds(server_pid)
    numbers, _ = await asyncio.to_thread(
        run_wrk, url, script, connections=clients, threads=1, seconds=duration
    )
    served = numbers["requests"]
    cpu_ms = (cpu_seconds(server_pid) - cpu_before) * 1000 / max(1.0, served)
    failed = numbers["graphql_errors"] + numbers["non2xx"] + numbers.get("socket_errors", 0)
    print(
        f"acceptCase at {clients} clients: p50 {numbers['p50_us'] / 1000:.1f} ms, "
        f"p99 {numbers['p99_us'] / 1000:.1f} ms (wrk, n={served:g}), "
        f"{numbers['rps']:.1f} req/s, server CPU {cpu_ms:.1f} ms/req, failed {failed:g}",
        flush=True,
    )


async def service_timings(db: Database, county, world, today: date, reads: int) -> None:
    """Each read's rules in-process (database and ORM, no HTTP or GraphQL): p50 of ``reads``
    calls, each in its own transaction as a request's; and how its statements on
    ``casework_cases`` read the table (EXPLAIN ANALYZE of one call's statements)."""
    for label, (who, call) in hot_reads(county, world, today).items():
        actor = await (county.actor(who) if isinstance(who, str) else who.actor())
        latencies = []
        for i in range(reads + 3):
            with captured(db) as statements:
                started = time.perf_counter()
                async with db.transaction(county.tenant_id) as session:
                    await call(session, actor)
                elapsed = (time.perf_counter() - started) * 1000
            if i >= 3 or "deadline job" in label:
                latencies.append(elapsed)
            if "deadline job" in label:
                break
        print(f"[rules] {label}: {quantiles(latencies)}", flush=True)
        for statement, parameters in statements:
            plan = await explain(db, county.tenant_id, statement, parameters, analyze=True)
            first_line = " ".join(statement.split())[:90]
            print(
                f"    {plan['Execution Time']:.1f} ms  {case_scans(plan)}  {first_line}…",
                flush=True,
            )


async def main(app_url: str, owner_url: str, workdir: Path, args) -> None:
    today = local_day(utcnow())  # the server's today: the real clock, as in production
    db = Database(app_url)
    county = await make_county(db, "基准办件县")
    world = await build_world(county)
    await person(county, "root", Post.MANAGEMENT, name="县中心主任")
    started = time.perf_counter()
    history = await history_world(world)
    async with without_secondary_indexes(owner_url) as rebuilt:
        added = await generate_history(db, history, args.cases, today, args.years)
        print(f"generated {added} in {time.perf_counter() - started:.1f} s", flush=True)
    print(
        f"with the {len(rebuilt)} secondary indexes of cases rebuilt: "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    started = time.perf_counter()
    await vacuum_analyze(owner_url)
    print(f"VACUUM ANALYZE in {time.perf_counter() - started:.1f} s", flush=True)

    async with db.engine.connect() as connection:
        buffers = (await connection.execute(text("show shared_buffers"))).scalar_one()
    print(
        f"loadavg before the measures: {loadavg()}; PostgreSQL shared_buffers {buffers}",
        flush=True,
    )
    for run in (1, 2):
        started = time.perf_counter()
        added = await alerts_for_every_county(db, today)
        print(
            f"deadline job run {run}: {time.perf_counter() - started:.2f} s, new alerts {added}",
            flush=True,
        )
    await service_timings(db, county, world, today, args.reads)
    server, base_url = start_server(
        app_url, workdir / "data", workdir / "server.log", args.web_workers
    )
    try:
        await wait_healthy(base_url, server)
        quiet = await wait_quiet(server.pid)
        print(f"server quiet (start-up jobs done) {quiet:.1f} s after /health", flush=True)
        page = {"first": 20}
        await timed_reads(
            base_url,
            "workQueue first page (民政局 approver, county centre)",
            world.approver.token(),
            "WorkQueue",
            page,
            args.read_seconds,
            lambda d: f"totalCount {d['workQueue']['totalCount']}",
            workdir,
        )
        await timed_reads(
            base_url,
            "workQueue first page (issue desk, county centre)",
            world.issuer.token(),
            "WorkQueue",
            page,
            args.read_seconds,
            lambda d: f"totalCount {d['workQueue']['totalCount']}",
            workdir,
        )
        await timed_reads(
            base_url,
            "cases first page (county office, whole county)",
            county.token("admin"),
            "Cases",
            page,
            args.read_seconds,
            lambda d: f"totalCount {d['cases']['totalCount']}",
            workdir,
        )
        await timed_reads(
            base_url,
            "cases first page (township head, 甲镇)",
            county.token("head_a"),
            "Cases",
            {**page, "siteId": county.site_gid("town_a")},
            args.read_seconds,
            lambda d: f"totalCount {d['cases']['totalCount']}",
            workdir,
        )
        await timed_reads(
            base_url,
            "cases first page (county office, overdue)",
            county.token("admin"),
            "Cases",
            {**page, "deadlineState": "OVERDUE"},
            args.read_seconds,
            lambda d: f"totalCount {d['cases']['totalCount']}",
            workdir,
        )
        year = {
            "siteId": county.site_gid("root"),
            "from": (today - timedelta(days=365)).isoformat(),
            "to": (today - timedelta(days=1)).isoformat(),
        }
        await timed_reads(
            base_url,
            "serviceReport (whole county, 365 days)",
            county.token("admin"),
            "ServiceReport",
            year,
            args.read_seconds,
            lambda d: {k: v for k, v in d["serviceReport"].items() if not isinstance(v, dict)},
            workdir,
        )
        for clients in args.clients:
            sampler = None
            if args.profile is not None:
                args.profile.mkdir(parents=True, exist_ok=True)
                raw = args.profile / f"accept-{clients}.txt"
                sampler = profile.start(server.pid, args.warmup + args.duration, raw)
            await accept_load(
                base_url,
                server.pid,
                world.desk.token(),
                global_id("Window", world.counter.id),
                clients,
                args.warmup,
                args.duration,
                workdir,
            )
            if sampler is not None:
                sampler.wait(60)
                print(profile.summarize(raw, top=25), flush=True)
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
    print(f"loadavg after: {loadavg()}", flush=True)
    await db.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument(
        "--clients", type=int, nargs="+", default=[8], help="acceptCase loads, one per number"
    )
    parser.add_argument(
        "--web-workers",
        type=int,
        default=1,
        help="the server's web worker processes (ONEWINDOW_WEB_WORKERS)",
    )
    parser.add_argument("--reads", type=int, default=40, help="in-process calls per read")
    parser.add_argument(
        "--read-seconds", type=float, default=8.0, help="wrk's time per read over HTTP"
    )
    parser.add_argument("--warmup", type=float, default=3.0)
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="sample the server with py-spy (on PATH) during the acceptCase load; "
        "the raw stacks go to DIR/accept-<clients>.txt",
    )
    args = parser.parse_args()
    from tests.support.services import create_test_database

    with tempfile.TemporaryDirectory(prefix="bench-casework-") as tmp:
        created = create_test_database()
        try:
            upgrade(created.owner_url)
            asyncio.run(main(created.app_url, created.owner_url, Path(tmp), args))
        finally:
            if args.keep_database:
                print(f"kept database {created.owner_url}")
            else:
                created.drop()
