"""Moved to ``tests.support.workforce``: this module only re-exports for the files that still
import from here (tests/workforce/test_rules.py, tests/workforce/test_awkward_dates.py)."""

from tests.support.workforce import CIPHER, bad_checksum, hire, id_number, pin_today

__all__ = ["CIPHER", "bad_checksum", "hire", "id_number", "pin_today"]
