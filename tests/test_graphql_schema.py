"""The committed SDL matches the code, and every client document validates against it."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.schema import export_sdl
from graphql import build_schema, parse, validate

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "graphql" / "schema.graphql"
OPERATIONS = sorted((ROOT / "graphql" / "operations").glob("*.graphql"))


def test_committed_schema_is_current():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == export_sdl(), (
        "graphql/schema.graphql is stale: run `onewindow export-schema` and commit it"
    )


def test_no_python_under_graphql():
    assert not list((ROOT / "graphql").rglob("*.py"))


@pytest.mark.parametrize("path", OPERATIONS, ids=lambda p: p.name)
def test_operations_validate(path: Path):
    schema = build_schema(SCHEMA_FILE.read_text(encoding="utf-8"))
    errors = validate(schema, parse(path.read_text(encoding="utf-8")))
    assert errors == [], [e.message for e in errors]
