"""Sampling the server with py-spy while a workload runs, and the top costs of the samples.

``py-spy record --format raw`` writes collapsed stacks (``frame;frame;… count``); this module
adds them up by layer (the package of the innermost frame: the app's own code, strawberry,
graphql-core, SQLAlchemy, the driver, litestar, uvicorn, asyncio …) and by function.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from collections import Counter
from pathlib import Path

LAYERS = (
    (("api/", "network/", "tenants/", "authz/", "workforce/", "catalog/", "casework/"), "app"),
    (("strawberry/",), "strawberry"),
    (("graphql/",), "graphql-core"),
    (("sqlalchemy/",), "sqlalchemy"),
    (("asyncpg/",), "asyncpg"),
    (("aiosqlite/", "sqlite3/"), "aiosqlite/sqlite3"),
    (("litestar/", "msgspec/", "multipart/"), "litestar"),
    (("uvicorn/", "httptools/", "h11/"), "uvicorn"),
    (("jwt/", "cryptography/"), "jwt"),
    (("casbin/",), "casbin"),
    (("asyncio/", "uvloop/", "selectors.py", "concurrent/"), "asyncio"),
    (("logging/",), "logging"),
    (("threading.py", "queue.py"), "threads"),
)


def available() -> bool:
    return shutil.which("py-spy") is not None


def start(
    pid: int, seconds: float, output: Path, rate: int = 250, gil_only: bool = True
) -> subprocess.Popen:
    """``py-spy record``; ``gil_only`` samples just the thread holding the GIL, which is what
    a single-process Python server spends its one core on (threads waiting for the GIL, such
    as aiosqlite's, would otherwise look busy)."""
    command = [
        "py-spy",
        "record",
        "--pid",
        str(pid),
        "--duration",
        str(max(1, round(seconds))),
        "--rate",
        str(rate),
        "--format",
        "raw",
        "--nolineno",
        "--nonblocking",
        "--output",
        str(output),
    ]
    if gil_only:
        command.append("--gil")
    return subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=output.with_suffix(".log").open("wb")
    )


async def finish(spy: subprocess.Popen, output: Path, top: int = 12) -> str | None:
    """Wait for ``py-spy record`` (:func:`start`) to end, then summarize its samples
    (:func:`summarize`, also written beside them as ``*.summary.txt``); None when it wrote
    none (its log says why)."""
    try:
        await asyncio.to_thread(spy.wait, 60)
    except Exception:
        spy.terminate()
        raise
    return await asyncio.to_thread(_summary_written, output, top)


def _summary_written(output: Path, top: int) -> str | None:
    if not output.exists():
        return None
    summary = summarize(output, top=top)
    output.with_suffix(".summary.txt").write_text(summary + "\n", encoding="utf-8")
    return summary


def _file(frame: str) -> str:
    return frame[frame.rfind("(") + 1 : -1] if frame.endswith(")") else ""


def layer(frame: str) -> str:
    path = _file(frame)
    for prefixes, name in LAYERS:
        if any(path.startswith(p) or f"/{p}" in path for p in prefixes):
            return name
    return "other"


ROOTS = ("<frozen runpy>", "api/cli.py", "uvicorn/server.py", "uvicorn/_compat.py")


def _is_root(frame: str) -> bool:
    return _file(frame).endswith(ROOTS) or layer(frame) in ("asyncio", "threads")


def read(path: Path) -> list[tuple[list[str], int]]:
    stacks = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks.append((stack.split(";"), int(count)))
    return stacks


# Inclusive time of a few places worth knowing, by the frame that enters them.
MARKERS = (
    ("GraphQL execution in the request's task (Schema.execute)", "Schema.execute (strawberry/"),
    ("auth: token + actor (api.app.graphql_context)", "graphql_context (api/app.py)"),
    ("DataLoader batches", "dispatch_batch (strawberry/dataloader.py)"),
    ("ORM execute (Session._execute_internal)", "Session._execute_internal (sqlalchemy/"),
    ("SQL compile (ClauseElement._compile_w_cache)", "ClauseElement._compile_w_cache (sqlalchemy/"),
    ("pool checkout (_ConnectionRecord.checkout)", "_ConnectionRecord.checkout (sqlalchemy/"),
    ("new DB connection (_ConnectionRecord.__connect)", "_ConnectionRecord.__connect (sqlalchemy/"),
    ("pool pre-ping (_async_ping / do_ping)", "_async_ping (sqlalchemy/"),
    ("session close (AsyncSession.close)", "AsyncSession.close (sqlalchemy/"),
    ("JSON response encoding", "encode_json ("),
)


def summarize(path: Path, top: int = 12) -> str:
    """Self time by layer and by function, inclusive time of the app's functions and of
    :data:`MARKERS`. SQLAlchemy runs ORM work inside greenlets, whose stacks py-spy shows as
    separate roots (``Session.execute …``): the app's inclusive figures leave that part out,
    the ORM marker includes it."""
    stacks = read(path)
    total = sum(c for _, c in stacks)
    if not total:
        return f"no samples in {path}"
    by_layer: Counter[str] = Counter()
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for frames, count in stacks:
        by_layer[layer(frames[-1])] += count
        self_time[frames[-1]] += count
        for frame in set(frames):
            inclusive[frame] += count

    def pct(n: int) -> str:
        return f"{100 * n / total:5.1f}%"

    lines = [f"{total} samples in {path.name}", "", "by layer (self time):"]
    lines += [f"  {pct(n)}  {name}" for name, n in by_layer.most_common()]
    lines += ["", f"top {top} functions by self time:"]
    lines += [f"  {pct(n)}  {frame}" for frame, n in self_time.most_common(top)]
    lines += ["", "inclusive time of:"]
    for label, prefix in MARKERS:
        n = sum(count for frames, count in stacks if any(prefix in f for f in frames))
        if n:
            lines.append(f"  {pct(n)}  {label}")
    lines += ["", f"top {top} functions of the app by inclusive time (outside greenlets):"]
    app = [(f, n) for f, n in inclusive.most_common() if layer(f) == "app" and not _is_root(f)]
    lines += [f"  {pct(n)}  {frame}" for frame, n in app[:top]]
    return "\n".join(lines)
