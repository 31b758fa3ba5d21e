"""Per-county version counters, read together with the request's caller in one round trip.

Hot read paths cache their answers by a county-wide version (the catalog's release number and
draft counter). A cached answer then needs one thing from the database: the current version.
Rather than every such path opening a transaction of its own for it, a domain registers its
counters here, and the statement that loads the caller of an authenticated request
(``accounts.service.load_actor``), or the county of a public request (``read_county``), reads them
as scalar subqueries of the same row. The request keeps them in its context until it writes.

A counter is an integer column of a table with at most one row per county; a county without
that row reads 0.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from sqlalchemy import Column, ColumnElement, Label, Select, bindparam, func, select

from tenants.database import Database
from tenants.models import Tenant, TenantStatus

_registry: dict[str, Column] = {}


def register(name: str, column: Column) -> None:
    """Read ``column`` (of a table with a ``tenant_id`` and one row per county) as ``name``."""
    existing = _registry.get(name)
    if existing is not None and existing is not column:
        raise ValueError(f"counter {name!r} is already registered for {existing}")
    _registry[name] = column


def columns(tenant_id: ColumnElement) -> list[Label]:
    """The registered counters of the county ``tenant_id`` (a column or a bound parameter).

    The tenant is named explicitly: these are Core statements, which the ORM's tenant filter
    does not see (row-level security still applies on PostgreSQL).
    """
    return [
        func.coalesce(
            select(column).where(column.table.c.tenant_id == tenant_id).scalar_subquery(), 0
        ).label(name)
        for name, column in sorted(_registry.items())
    ]


def names() -> tuple[str, ...]:
    return tuple(sorted(_registry))


class WithCounters:
    """A statement whose last columns are ``columns(…)``, built once per set of counters
    (domains register theirs when imported, possibly after the first use)."""

    def __init__(self, build: Callable[[], Select]) -> None:
        self._build = build
        self._built: tuple[tuple[str, ...], Select] | None = None

    def get(self) -> tuple[tuple[str, ...], Select]:
        """(the counters' names in column order, the statement)."""
        current = names()
        if self._built is None or self._built[0] != current:
            self._built = (current, self._build())
        return self._built


@dataclass(frozen=True)
class CountyState:
    """A county's status and counters, as one request sees them."""

    status: TenantStatus
    counters: Mapping[str, int]


_county = WithCounters(
    lambda: select(Tenant.__table__.c.status, *columns(Tenant.__table__.c.id)).where(
        Tenant.__table__.c.id == bindparam("tenant_id")
    )
)


async def read_county(db: Database, tenant_id: uuid.UUID) -> CountyState | None:
    """The county's status and counters (one transaction, one statement); None if unknown."""
    counter_names, statement = _county.get()
    async with db.read_connection(tenant_id) as conn:
        row = (await conn.execute(statement, {"tenant_id": tenant_id})).first()
    if row is None:
        return None
    return CountyState(TenantStatus(row[0]), dict(zip(counter_names, row[1:], strict=True)))


# A county's code never changes, so its id is remembered per database. An id the database does
# not know (a database recreated under the same URL, as tests do) is looked up again.
_ids_by_code: dict[tuple[str, str], uuid.UUID] = {}


async def read_county_by_code(db: Database, code: str) -> tuple[uuid.UUID, CountyState] | None:
    """The county with this 6-digit code, with its status and counters; None if there is none."""
    key = (db.url, code)
    tenant_id = _ids_by_code.get(key)
    if tenant_id is not None:
        state = await read_county(db, tenant_id)
        if state is not None:
            return tenant_id, state
        _ids_by_code.pop(key, None)
    table = Tenant.__table__
    async with db.read_connection(None) as conn:
        tenant_id = (
            await conn.execute(select(table.c.id).where(table.c.code == code))
        ).scalar_one_or_none()
    if tenant_id is None:
        return None
    state = await read_county(db, tenant_id)
    if state is None:
        return None
    _ids_by_code[key] = tenant_id
    return tenant_id, state
