"""The alembic chain builds the schema from empty (the fixtures do that) with no drift."""

from __future__ import annotations

from migrations.runner import check


def test_no_drift_between_models_and_migrations(backend):
    check(backend.owner_url)


def test_one_head():
    from alembic.script import ScriptDirectory

    from migrations.runner import alembic_config

    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"merge the alembic heads {heads}"
