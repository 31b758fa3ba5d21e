"""The job functions by name. Domains register theirs when imported (``@job``); the worker
process (``api.worker``) imports every domain's jobs module, the inline queue finds them here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

JobFunction = Callable[..., Awaitable[Any]]

FUNCTIONS: dict[str, JobFunction] = {}


def job(function: JobFunction) -> JobFunction:
    """Register an arq-style job function (``async def f(ctx, **kwargs)``) under its name."""
    existing = FUNCTIONS.setdefault(function.__name__, function)
    if existing is not function:
        raise ValueError(f"two jobs named {function.__name__!r}")
    return function
