"""What a service's refusal looks like to a test."""

from __future__ import annotations

from collections.abc import Awaitable

import pytest

from tenants.errors import UserErrors


async def refused(call: Awaitable[object]) -> list[tuple[str | None, str]]:
    """Await ``call``, which must refuse: its ``(field, code)`` pairs, in order."""
    with pytest.raises(UserErrors) as caught:
        await call
    return [(e.field, e.code) for e in caught.value.errors]
