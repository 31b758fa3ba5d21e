"""What a ``bench.versus`` workload is: how it finds its bodies (``Sides``) and how it reads each
server's answer into rows that must be equal (``Peer``). The workloads are in
``bench/peers.py`` and ``bench/peers_casework.py``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bench.context import Ctx


@dataclass
class Sides:
    """What ``setup`` found: the bodies each server gets (several alternate, e.g. a write that
    flips between two values so that every request changes the row) and the tenant UUID that
    PostGraphile's token carries."""

    onewindow: list[dict[str, Any]]
    onewindow_headers: dict[str, str]
    postgraphile: list[dict[str, Any]]
    tenant_id: str


@dataclass(frozen=True)
class Peer:
    name: str
    description: str
    setup: Callable[[Ctx], Awaitable[Sides]]
    onewindow_rows: Callable[[dict[str, Any]], Any]
    postgraphile_rows: Callable[[dict[str, Any]], Any]
    writes: bool = False  # runs after the reads: it changes the demo data
