"""Benchmark the real server over HTTP: ``python -m bench.run [--backend …] [--workload …]``.

For each backend: a fresh database, ``onewindow demo`` serving it on a free port of 127.0.0.1,
tokens over ``POST /auth/token``, then each workload with C closed-loop clients for a fixed
duration after a warm-up; then the SQL floor of the workload, the SQL it costs per request and,
with ``--profile``, a py-spy profile of the server. See ``bench/README.md``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import logging
import os
import platform
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from types import ModuleType

import httpx

from bench import floor, load, profile, sqlcount
from bench.context import Ctx
from bench.server import (
    Backend,
    Server,
    cpu_seconds,
    machine_busy_seconds,
    prepared,
    rss_megabytes,
    wait_quiet,
)
from bench.workloads import discover, workload_name

BACKENDS = ("sqlite", "postgresql")


@dataclass
class Result:
    backend: str
    workload: str
    concurrency: int
    client_processes: int
    seconds: float = 0.0
    requests: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    rps: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    # CPU in % of one core over the measured window (the machine has os.cpu_count() cores).
    server_cpu_pct: float = 0.0
    client_cpu_pct: float = 0.0
    other_cpu_pct: float = 0.0  # PostgreSQL's backends and anything else on the machine
    # The machine's CPU in the second before the load, server idle: other people's work.
    background_cpu_pct: float = 0.0
    server_cpu_ms_per_request: float = 0.0
    sql_per_request: float | None = None
    checkouts_per_request: float | None = None
    connects_per_request: float | None = None  # new DB connections per request at concurrency C
    sql_sample: list[str] = field(default_factory=list)
    floor_ops_per_s: float | None = None
    floor_statements_per_s: float | None = None
    floor_statements_per_op: float | None = None
    floor_p50_ms: float | None = None
    floor_p99_ms: float | None = None
    profile: str | None = None
    server_rss_mb: float = 0.0  # resident memory of the server (and its workers) after the load
    failed: str | None = None  # why this workload could not be measured


def percentile(ordered: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list, in milliseconds."""
    if not ordered:
        return 0.0
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank] * 1000


def source_tree() -> str:
    """The commit benchmarked, and whether the work tree differs from it (outside bench/)."""
    repo = Path(__file__).resolve().parents[1]
    try:
        commit = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        status = subprocess.run(
            ["git", "--no-optional-locks", "-C", str(repo), "status", "--porcelain"],
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    changed = [line for line in status if not line[3:].startswith("bench/")]
    return f"{commit} + {len(changed)} uncommitted paths" if changed else f"{commit} (clean)"


def machine() -> dict[str, str]:
    info = {"nproc": str(os.cpu_count()), "python": platform.python_version()}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    return info


async def _recv(conn, wait: float):
    if not await asyncio.to_thread(conn.poll, wait):
        raise TimeoutError("a load process did not answer in time")
    return conn.recv()


async def _sleep_until(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - time.monotonic()))


async def run_load(
    module: ModuleType,
    ctx: Ctx,
    server: Server,
    result: Result,
    *,
    warmup: float,
    duration: float,
    max_requests: int,
) -> None:
    """Drive the load processes through warm-up and the measured window; fill ``result``."""
    started = load.start_processes(
        module.__name__, ctx, result.concurrency, result.client_processes, max_requests
    )
    try:
        for _, conn in started:
            await _recv(conn, 60)
        warm_end = time.monotonic() + 0.1 + warmup
        deadline = warm_end + duration
        for _, conn in started:
            conn.send((warm_end, deadline))
        await _sleep_until(warm_end)
        server_cpu, busy, wall = cpu_seconds(server.pid), machine_busy_seconds(), time.monotonic()
        await _sleep_until(deadline)
        server_cpu = cpu_seconds(server.pid) - server_cpu
        result.server_rss_mb = rss_megabytes(server.pid)
        busy = machine_busy_seconds() - busy
        wall = time.monotonic() - wall
        parts = [await _recv(conn, load.REQUEST_TIMEOUT + 30) for _, conn in started]
    finally:
        for proc, conn in started:
            if proc.is_alive() and not conn.closed:
                with contextlib.suppress(OSError):
                    conn.send("stop")
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
    latencies = sorted(x for part in parts for x in part.latencies)
    errors = sum(part.errors for part in parts)
    last_end = max((part.last_end for part in parts), default=deadline)
    seconds = max(last_end, deadline) - warm_end
    client_cpu = sum(part.cpu_seconds for part in parts)
    result.seconds = seconds
    result.requests = len(latencies) + errors
    result.errors = errors
    result.error_samples = [s for part in parts for s in part.error_samples][:5]
    result.rps = result.requests / seconds if seconds else 0.0
    result.p50_ms = percentile(latencies, 50)
    result.p90_ms = percentile(latencies, 90)
    result.p99_ms = percentile(latencies, 99)
    result.max_ms = latencies[-1] * 1000 if latencies else 0.0
    result.server_cpu_pct = 100 * server_cpu / wall
    result.client_cpu_pct = 100 * client_cpu / seconds if seconds else 0.0
    result.other_cpu_pct = max(
        0.0, 100 * busy / wall - result.server_cpu_pct - result.client_cpu_pct
    )
    if result.requests:
        result.server_cpu_ms_per_request = 1000 * server_cpu / result.requests


async def background_cpu(seconds: float = 1.0) -> float:
    """Busy CPU of the whole machine, in % of one core, while the server is idle."""
    busy, wall = machine_busy_seconds(), time.monotonic()
    await asyncio.sleep(seconds)
    return 100 * (machine_busy_seconds() - busy) / (time.monotonic() - wall)


async def validate(module: ModuleType, ctx: Ctx) -> None:
    """One request through the same path as the load, with the answer checked in full."""
    async with httpx.AsyncClient(base_url=ctx.base_url, timeout=30) as client:
        if hasattr(module, "call"):
            await module.call(client, ctx)
            return
        path, body, headers = module.request(ctx)
        response = await client.post(path, json=body, headers=headers)
        response.raise_for_status()
        payload = response.json()
        if payload.get("errors"):
            raise AssertionError(f"GraphQL errors: {payload['errors']}")
        if hasattr(module, "check"):
            module.check(ctx, payload)


async def run_profile(
    module: ModuleType, ctx: Ctx, server: Server, backend: Backend, args, result: Result
) -> None:
    output = backend.workdir / f"profile-{backend.name}-{result.workload}.txt"
    spy = profile.start(server.pid, args.profile_seconds, output)
    scratch = Result(backend.name, result.workload, result.concurrency, args.client_processes)
    await run_load(
        module,
        ctx,
        server,
        scratch,
        warmup=1.0,
        duration=args.profile_seconds + 1.0,
        max_requests=args.max_requests,
    )
    summary = await profile.finish(spy, output)
    if summary is None:
        print(f"  py-spy wrote no profile; see {output.with_suffix('.log')}", flush=True)
        return
    result.profile = str(output.with_suffix(".summary.txt"))
    print(
        f"  profile ({scratch.rps:.0f} req/s while sampled): {output}\n"
        + "\n".join("    " + line for line in summary.splitlines()),
        flush=True,
    )


async def run_workload(
    module: ModuleType, backend: Backend, server: Server, tokens: dict, args
) -> Result:
    name = workload_name(module)
    # A workload may fix its concurrency (the cold read: one publisher at a time).
    concurrency = getattr(module, "CONCURRENCY", args.concurrency)
    result = Result(backend.name, name, concurrency, args.client_processes)
    ctx = Ctx(backend.name, server.base_url, dict(backend.floor_database), tokens=tokens)
    try:
        if hasattr(module, "setup"):
            await module.setup(ctx)
        await validate(module, ctx)
    finally:
        await ctx.aclose()
    result.background_cpu_pct = await background_cpu()
    print(
        f"  {name}: {args.warmup:g} s warm-up, {args.duration:g} s measured"
        f" (background CPU {result.background_cpu_pct:.0f}%) …",
        flush=True,
    )
    await run_load(
        module,
        ctx,
        server,
        result,
        warmup=args.warmup,
        duration=args.duration,
        max_requests=args.max_requests,
    )
    print(
        f"    {result.rps:8.1f} req/s  p50 {result.p50_ms:.1f} ms  p90 {result.p90_ms:.1f} ms"
        f"  p99 {result.p99_ms:.1f} ms  errors {result.errors}"
        f"  | CPU server {result.server_cpu_pct:.0f}% client {result.client_cpu_pct:.0f}%"
        f" other {result.other_cpu_pct:.0f}% | server RSS {result.server_rss_mb:.0f} MB",
        flush=True,
    )
    for sample in result.error_samples:
        print(f"    error: {sample}", flush=True)
    if not args.no_sql_count:
        counted = await sqlcount.count_sql(
            module,
            ctx,
            backend.database_url,
            server.secret_key,
            backend.workdir,
            concurrency=result.concurrency,
        )
        if counted is not None:
            result.sql_per_request = counted.statements_per_request
            result.checkouts_per_request = counted.checkouts_per_request
            result.connects_per_request = counted.connects_per_request
            result.sql_sample = counted.sample
            print(
                f"    SQL per request: {counted.statements_per_request:g} statements,"
                f" {counted.checkouts_per_request:g} pool checkouts; at concurrency"
                f" {result.concurrency} (in-process) {counted.connects_per_request:.2f}"
                " new DB connections per request",
                flush=True,
            )
            if args.show_sql:
                for statement in counted.sample:
                    print(f"      {statement}", flush=True)
    if hasattr(module, "sql_floor") and not args.no_floor:
        op = await module.sql_floor(ctx)
        measured = await floor.measure(
            ctx.database,
            op,
            duration=args.floor_duration or args.duration,
            warmup=1.0,
            max_operations=args.max_requests,
        )
        ordered = sorted(measured.latencies)
        result.floor_ops_per_s = measured.ops_per_second
        result.floor_statements_per_s = measured.statements_per_second
        result.floor_statements_per_op = measured.statements_per_op
        result.floor_p50_ms = percentile(ordered, 50)
        result.floor_p99_ms = percentile(ordered, 99)
        print(
            f"    SQL floor (1 connection): {measured.ops_per_second:.0f} ops/s"
            f" ({measured.statements_per_op:g} statements each,"
            f" {measured.statements_per_second:.0f} statements/s)"
            f"  p50 {result.floor_p50_ms:.2f} ms  p99 {result.floor_p99_ms:.2f} ms",
            flush=True,
        )
    if args.profile:
        await run_profile(module, ctx, server, backend, args, result)
    return result


def _base(backend: Backend, args) -> dict:
    return {
        "backend": backend.name,
        "concurrency": args.concurrency,
        "client_processes": args.client_processes,
    }


async def run_backend(name: str, modules: list[ModuleType], workdir: Path, args) -> list[Result]:
    print(f"\n== {name}", flush=True)
    results: list[Result] = []
    with prepared(name, workdir / name, keep_database=args.keep_database) as backend:
        server = Server(backend)
        server.start()
        try:
            print(
                f"  server pid {server.pid} on {server.base_url}, log {server.log_path}",
                flush=True,
            )
            took = await server.wait_healthy(args.startup_timeout)
            print(f"  healthy after {took:.1f} s (migrations + demo load)", flush=True)
            quiet = await wait_quiet(server.pid)
            print(f"  … and quiet (start-up jobs done) after {quiet:.1f} s more", flush=True)
            tokens: dict = {}
            for module in modules:
                try:
                    results.append(await run_workload(module, backend, server, tokens, args))
                except Exception as exc:  # one broken workload must not stop the others
                    name = workload_name(module)
                    reason = f"{type(exc).__name__}: {exc}"[:500]
                    print(f"  {name}: FAILED — {reason}", flush=True)
                    failed = Result(workload=name, **_base(backend, args), failed=reason)
                    results.append(failed)
        finally:
            server.stop()
    return results


def _fmt(value: float | None, pattern: str) -> str:
    return "–" if value is None else format(value, pattern)


def markdown(results: list[Result]) -> str:
    lines = [
        "| backend | workload | clients | req/s | p50 ms | p90 ms | p99 ms | errors "
        "| CPU % server / client / other (background) | server CPU ms/req "
        "| SQL/req (checkouts) | new conns/req | server RSS MB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---:|---|---:|---:|",
    ]
    for r in results:
        if r.failed:
            lines.append(f"| {r.backend} | {r.workload} | failed: {r.failed[:120]} |")
            continue
        sql = (
            "–"
            if r.sql_per_request is None
            else f"{r.sql_per_request:g} ({r.checkouts_per_request:g})"
        )
        lines.append(
            f"| {r.backend} | {r.workload} | {r.concurrency} | {r.rps:.0f} | {r.p50_ms:.1f}"
            f" | {r.p90_ms:.1f} "
            f"| {r.p99_ms:.1f} | {r.errors} "
            f"| {r.server_cpu_pct:.0f} / {r.client_cpu_pct:.0f} / {r.other_cpu_pct:.0f}"
            f" ({r.background_cpu_pct:.0f}) "
            f"| {r.server_cpu_ms_per_request:.2f} | {sql} | {_fmt(r.connects_per_request, '.2f')} "
            f"| {r.server_rss_mb:.0f} |"
        )
    lines += [
        "",
        "| backend | workload | SQL floor ops/s | statements/op | statements/s | p50 ms | p99 ms "
        "| floor ops/s ÷ HTTP req/s |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        if r.floor_ops_per_s is None:
            continue
        ratio = r.floor_ops_per_s / r.rps if r.rps else 0.0
        lines.append(
            f"| {r.backend} | {r.workload} | {r.floor_ops_per_s:.0f} "
            f"| {_fmt(r.floor_statements_per_op, 'g')} | {_fmt(r.floor_statements_per_s, '.0f')} "
            f"| {_fmt(r.floor_p50_ms, '.2f')} | {_fmt(r.floor_p99_ms, '.2f')} | {ratio:.0f}× |"
        )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    parser.add_argument("--duration", type=float, default=10.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring")
    parser.add_argument("--concurrency", type=int, default=8, help="closed-loop clients")
    parser.add_argument(
        "--client-processes",
        type=int,
        default=1,
        help="processes the clients are spread over (raise it if client CPU nears 100%%)",
    )
    parser.add_argument(
        "--workload", nargs="+", metavar="NAME", help="workload names or globs (default: all)"
    )
    parser.add_argument(
        "--max-requests",
        type=int,
        default=500_000,
        help="cap on the requests of one workload run, warm-up included",
    )
    parser.add_argument("--startup-timeout", type=float, default=900.0)
    parser.add_argument("--floor-duration", type=float, help="seconds (default: --duration)")
    parser.add_argument("--no-floor", action="store_true", help="skip the SQL floors")
    parser.add_argument("--no-sql-count", action="store_true", help="skip counting SQL/request")
    parser.add_argument("--show-sql", action="store_true", help="print one request's SQL")
    parser.add_argument(
        "--profile", action="store_true", help="an extra pass per workload under py-spy"
    )
    parser.add_argument("--profile-seconds", type=float, default=10.0)
    parser.add_argument("--workdir", type=Path, help="for logs and SQLite (default: a temp dir)")
    parser.add_argument("--keep-database", action="store_true", help="do not drop PostgreSQL's")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    parser.add_argument("--list", action="store_true", help="list the workloads and exit")
    return parser


async def main_async(args) -> list[Result]:
    # SIGTERM (e.g. from ``timeout``) cancels the run like Ctrl-C does, so that the server is
    # stopped and the PostgreSQL database dropped on the way out.
    main_task = asyncio.current_task()
    if main_task is not None:
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main_task.cancel)
    modules = discover(args.workload)
    if args.list:
        for module in modules:
            print(f"{workload_name(module):32} {getattr(module, 'DESCRIPTION', '')}")
        return []
    if args.concurrency < 1 or args.duration <= 0:
        raise SystemExit("bench: --concurrency must be ≥ 1 and --duration > 0")
    if args.profile and not profile.available():
        raise SystemExit("bench: --profile needs py-spy on PATH (pip install py-spy)")
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="onewindow-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    backends = BACKENDS if args.backend == "both" else (args.backend,)
    info = machine()
    info["tree"] = source_tree()
    print(
        f"OneWindow bench {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
        f" — {info.get('cpu', '?')}, {info['nproc']} cores, {info.get('memory', '?')},"
        f" Python {info['python']}\n"
        f"tree: {info['tree']}\n"
        f"command: python -m bench.run {shlex.join(sys.argv[1:])}\n"
        f"workloads: {', '.join(workload_name(m) for m in modules)}; concurrency"
        f" {args.concurrency} in {args.client_processes} client process(es); workdir {workdir}",
        flush=True,
    )
    results: list[Result] = []
    for name in backends:
        try:
            results += await run_backend(name, modules, workdir, args)
        except Exception as exc:  # e.g. the server did not start: go on with the next backend
            reason = f"{type(exc).__name__}: {exc}"
            print(f"  {name}: FAILED — {reason}", flush=True)
            results += [
                Result(
                    name,
                    workload_name(m),
                    args.concurrency,
                    args.client_processes,
                    failed=reason[:500],
                )
                for m in modules
            ]
    print("\n" + markdown(results), flush=True)
    print(f"\nlogs and profiles: {workdir}", flush=True)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": info, "argv": sys.argv[1:], "results": [asdict(r) for r in results]},
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return results


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    # Building the app in-process (SQL counts) configures logging; keep httpx's lines out.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        results = asyncio.run(main_async(args))
    except KeyboardInterrupt:
        sys.exit(130)
    except asyncio.CancelledError:
        sys.exit(143)
    if any(r.failed for r in results):
        sys.exit(1)


if __name__ == "__main__":
    main()
