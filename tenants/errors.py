"""Domain errors shared by every package: a refused change becomes ``userErrors``."""

from __future__ import annotations

from collections.abc import Sized
from dataclasses import dataclass


@dataclass(frozen=True)
class UserError:
    """One reason a change was refused: a stable upper-case ``code`` and a Chinese message."""

    field: str | None
    code: str
    message: str


class UserErrors(Exception):
    """Raised by a service to refuse a change; the transaction is rolled back, nothing changes."""

    def __init__(self, errors: list[UserError] | UserError) -> None:
        self.errors = errors if isinstance(errors, list) else [errors]
        super().__init__("; ".join(f"{e.code}: {e.message}" for e in self.errors))


def refuse(field: str | None, code: str, message: str) -> UserErrors:
    return UserErrors(UserError(field, code, message))


class Collector:
    """Gathers several user errors so that one response names all of them."""

    def __init__(self) -> None:
        self.errors: list[UserError] = []

    def add(self, field: str | None, code: str, message: str) -> None:
        self.errors.append(UserError(field, code, message))

    def raise_if_any(self) -> None:
        if self.errors:
            raise UserErrors(self.errors)


def check_length(
    errors: Collector, field: str, value: str | None, max_len: int, label: str
) -> None:
    if value is not None and len(value) > max_len:
        errors.add(field, "TOO_LONG", f"{label}不能超过 {max_len} 个字符")


def check_count(
    errors: Collector,
    field: str,
    items: Sized | None,
    max_count: int,
    label: str,
    code: str = "TOO_MANY",
) -> bool:
    """Adds ``code`` when the list ``items`` holds more than ``max_count``; True when it is fine.

    Check the count before looking at the items: a list of 5,000 is refused as one error, not
    5,000 (nor 5,000 lookups)."""
    if items is not None and len(items) > max_count:
        errors.add(field, code, f"{label}最多 {max_count} 项,收到 {len(items)} 项")
        return False
    return True
