"""What every plan shares: its signature and the tenant parameter its statements name."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy import bindparam

from api.gql.context import AppContext

# A plan answers the operation's ``data`` from the request context and the variables, or None
# to step aside to normal execution.
Plan = Callable[[AppContext, dict[str, Any]], Awaitable[dict[str, Any] | None]]

# Every statement of a plan names the caller's county for every table it reads: a read
# connection has row-level security (PostgreSQL) but not the ORM's tenant filter.
TENANT = bindparam("tenant_id")
