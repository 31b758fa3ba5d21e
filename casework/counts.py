"""Maintained case counts: per county, accepting site, processing site and status
(``CaseCount``), so that the case list's ``totalCount`` is a sum over a few dozen rows instead
of a count over up to a million cases; and per site and day (``CaseDay``: accepted, issued,
decided, decided late), so that the service report sums a year of days instead of counting a
year of cases.

Every change is the database's own arithmetic on the row (``cases = cases + 1`` in an
``INSERT … ON CONFLICT DO UPDATE``, ``cases = cases - 1`` in an ``UPDATE``), in the
transaction that inserts the case or changes its status: concurrent writers queue on the row
and none loses a count, and a rolled-back intake takes its count with it. A transaction that
moves a case takes the two rows' locks in one order (by status), so two opposite moves
(ACCEPTED → AWAITING_SUPPLEMENT and back) never deadlock.

The rows of one site are hot (every intake at the county centre adds to one row): callers
change them as late as they can, right before the commit.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    delete,
    func,
    literal,
    or_,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from casework.models import DONE_STATUSES, Case, CaseCount, CaseDay, CaseStatus
from tenants import prepared
from tenants.context import session_tenant

_TABLE = CaseCount.__table__
_KEY = (_TABLE.c.tenant_id, _TABLE.c.site_id, _TABLE.c.processing_site_id, _TABLE.c.status)
_DAYS = CaseDay.__table__
_DAY_KEY = (_DAYS.c.tenant_id, _DAYS.c.site_id, _DAYS.c.day)
_DAY_FIGURES = ("accepted", "issued", "decided", "decided_late")


def _tenant(session: AsyncSession) -> uuid.UUID:
    tenant_id = session_tenant(session)
    if tenant_id is None:
        raise RuntimeError("cases are counted inside a county")
    return tenant_id


def _dialect(session: AsyncSession) -> str:
    return session.bind.dialect.name


def _insert(session: AsyncSession):
    return postgresql.insert if _dialect(session) == "postgresql" else sqlite.insert


# The statements are built once per dialect (and set of day figures): building an upsert and
# its ``excluded`` columns cost more than running it, on every intake and status change.


@lru_cache(maxsize=4)
def _count_upsert(dialect: str) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_TABLE).values(
        id=bindparam("id"),
        tenant_id=bindparam("tenant_id"),
        site_id=bindparam("site_id"),
        processing_site_id=bindparam("processing_site_id"),
        status=bindparam("status"),
        cases=bindparam("cases"),
    )
    # RETURNING: a write that returns rows runs by the driver (``tenants.prepared``)
    return statement.on_conflict_do_update(
        index_elements=list(_KEY), set_={"cases": _TABLE.c.cases + statement.excluded.cases}
    ).returning(_TABLE.c.cases)


# (an UPDATE's own parameters may not be named after its table's columns)
_COUNT_DOWN = (
    update(_TABLE)
    .where(
        _TABLE.c.tenant_id == bindparam("of_tenant"),
        _TABLE.c.site_id == bindparam("of_site"),
        _TABLE.c.processing_site_id == bindparam("of_processing_site"),
        _TABLE.c.status == bindparam("of_status"),
    )
    .values(cases=_TABLE.c.cases + bindparam("delta"))
)


@lru_cache(maxsize=16)
def _day_upsert(dialect: str, figures: tuple[str, ...]) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(_DAYS).values(
        id=bindparam("id"),
        tenant_id=bindparam("tenant_id"),
        site_id=bindparam("site_id"),
        day=bindparam("day"),
        **{f: bindparam(f) for f in _DAY_FIGURES},
    )
    return statement.on_conflict_do_update(
        index_elements=list(_DAY_KEY),
        set_={f: _DAYS.c[f] + statement.excluded[f] for f in figures},
    ).returning(_DAYS.c.id)


async def _add(
    session: AsyncSession,
    site_id: uuid.UUID,
    processing_site_id: uuid.UUID,
    status: CaseStatus,
    delta: int,
) -> None:
    row = {
        "tenant_id": _tenant(session),
        "site_id": site_id,
        "processing_site_id": processing_site_id,
        "status": status,
    }
    if delta < 0:
        # The row exists: the case being moved was counted in it when it got there.
        where = {f"of_{key.removesuffix('_id')}": value for key, value in row.items()}
        result = await session.execute(_COUNT_DOWN, {**where, "delta": delta})
        if result.rowcount != 1:
            raise RuntimeError(f"no count of {status} cases at {site_id}/{processing_site_id}")
        return
    await prepared.execute(
        await prepared.session_connection(session),
        _count_upsert(_dialect(session)),
        {**row, "id": uuid.uuid4(), "cases": delta},
    )


async def _add_day(session: AsyncSession, site_id: uuid.UUID, day: date, **deltas: int) -> None:
    values = {figure: deltas.get(figure, 0) for figure in _DAY_FIGURES}
    await prepared.execute(
        await prepared.session_connection(session),
        _day_upsert(_dialect(session), tuple(sorted(deltas))),
        {"id": uuid.uuid4(), "tenant_id": _tenant(session), "site_id": site_id, "day": day}
        | values,
    )


async def case_added(session: AsyncSession, case: Case) -> None:
    """A new case (in the transaction that inserts it)."""
    await _add(session, case.site_id, case.processing_site_id, case.status, 1)
    await _add_day(session, case.site_id, case.accepted_on, accepted=1)


async def case_decided(session: AsyncSession, case: Case) -> None:
    """The case was decided on ``case.decided_on`` (after ``status_changed``)."""
    if case.decided_on is None or case.due_date is None:
        return
    late = int(case.decided_on > case.due_date)
    await _add_day(session, case.site_id, case.decided_on, decided=1, decided_late=late)


async def case_issued(session: AsyncSession, case: Case, day: date) -> None:
    """The case's result was issued on ``day`` (China's; after ``status_changed``)."""
    await _add_day(session, case.site_id, day, issued=1)


async def status_changed(
    session: AsyncSession, case: Case, before: CaseStatus, after: CaseStatus
) -> None:
    """A case moved from ``before`` to ``after`` (in the transaction that moved it)."""
    if before is after:
        return
    moves = sorted(((before, -1), (after, 1)), key=lambda move: move[0].value)
    for status, delta in moves:
        await _add(session, case.site_id, case.processing_site_id, status, delta)


def _new_id(session: AsyncSession) -> Any:
    if session.bind.dialect.name == "postgresql":
        return func.gen_random_uuid()
    return func.lower(func.hex(func.randomblob(16)))  # SQLite keeps a UUID as 32 hex digits


def _china_day(session: AsyncSession, instant: Any) -> Any:
    """The calendar day in China of a stored instant (UTC+8 all year: no summer time)."""
    if session.bind.dialect.name == "postgresql":
        return cast(func.timezone("Asia/Shanghai", instant), Date)
    return func.date(instant, "+8 hours")  # SQLite keeps the instant as UTC text


async def add_cases(session: AsyncSession, condition: ColumnElement[bool]) -> None:
    """Count the county's cases matching ``condition`` — the rows a bulk insert just wrote —
    into the counts and the days, with one ``INSERT … SELECT … GROUP BY … ON CONFLICT``
    statement each."""
    tenant_id = _tenant(session)
    new_id = _new_id(session)
    grouped = (
        select(
            new_id,
            literal(tenant_id, CaseCount.tenant_id.type),
            Case.site_id,
            Case.processing_site_id,
            Case.status,
            func.count(),
        )
        .where(Case.tenant_id == tenant_id, condition)
        .group_by(Case.site_id, Case.processing_site_id, Case.status)
    )
    statement = _insert(session)(_TABLE).from_select(
        ["id", "tenant_id", "site_id", "processing_site_id", "status", "cases"], grouped
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=list(_KEY), set_={"cases": _TABLE.c.cases + statement.excluded.cases}
        )
    )
    await _add_days(session, condition)


async def _add_days(session: AsyncSession, condition: ColumnElement[bool]) -> None:
    tenant_id = _tenant(session)
    mine = and_(Case.tenant_id == tenant_id, condition)
    one, zero = literal(1, Integer), literal(0, Integer)
    late = case((Case.decided_on > Case.due_date, 1), else_=0)
    parts = union_all(
        select(
            Case.site_id,
            Case.accepted_on.label("day"),
            one.label("accepted"),
            zero.label("issued"),
            zero.label("decided"),
            zero.label("decided_late"),
        ).where(mine),
        select(Case.site_id, _china_day(session, Case.issued_at), zero, one, zero, zero).where(
            mine, Case.issued_at.is_not(None)
        ),
        select(Case.site_id, Case.decided_on, zero, zero, one, late).where(
            mine,
            Case.decided_on.is_not(None),
            Case.due_date.is_not(None),
            Case.status.in_(list(DONE_STATUSES)),
        ),
    ).subquery()
    grouped = (
        select(
            _new_id(session),
            literal(tenant_id, CaseDay.tenant_id.type),
            parts.c.site_id,
            parts.c.day,
            *(func.sum(parts.c[f]) for f in _DAY_FIGURES),
        )
        .where(literal(True))  # SQLite: an INSERT … SELECT … ON CONFLICT needs a WHERE
        .group_by(parts.c.site_id, parts.c.day)
    )
    statement = _insert(session)(_DAYS).from_select(
        ["id", "tenant_id", "site_id", "day", *_DAY_FIGURES], grouped
    )
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=list(_DAY_KEY),
            set_={f: _DAYS.c[f] + statement.excluded[f] for f in _DAY_FIGURES},
        )
    )


async def recount(session: AsyncSession) -> None:
    """Rebuild the county's counts and days from its cases (a repair, or a loader's last
    step). Counts every case, so it must not run beside intakes of the county."""
    await session.execute(delete(_TABLE).where(_TABLE.c.tenant_id == _tenant(session)))
    await session.execute(delete(_DAYS).where(_DAYS.c.tenant_id == _tenant(session)))
    await add_cases(session, literal(True))


async def total(
    session: AsyncSession,
    within: list[uuid.UUID] | None,
    statuses: Sequence[CaseStatus] | None,
) -> int:
    """The number of the county's cases accepted at or processed by a site of ``within``
    (``None``: anywhere in the county) in one of ``statuses`` (``None``: any) — exactly what
    ``count(*)`` over the cases with the same filter would say."""
    conditions: list[Any] = [CaseCount.tenant_id == _tenant(session)]
    if within is not None:
        conditions.append(
            or_(CaseCount.site_id.in_(within), CaseCount.processing_site_id.in_(within))
        )
    if statuses:
        conditions.append(CaseCount.status.in_(list(statuses)))
    found = await session.scalar(
        select(func.coalesce(func.sum(CaseCount.cases), 0)).where(*conditions)
    )
    return int(found or 0)
