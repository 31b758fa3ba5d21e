"""Registers the suite's fixtures and hooks; they live in ``tests/support/fixtures.py``."""

# tests/api/test_fuzz.py still imports TEST_SECRET from here; its home is tests.support.
from tests.support.factories import TEST_SECRET  # noqa: F401

pytest_plugins = ["tests.support.fixtures"]
