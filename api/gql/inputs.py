"""Input conventions: an optional input field that was left out is ``UNSET`` for the rules."""

from __future__ import annotations

from typing import Any

import strawberry

from tenants.values import UNSET


def given(value: Any) -> Any:
    """``tenants.values.UNSET`` for a field the client left out, the value (``None`` too)
    otherwise: the rules tell "not given" (keep) from ``null`` (clear) with this one sentinel."""
    return UNSET if value is strawberry.UNSET else value
