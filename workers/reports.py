"""An import's row-by-row report as a job keeps it (``BackgroundJob.result``): plain JSON, so
that any domain's import writes it and the GraphQL ``Job.importReport`` reads it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tenants.errors import UserError


@dataclass(frozen=True)
class ReportRow:
    row: int  # the spreadsheet's row number
    label: str | None  # what the row is about: a matter's code, a person's name
    errors: list[UserError] = field(default_factory=list)


def import_result(
    imported: int, rows: Iterable[ReportRow], errors: Iterable[UserError] = ()
) -> dict[str, Any]:
    """The report; ``ok`` when no row and nothing about the file was refused."""
    rows = list(rows)
    errors = list(errors)
    ok = not errors and all(not r.errors for r in rows)
    return {
        "ok": ok,
        "imported": imported if ok else 0,
        "rows": [
            {"row": r.row, "label": r.label, "errors": [_error(e) for e in r.errors]} for r in rows
        ],
        "errors": [_error(e) for e in errors],
    }


def refused_file(*errors: UserError) -> dict[str, Any]:
    """A report that refuses the whole file (or the request) before any row was read."""
    return import_result(0, [], errors)


def read_rows(result: dict[str, Any]) -> list[ReportRow]:
    return [
        ReportRow(r["row"], r.get("label"), read_errors(r.get("errors", [])))
        for r in result.get("rows", [])
    ]


def read_errors(errors: list[dict[str, Any]]) -> list[UserError]:
    return [UserError(e.get("field"), e["code"], e["message"]) for e in errors]


def _error(error: UserError) -> dict[str, Any]:
    return {"field": error.field, "code": error.code, "message": error.message}
