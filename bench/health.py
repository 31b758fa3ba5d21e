"""``/health`` latency while the server is under attack and busy: ``python -m bench.health``.

Issue 9's target: ``GET /health`` stays under 100 ms while 40 bad logins and one large import
run. Per backend this starts the real server on the demo data (``bench.server``) with the
sign-in throttle raised (``ONEWINDOW_LOGIN_FAILURES_PER_USER`` / ``…_PER_ADDRESS``), so that every
bad login really verifies an argon2 hash instead of being answered 429, then measures, in phases
of ``--warmup`` + ``--duration`` seconds each:

- ``idle``: nothing but the prober;
- ``logins``: 40 closed-loop clients (``--logins``, in a process of their own, ``bench.load``)
  each posting a wrong password for ``county-admin`` to ``POST /auth/token`` (401 expected);
- ``import``: one ``importCatalog`` as ``county-admin`` at a time, the next one started when
  the last has answered, for each file of ``--imports``: ``rows``, ``--import-rows`` valid
  matters (5,000, the import's cap, by default: accepted, then updated by each run), and
  ``empty-rows``, the probe's file of a million empty rows (a few MB zipped: refused);
- ``logins + import``: both at once — the figure the target is about.

The prober is one client in the runner's process that sends ``GET /health`` every
``--interval`` seconds (it does not add to the load: it waits between probes) on a keep-alive
connection, and records each answer's latency. Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import datetime as dt
import fnmatch
import json
import shlex
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from bench import load
from bench.context import Ctx
from bench.run import background_cpu, machine, percentile, source_tree
from bench.server import Server, cpu_seconds, machine_busy_seconds, prepared

BACKENDS = ("sqlite", "postgresql")
TENANT = "320826"  # 涟水县, the demo county
USERNAME = "county-admin"
WRONG_PASSWORD = "not-the-password-1"
# High enough that no key of the run reaches it: every bad login verifies a hash (argon2).
NO_THROTTLE = {
    "ONEWINDOW_LOGIN_FAILURES_PER_USER": "100000000",
    "ONEWINDOW_LOGIN_FAILURES_PER_ADDRESS": "100000000",
}
IMPORT_TIMEOUT = 600.0
IMPORT_DOCUMENT = """mutation($input: ImportCatalogInput!) {
  importCatalog(input: $input) { imported userErrors { code message } job { id status } }
}"""
# An import is a job: the request waits for it up to ONEWINDOW_INLINE_JOB_WAIT_SECONDS, then the
# runner polls the job until it has finished.
JOB_DOCUMENT = """query($id: ID!) { node(id: $id) { ... on Job {
  status importReport { imported userErrors { code } } } } }"""
JOB_POLL_SECONDS = 0.5
FINISHED = {"SUCCEEDED", "REFUSED", "FAILED"}
IMPORT_HEADINGS = [
    "事项编码",
    "事项名称",
    "事项类型",
    "设定依据",
    "实施主体",
    "服务对象",
    "受理条件",
    "办理流程",
    "申请材料",
    "法定办结时限",
    "承诺办结时限",
    "办件类型",
    "收费标准",
    "行使层级",
    "是否网办",
    "关键词",
]


# --- the bad logins: a ``bench.load`` module (this one), run in a process of its own --------


async def call(client: httpx.AsyncClient, ctx: Ctx) -> None:
    """One bad login; anything but 401 (a 429 would mean the throttle answered) is an error."""
    response = await client.post(
        "/auth/token",
        data={"username": USERNAME, "password": WRONG_PASSWORD, "tenant": TENANT},
    )
    if response.status_code != 401:
        raise RuntimeError(f"HTTP {response.status_code}: {response.text[:120]}")


# --- the import ---------------------------------------------------------------------------


def import_workbook(kind: str, rows: int) -> str:
    """``ImportCatalogInput.fileBase64``. ``rows``: ``rows`` valid matters of a department of
    their own (accepted; each run updates the same codes). ``empty-rows``: the probe's file,
    one matter under a million empty rows (a few MB zipped), which the import must refuse."""
    from tests.support.xlsx import with_sheet_xml, workbook

    if kind == "empty-rows":
        content = workbook(IMPORT_HEADINGS, [_row(0)])
        empty = "".join(f'<row r="{i}"><c r="A{i}"/></row>' for i in range(3, 1_000_003))
        content = with_sheet_xml(
            content, lambda xml: xml.replace("</sheetData>", empty + "</sheetData>")
        )
        return base64.b64encode(content).decode()
    return base64.b64encode(workbook(IMPORT_HEADINGS, [_row(i) for i in range(rows)])).decode()


def _row(i: int) -> list[str]:
    return [
        f"BENCH-{i:05d}",
        f"基准测试事项{i}",
        "公共服务",
        "《基准测试规定》第一条",
        "基准测试局",
        "自然人",
        "申请人身份证件齐全",
        "受理\n审查\n办结",
        "居民身份证|原件|纸质|1|必要\n户口簿|复印件|纸质|1|必要",
        "20",
        "10",
        "承诺件",
        "不收费",
        "县级、乡级",
        "是",
        "基准、测试",
    ]


@dataclass
class Imports:
    seconds: list[float] = field(default_factory=list)  # each import that answered
    imported: int = 0
    refusals: list[str] = field(default_factory=list)  # the codes of refused imports
    errors: list[str] = field(default_factory=list)


async def import_loop(
    base_url: str, token: str, file_base64: str, until: float, out: Imports
) -> None:
    """Imports one after another until ``until`` (the one running then is awaited). An answer
    with userErrors (the empty-rows file is refused) counts as answered; anything else that is
    not a report is an error."""
    body = json.dumps(
        {"query": IMPORT_DOCUMENT, "variables": {"input": {"fileBase64": file_base64}}}
    )
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    async with httpx.AsyncClient(base_url=base_url, timeout=IMPORT_TIMEOUT) as client:
        while time.monotonic() < until:
            started = time.monotonic()
            try:
                response = await client.post("/graphql", content=body.encode(), headers=headers)
                payload = response.json()
            except (httpx.HTTPError, ValueError) as exc:
                out.errors.append(f"{type(exc).__name__}: {exc}"[:300])
                return
            answer = (payload.get("data") or {}).get("importCatalog")
            if response.status_code != 200 or payload.get("errors") or answer is None:
                out.errors.append(f"HTTP {response.status_code}: {response.text[:300]}")
                return
            job = answer.get("job") or {}
            if job and job["status"] not in FINISHED:
                answer = await _poll(client, headers, job["id"])
                if answer is None:
                    out.errors.append(f"job {job['id']} did not finish")
                    return
            out.seconds.append(time.monotonic() - started)
            out.imported += answer["imported"]
            out.refusals += [e["code"] for e in answer["userErrors"]]


async def _poll(client: httpx.AsyncClient, headers: dict[str, str], job_id: str) -> dict | None:
    """The finished import job's report (as ``importCatalog`` answers it), or None."""
    body = json.dumps({"query": JOB_DOCUMENT, "variables": {"id": job_id}}).encode()
    deadline = time.monotonic() + IMPORT_TIMEOUT
    while time.monotonic() < deadline:
        await asyncio.sleep(JOB_POLL_SECONDS)
        response = await client.post("/graphql", content=body, headers=headers)
        job = ((response.json().get("data") or {}).get("node")) or {}
        if job.get("status") == "FAILED":
            return None
        if job.get("status") in FINISHED and job.get("importReport"):
            return job["importReport"]
    return None


# --- the prober ---------------------------------------------------------------------------


async def probe(base_url: str, interval: float, warm_end: float, deadline: float):
    """``GET /health`` every ``interval`` s; latencies (s) of those sent after ``warm_end``,
    and the failures (non-200 or no answer)."""
    latencies: list[float] = []
    failures: list[str] = []
    async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
        await client.get("/health")  # the connection, before anything is timed
        next_at = time.monotonic()
        while (now := time.monotonic()) < deadline:
            await asyncio.sleep(max(0.0, next_at - now))
            start = time.monotonic()
            try:
                response = await client.get("/health")
                ok = response.status_code == 200
                problem = None if ok else f"HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}: {exc}"
            end = time.monotonic()
            if start >= warm_end:
                if problem is None:
                    latencies.append(end - start)
                else:
                    failures.append(problem[:200])
            next_at = max(start + interval, end)
    return latencies, failures


@dataclass
class Phase:
    backend: str
    load: str
    probes: int = 0
    failures: int = 0
    health_p50_ms: float = 0.0
    health_p90_ms: float = 0.0
    health_p99_ms: float = 0.0
    health_max_ms: float = 0.0
    logins_per_s: float | None = None
    login_p50_ms: float | None = None
    login_p99_ms: float | None = None
    login_errors: int | None = None
    imports: int | None = None  # imports that answered within the phase (the last is awaited)
    import_seconds: list[float] = field(default_factory=list)
    import_refusals: list[str] = field(default_factory=list)
    import_errors: list[str] = field(default_factory=list)
    server_cpu_pct: float = 0.0
    machine_cpu_pct: float = 0.0  # all processes, in % of one core
    # The machine's CPU in the second before the phase, server idle: other people's work.
    background_cpu_pct: float = 0.0
    samples: list[str] = field(default_factory=list)


async def _recv(conn, wait: float):
    if not await asyncio.to_thread(conn.poll, wait):
        raise TimeoutError("a load process did not answer in time")
    return conn.recv()


async def run_phase(
    server: Server,
    backend: str,
    name: str,
    args,
    *,
    logins: bool,
    imports: tuple[str, str] | None,
) -> Phase:
    """One phase: the chosen load starts, ``args.warmup`` s pass, ``args.duration`` s of
    /health probes are counted. ``imports``: (token, fileBase64)."""
    phase = Phase(backend, name)
    phase.background_cpu_pct = await background_cpu()
    started = []
    ctx = Ctx(backend, server.base_url, {})
    if logins:
        started = load.start_processes("bench.health", ctx, args.logins, 1, args.max_requests)
    import_task = None
    try:
        for _, conn in started:
            await _recv(conn, 60)
        warm_end = time.monotonic() + 0.1 + args.warmup
        deadline = warm_end + args.duration
        for _, conn in started:
            conn.send((warm_end, deadline))
        outcome = Imports()
        if imports is not None:
            token, file_base64 = imports
            import_task = asyncio.create_task(
                import_loop(server.base_url, token, file_base64, deadline, outcome)
            )
        prober = asyncio.create_task(probe(server.base_url, args.interval, warm_end, deadline))
        await asyncio.sleep(max(0.0, warm_end - time.monotonic()))
        cpu, busy, wall = cpu_seconds(server.pid), machine_busy_seconds(), time.monotonic()
        await asyncio.sleep(max(0.0, deadline - time.monotonic()))
        cpu, busy = cpu_seconds(server.pid) - cpu, machine_busy_seconds() - busy
        wall = time.monotonic() - wall
        latencies, failures = await prober
        parts = [await _recv(conn, load.REQUEST_TIMEOUT + 30) for _, conn in started]
        if import_task is not None:
            print("    … waiting for the running import to answer", flush=True)
            await import_task
    finally:
        if import_task is not None and not import_task.done():
            import_task.cancel()
        for proc, conn in started:
            if proc.is_alive() and not conn.closed:
                with contextlib.suppress(OSError):
                    conn.send("stop")
            proc.join(timeout=10)
            if proc.is_alive():
                proc.terminate()
                proc.join(timeout=5)
    ordered = sorted(latencies)
    phase.probes, phase.failures = len(ordered), len(failures)
    phase.samples = failures[:3]
    phase.health_p50_ms = percentile(ordered, 50)
    phase.health_p90_ms = percentile(ordered, 90)
    phase.health_p99_ms = percentile(ordered, 99)
    phase.health_max_ms = ordered[-1] * 1000 if ordered else 0.0
    phase.server_cpu_pct = 100 * cpu / wall
    phase.machine_cpu_pct = 100 * busy / wall
    if logins:
        times = sorted(x for part in parts for x in part.latencies)
        phase.login_errors = sum(part.errors for part in parts)
        phase.samples += [s for part in parts for s in part.error_samples][:3]
        phase.logins_per_s = (len(times) + phase.login_errors) / args.duration
        phase.login_p50_ms = percentile(times, 50)
        phase.login_p99_ms = percentile(times, 99)
    if imports is not None:
        phase.imports = len(outcome.seconds)
        phase.import_seconds = [round(s, 1) for s in outcome.seconds]
        phase.import_refusals = sorted(set(outcome.refusals))
        phase.import_errors = outcome.errors
    return phase


def _print(phase: Phase) -> None:
    line = (
        f"    /health p50 {phase.health_p50_ms:.1f} ms  p90 {phase.health_p90_ms:.1f} ms"
        f"  p99 {phase.health_p99_ms:.1f} ms  max {phase.health_max_ms:.1f} ms"
        f"  ({phase.probes} probes, {phase.failures} failed)"
        f" | CPU server {phase.server_cpu_pct:.0f}% machine {phase.machine_cpu_pct:.0f}%"
        f" (background {phase.background_cpu_pct:.0f}%)"
    )
    if phase.logins_per_s is not None:
        line += (
            f"\n    bad logins {phase.logins_per_s:.1f}/s  p50 {phase.login_p50_ms:.0f} ms"
            f"  p99 {phase.login_p99_ms:.0f} ms  errors {phase.login_errors}"
        )
    if phase.imports is not None:
        shown = [*phase.import_seconds[:10], *(["…"] if len(phase.import_seconds) > 10 else [])]
        line += f"\n    imports answered: {phase.imports} (seconds each: {shown})"
        if phase.import_refusals:
            line += f", refused with {', '.join(phase.import_refusals)}"
    for problem in phase.samples + phase.import_errors:
        line += f"\n    error: {problem}"
    print(line, flush=True)


async def run_backend(name: str, workdir: Path, args) -> list[Phase]:
    print(f"\n== {name}", flush=True)
    phases: list[Phase] = []
    with prepared(name, workdir / name) as backend:
        server = Server(backend, env=NO_THROTTLE)
        server.start()
        try:
            print(f"  server pid {server.pid} on {server.base_url}, log {server.log_path}")
            took = await server.wait_healthy(args.startup_timeout)
            print(f"  healthy after {took:.1f} s (migrations + demo load)", flush=True)
            ctx = Ctx(name, server.base_url, {})
            try:
                token = await ctx.token(USERNAME, TENANT)
            finally:
                await ctx.aclose()
            plan: list[tuple[str, bool, tuple[str, str] | None]] = [
                ("idle", False, None),
                (f"{args.logins} bad logins", True, None),
            ]
            for kind in args.imports:
                file_base64 = await asyncio.to_thread(import_workbook, kind, args.import_rows)
                what = f"{args.import_rows} rows" if kind == "rows" else "1M empty rows"
                print(f"  import file ({what}): {len(file_base64) * 3 // 4 // 1024} KB", flush=True)
                plan += [
                    (f"1 import ({what})", False, (token, file_base64)),
                    (f"{args.logins} bad logins + 1 import ({what})", True, (token, file_base64)),
                ]
            for label, logins, imports in plan:
                if args.phase and not any(fnmatch.fnmatchcase(label, p) for p in args.phase):
                    continue
                print(f"  {label}: {args.warmup:g} s warm-up, {args.duration:g} s measured …")
                phase = await run_phase(server, name, label, args, logins=logins, imports=imports)
                _print(phase)
                phases.append(phase)
        finally:
            server.stop()
    return phases


def markdown(phases: list[Phase]) -> str:
    lines = [
        "| backend | load | /health p50 ms | p90 ms | p99 ms | max ms | probes (failed) "
        "| bad logins/s (p50 ms) | imports answered (median / max s) "
        "| CPU % server / machine (background) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for p in phases:
        logins = "–" if p.logins_per_s is None else f"{p.logins_per_s:.1f} ({p.login_p50_ms:.0f})"
        imports = "–"
        if p.imports:
            each = sorted(p.import_seconds)
            imports = f"{p.imports} ({each[len(each) // 2]:g} / {each[-1]:g})"
            if p.import_refusals:
                imports += " refused " + ", ".join(p.import_refusals)
        lines.append(
            f"| {p.backend} | {p.load} | {p.health_p50_ms:.1f} | {p.health_p90_ms:.1f}"
            f" | {p.health_p99_ms:.1f} | {p.health_max_ms:.1f} | {p.probes} ({p.failures})"
            f" | {logins} | {imports} | {p.server_cpu_pct:.0f} / {p.machine_cpu_pct:.0f}"
            f" ({p.background_cpu_pct:.0f}) |"
        )
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.health", description=__doc__)
    parser.add_argument("--backend", choices=(*BACKENDS, "both"), default="both")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds a phase")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds before measuring")
    parser.add_argument("--logins", type=int, default=40, help="concurrent bad-login clients")
    parser.add_argument(
        "--imports",
        nargs="+",
        choices=("rows", "empty-rows"),
        default=["rows"],
        help="import files: rows (--import-rows valid matters), empty-rows (a million empty rows)",
    )
    parser.add_argument("--import-rows", type=int, default=5000, help="rows of the rows import")
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between probes")
    parser.add_argument(
        "--phase", nargs="+", metavar="GLOB", help="run only the phases named so ('*import*')"
    )
    parser.add_argument("--max-requests", type=int, default=500_000)
    parser.add_argument("--startup-timeout", type=float, default=900.0)
    parser.add_argument("--workdir", type=Path, help="for logs and SQLite (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write the results as JSON here")
    return parser


async def main_async(args) -> list[Phase]:
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="onewindow-bench-health-"))
    info = machine()
    info["tree"] = source_tree()
    print(
        f"OneWindow /health bench {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}"
        f" — {info.get('cpu', '?')}, {info['nproc']} cores, Python {info['python']}\n"
        f"tree: {info['tree']}\n"
        f"command: python -m bench.health {shlex.join(sys.argv[1:])}\nworkdir {workdir}",
        flush=True,
    )
    phases: list[Phase] = []
    for name in BACKENDS if args.backend == "both" else (args.backend,):
        phases += await run_backend(name, workdir, args)
    print("\n" + markdown(phases), flush=True)
    if args.json:
        args.json.write_text(
            json.dumps(
                {"machine": info, "argv": sys.argv[1:], "phases": [asdict(p) for p in phases]},
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    return phases


def main(argv: list[str] | None = None) -> None:
    args = build_parser().parse_args(argv)
    try:
        asyncio.run(main_async(args))
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
