"""Counting what a block of code does to the database, by the engine's own events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event


class EngineEvents:
    """Counts an engine event (``"begin"``, ``"before_cursor_execute"``, …) while the block
    runs: ``with EngineEvents(db, "begin") as begins: …; begins.count``."""

    def __init__(self, db: Any, name: str) -> None:
        self.engine = db.engine.sync_engine
        self.name = name
        self.count = 0

    def _seen(self, *_args: Any) -> None:
        self.count += 1

    def __enter__(self) -> EngineEvents:
        event.listen(self.engine, self.name, self._seen)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, self.name, self._seen)
