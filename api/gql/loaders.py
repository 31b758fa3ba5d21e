"""Per-request DataLoaders declared once: ``@batch("staff")`` on the batch function makes the
loader's accessor, and the helpers below line a batch's answers up with its keys."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from api.gql.context import AppContext

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

BatchFunction = Callable[[AppContext, list[Any]], Awaitable[list[Any]]]


def batch(name: str) -> Callable[[BatchFunction], Callable[[AppContext], DataLoader]]:
    """Turn ``async def load(ctx, keys) -> values`` into ``loader(ctx)``, the request's
    DataLoader named ``name`` (one per request, so a batch never mixes two callers)."""

    def declare(load: BatchFunction) -> Callable[[AppContext], DataLoader]:
        def accessor(ctx: AppContext) -> DataLoader:
            return ctx.loader(name, load)

        accessor.__doc__ = load.__doc__
        accessor.__name__ = load.__name__
        return accessor

    return declare


def aligned(keys: Sequence[K], found: Mapping[K, V], default: Any = None) -> list[Any]:
    """The values for ``keys`` in order; ``default`` where nothing was found."""
    return [found.get(k, default) for k in keys]
