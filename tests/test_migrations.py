"""The alembic chain builds the schema from empty (the fixtures do that) with no drift."""

from __future__ import annotations

from migrations.runner import check


def test_no_drift_between_models_and_migrations(backend):
    check(backend.owner_url)
