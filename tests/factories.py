"""Moved to ``tests.support``: this module only re-exports for the files that still import from
here (tests/workforce/test_rules.py, tests/workforce/test_awkward_dates.py, tests/api/test_fuzz.py).
New code imports ``tests.support.factories`` and ``tests.support.graphql``."""

from tests.support.factories import PASSWORD, County, make_county
from tests.support.graphql import gql

__all__ = ["PASSWORD", "County", "gql", "make_county"]
