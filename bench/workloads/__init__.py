"""Workloads: one module each, found automatically (files starting with ``_`` are helpers).

A workload module defines:

- ``NAME`` (optional, defaults to the module name) and ``DESCRIPTION`` (optional, one line);
- ``async def setup(ctx)`` (optional): find IDs over GraphQL, log in, fill ``ctx.state``;
- either ``def request(ctx) -> (path, json_body, headers)`` — a POST sent as is — or
  ``async def call(client, ctx)`` for anything else (raise to count an error; return a float
  to count those seconds as the latency instead of the whole call);
- ``CONCURRENCY`` (optional): clients to run whatever ``--concurrency`` says;
- ``def check(ctx, payload)`` (optional): assert on one full JSON answer before the load;
- ``async def sql_floor(ctx) -> async def op(conn)`` (optional): the same reads in raw SQL on a
  :class:`bench.floor.FloorConnection`, as the app role with RLS on PostgreSQL.
"""

from __future__ import annotations

import fnmatch
import importlib
import pkgutil
from types import ModuleType


def workload_name(module: ModuleType) -> str:
    return getattr(module, "NAME", module.__name__.rsplit(".", 1)[-1])


def discover(selected: list[str] | None = None) -> list[ModuleType]:
    """Every workload module, sorted by name; ``selected`` names or globs (``network_*``)."""
    found: dict[str, ModuleType] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if not (hasattr(module, "request") or hasattr(module, "call")):
            raise TypeError(f"workload {module.__name__} defines neither request() nor call()")
        name = workload_name(module)
        if name in found:
            raise ValueError(f"two workloads are named {name!r}")
        found[name] = module
    if not selected:
        return [found[n] for n in sorted(found)]
    chosen: list[ModuleType] = []
    for pattern in selected:
        matches = sorted(n for n in found if fnmatch.fnmatchcase(n, pattern))
        if not matches:
            raise SystemExit(f"bench: no workload matches {pattern!r}; have: {', '.join(found)}")
        chosen += [found[n] for n in matches if found[n] not in chosen]
    return chosen
