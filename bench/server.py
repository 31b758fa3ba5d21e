"""A database per backend and the real server on it: ``onewindow demo`` as a subprocess."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"


@dataclass
class Backend:
    name: str  # "sqlite" or "postgresql"
    workdir: Path
    database_url: str  # what the server serves with (the app role on PostgreSQL)
    migration_database_url: str  # what migrations run with (the owner on PostgreSQL)
    floor_database: dict[str, str]  # for bench.floor: sqlite_path or postgres_dsn (app role)


@contextmanager
def prepared(name: str, workdir: Path, keep_database: bool = False) -> Iterator[Backend]:
    """A fresh, empty database for ``name``; the PostgreSQL one is dropped afterwards."""
    workdir.mkdir(parents=True, exist_ok=True)
    if name == "sqlite":
        path = workdir / "onewindow.sqlite3"
        url = f"sqlite+aiosqlite:///{path}"
        yield Backend(name, workdir, url, url, {"sqlite_path": str(path)})
        return
    if name != "postgresql":
        raise ValueError(f"unknown backend {name!r}")
    from tests.support.services import create_test_database, postgres_available

    if not postgres_available():
        raise RuntimeError("PostgreSQL is not reachable (start it with infra/dev-services)")
    database = create_test_database()
    print(f"  PostgreSQL database {database.name}", flush=True)
    try:
        dsn = database.app_url.replace("postgresql+asyncpg://", "postgresql://", 1)
        yield Backend(name, workdir, database.app_url, database.owner_url, {"postgres_dsn": dsn})
    finally:
        if keep_database:
            print(f"  kept PostgreSQL database {database.name}", flush=True)
        else:
            database.drop()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


# Settings a bench run may choose from its environment: workers, and the planned path (A/B).
PASSED_SETTINGS = frozenset({"ONEWINDOW_WEB_WORKERS", "ONEWINDOW_PLANNED_DOCUMENTS"})


class ServerError(RuntimeError):
    pass


class Server:
    """``python -m api.cli demo --port N`` (the ``onewindow demo`` entry point) of this tree."""

    def __init__(
        self, backend: Backend, port: int | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.backend = backend
        self.extra_env = dict(env or {})  # e.g. ONEWINDOW_LOGIN_FAILURES_PER_USER for a bench
        self.port = port or free_port()
        self.base_url = f"http://{HOST}:{self.port}"
        self.log_path = backend.workdir / "server.log"
        self.secret_key = secrets.token_urlsafe(48)
        self.process: subprocess.Popen | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def environment(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            # the runner's own settings pass; others (a developer's shell) must not skew a run
            if not k.startswith("ONEWINDOW_") or k in PASSED_SETTINGS
        }
        env.update(
            ONEWINDOW_DATABASE_URL=self.backend.database_url,
            ONEWINDOW_MIGRATION_DATABASE_URL=self.backend.migration_database_url,
            ONEWINDOW_SECRET_KEY=self.secret_key,
            ONEWINDOW_DATA_DIR=str(self.backend.workdir / "data"),
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "api.cli",
            "demo",
            "--host",
            HOST,
            "--port",
            str(self.port),
        ]
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                cwd=REPO,
                env=self.environment(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    async def wait_healthy(self, limit: float) -> float:
        """Poll ``GET /health`` until it answers 200; returns the seconds it took."""
        assert self.process is not None
        started = time.monotonic()
        next_note = started + 15
        async with httpx.AsyncClient(base_url=self.base_url, timeout=5) as client:
            while True:
                if self.process.poll() is not None:
                    raise ServerError(
                        f"server exited with {self.process.returncode}; log {self.log_path}:\n"
                        + self.log_tail()
                    )
                try:
                    response = await client.get("/health")
                    if response.status_code == 200:
                        return time.monotonic() - started
                except httpx.HTTPError:
                    pass
                now = time.monotonic()
                if now - started > limit:
                    raise ServerError(
                        f"no healthy answer within {limit:.0f} s; log {self.log_path}:\n"
                        + self.log_tail()
                    )
                if now >= next_note:
                    print(f"  … still loading the demo ({now - started:.0f} s)", flush=True)
                    next_note = now + 15
                await asyncio.sleep(0.5)

    def stop(self, grace: float = 20.0) -> None:
        """SIGINT (uvicorn's graceful shutdown), then SIGTERM, then SIGKILL — this pid only."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        for sig, wait in ((signal.SIGINT, grace), (signal.SIGTERM, 10.0), (signal.SIGKILL, 10.0)):
            try:
                process.send_signal(sig)
                process.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue
            except ProcessLookupError:
                return


def _stat(pid: int) -> list[str]:
    with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
        return fh.read().rsplit(")", 1)[1].split()


def descendants(pid: int) -> list[int]:
    """The live processes below ``pid`` (uvicorn's web workers, with ONEWINDOW_WEB_WORKERS > 1)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                parents[int(entry)] = int(_stat(int(entry))[1])
            except (OSError, IndexError, ValueError):
                continue  # gone meanwhile
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        children = [child for child, ppid in parents.items() if ppid == parent]
        found.extend(children)
        frontier.extend(children)
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds so far of process ``pid`` and its live descendants."""
    total = 0
    for member in (pid, *descendants(pid)):
        try:
            fields = _stat(member)
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def postgres_cpu() -> dict[int, float]:
    """User + system CPU seconds so far of every PostgreSQL process of the machine (its
    backends, whichever server they serve, and its background workers), by pid."""
    found: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                text = fh.read()
        except OSError:
            continue  # gone meanwhile
        name, _, rest = text.partition("(")[2].rpartition(")")
        if name == "postgres":
            fields = rest.split()
            found[int(entry)] = (int(fields[11]) + int(fields[12])) / tick
    return found


def postgres_cpu_since(before: dict[int, float]) -> float:
    """PostgreSQL's CPU seconds since ``before`` (``postgres_cpu()``): of the processes alive
    now (one started since counts whole). A process gone since took its count with it — a
    backend the other, idle server's pool closed, which did nothing meanwhile. The versus
    rounds load one server at a time, so a round's figure is that server's database work."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in postgres_cpu().items())


async def analyze(owner_url: str) -> None:
    """``ANALYZE`` the whole database as its owner: the planner's statistics as autovacuum keeps
    them on a live database. Tables just filled in bulk otherwise get a plan that depends on
    whether autovacuum happened to run yet (a nested loop over 2,000 rows instead of a hash
    join), which moves a workload's figures from one run to the next."""
    from sqlalchemy import text
    from sqlalchemy.ext.asyncio import create_async_engine

    engine = create_async_engine(owner_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
    finally:
        await engine.dispose()


async def wait_quiet(
    pid: int, *, share: float = 0.05, window: float = 1.0, limit: float = 120.0
) -> float:
    """Wait until process ``pid`` and its descendants use less than ``share`` of one core over
    ``window`` seconds; returns the seconds waited. A server that has just answered ``/health``
    may still be busy: the embedded default spawns its inline job processes and runs the
    deadline job at start-up (seconds of CPU each), which would otherwise be measured as the
    first workload's."""
    started = time.monotonic()
    before = cpu_seconds(pid)
    while True:
        await asyncio.sleep(window)
        after = cpu_seconds(pid)
        if after - before < share * window or time.monotonic() - started > limit:
            return time.monotonic() - started
        before = after


def rss_megabytes(pid: int) -> float:
    """Resident memory of process ``pid`` and its live descendants, in MB."""
    total_kb = 0
    for member in (pid, *descendants(pid)):
        try:
            with open(f"/proc/{member}/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total_kb += int(line.split()[1])
                        break
        except OSError:
            continue
    return total_kb / 1024


def machine_busy_seconds() -> float:
    """CPU seconds spent busy by all cores of the machine so far (from /proc/stat)."""
    with open("/proc/stat", encoding="ascii") as fh:
        values = [int(v) for v in fh.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return (sum(values[:8]) - idle) / os.sysconf("SC_CLK_TCK")
