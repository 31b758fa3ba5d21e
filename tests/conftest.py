"""Registers the suite's fixtures and hooks; they live in ``tests/support/fixtures.py`` (and
what tests share in ``tests/support``). Nothing is imported from here."""

pytest_plugins = ["tests.support.fixtures"]
