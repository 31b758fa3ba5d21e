"""Small shapes every layer shares: "not given" in an update, rows grouped by a key."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, Final, TypeVar

K = TypeVar("K", bound=Hashable)
T = TypeVar("T")


class _Unset:
    """An update argument that was not given (``None`` clears the field, ``UNSET`` keeps it)."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final[Any] = _Unset()


def group_by(keys: Sequence[K], rows: Iterable[T], key: Callable[[T], K]) -> dict[K, list[T]]:
    """Rows grouped under each of ``keys`` (every key present, in the rows' own order)."""
    grouped: dict[K, list[T]] = {k: [] for k in keys}
    for row in rows:
        grouped.setdefault(key(row), []).append(row)
    return grouped
