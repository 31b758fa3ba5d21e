"""A thread-safe least-recently-used map, bounded by a total weight (by default, one per item).

The per-process caches (verified tokens, compiled fast-path plans, catalog folds and data,
encoded catalog pages) all use it; only what they keep and how they weigh it differs.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class LRU:
    def __init__(self, capacity: int, weigh: Callable[[Any], int] | None = None) -> None:
        self.capacity = capacity
        self.weight = 0
        self._weigh = weigh or (lambda _value: 1)
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, default: Any = None) -> Any:
        with self._lock:
            if key not in self._items:
                return default
            self._items.move_to_end(key)
            return self._items[key]

    def put(self, key: Hashable, value: Any) -> None:
        """Keep ``value``, then drop the least recently used items while over capacity (the
        newest item stays even if it alone is over)."""
        with self._lock:
            self._remove(key)
            self._items[key] = value
            self.weight += self._weigh(value)
            while self.weight > self.capacity and len(self._items) > 1:
                self._remove(next(iter(self._items)))

    def pop(self, key: Hashable) -> None:
        with self._lock:
            self._remove(key)

    def drop(self, unwanted: Callable[[Any], bool]) -> None:
        """Remove every item whose key ``unwanted`` accepts."""
        with self._lock:
            for key in [k for k in self._items if unwanted(k)]:
                self._remove(key)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.weight = 0

    def ordered_keys(self) -> list[Hashable]:
        """Keys from the least to the most recently used."""
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def _remove(self, key: Hashable) -> None:
        if key in self._items:
            self.weight -= self._weigh(self._items.pop(key))
