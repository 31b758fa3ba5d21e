"""Closed-loop HTTP load: C clients, each on its own keep-alive connection, in P processes.

Every client sends its next request as soon as the previous answer arrives. Requests that start
during the warm-up are sent but not counted; the measured window runs from the end of the
warm-up to the deadline. Every process reports its latencies, its errors and the CPU time it
used in the measured window, so the runner can tell whether the client saturated first.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import multiprocessing
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.context import Ctx

REQUEST_TIMEOUT = 10.0
JSON_HEADERS = {"content-type": "application/json"}


@dataclass
class LoadSpec:
    module: str  # the workload's module, imported again in each process
    ctx: Ctx
    clients: int  # clients in this process
    max_requests: int  # per client, warm-up included


@dataclass
class ProcessResult:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    warmup_requests: int = 0
    cpu_seconds: float = 0.0  # this process's CPU time in the measured window
    first_start: float = 0.0
    last_end: float = 0.0


def _ok(response: httpx.Response) -> str | None:
    """None when the answer is a success, else a short description of what went wrong."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    # A GraphQL error answers 200 with an "errors" member; a byte search keeps the client light
    # (the runner checks one full answer per workload before the load starts).
    if b'"errors"' in response.content:
        return f"GraphQL errors: {response.text[:200]}"
    return None


async def _client(
    spec: LoadSpec, module: Any, warm_end: float, deadline: float, result: ProcessResult
) -> None:
    ctx = spec.ctx
    request = getattr(module, "request", None)
    call = getattr(module, "call", None)
    async with httpx.AsyncClient(
        base_url=ctx.base_url,
        timeout=REQUEST_TIMEOUT,
        limits=httpx.Limits(max_connections=1, max_keepalive_connections=1),
    ) as client:
        for _ in range(spec.max_requests):
            start = time.monotonic()
            if start >= deadline:
                break
            problem: str | None
            timed: float | None = None
            try:
                if call is not None:
                    # A call may time only its own part (a float in seconds), e.g. the read
                    # after its setup writes.
                    returned = await call(client, ctx)
                    timed = returned if isinstance(returned, float) else None
                    problem = None
                else:
                    path, body, headers = request(ctx)  # type: ignore[misc]
                    response = await client.post(
                        path, content=json.dumps(body).encode(), headers={**JSON_HEADERS, **headers}
                    )
                    problem = _ok(response)
            except Exception as exc:  # any failure of one request counts as an error
                problem = f"{type(exc).__name__}: {exc}"[:200]
            end = time.monotonic()
            if start < warm_end:
                result.warmup_requests += 1
                continue
            result.last_end = max(result.last_end, end)
            if problem is None:
                result.latencies.append(end - start if timed is None else timed)
            else:
                result.errors += 1
                if len(result.error_samples) < 3:
                    result.error_samples.append(problem)


async def _cpu_at(moment: float) -> float:
    await asyncio.sleep(max(0.0, moment - time.monotonic()))
    return time.process_time()


async def _run(spec: LoadSpec, warm_end: float, deadline: float) -> ProcessResult:
    module = importlib.import_module(spec.module)
    result = ProcessResult(first_start=warm_end)
    cpu_start = asyncio.create_task(_cpu_at(warm_end))
    await asyncio.gather(
        *(_client(spec, module, warm_end, deadline, result) for _ in range(spec.clients))
    )
    result.cpu_seconds = time.process_time() - await cpu_start
    return result


def process_main(spec: LoadSpec, conn) -> None:
    """Entry point of one load process: say ready, wait for the times, run, send the result."""
    try:
        import uvloop

        uvloop.install()
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        pass
    importlib.import_module(spec.module)
    conn.send("ready")
    message = conn.recv()
    if message == "stop":
        return
    warm_end, deadline = message
    conn.send(asyncio.run(_run(spec, warm_end, deadline)))
    conn.close()


def start_processes(
    module: str, ctx: Ctx, concurrency: int, processes: int, max_requests: int
) -> list[tuple[multiprocessing.Process, Any]]:
    """Start the load processes (spawned, so nothing of the runner leaks into them)."""
    spawn = multiprocessing.get_context("spawn")
    processes = max(1, min(processes, concurrency))
    started = []
    for index in range(processes):
        clients = concurrency // processes + (1 if index < concurrency % processes else 0)
        per_client = max(1, -(-max_requests // concurrency))
        parent, child = spawn.Pipe()
        proc = spawn.Process(
            target=process_main,
            args=(LoadSpec(module, ctx, clients, per_client), child),
            name=f"bench-load-{index}",
            daemon=True,
        )
        proc.start()
        child.close()
        started.append((proc, parent))
    return started
