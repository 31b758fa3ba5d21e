"""Built-once Core statements on PostgreSQL, run by the driver itself.

SQLAlchemy's Core path costs ~190 µs of CPU a statement on top of asyncpg's own ~130 µs on the
benchmark VM (the compiled-cache lookup, an execution context, parameter and result set-up),
and a request's point reads pay it four or five times. A statement that is built once (a
module's constant) does not need that work done again on every execution:

- its **first** execution goes through SQLAlchemy, unchanged, and keeps what SQLAlchemy made of
  the result (its metadata: keys and result processors);
- the statement is compiled once for the dialect: the SQL text, the order of its positional
  parameters, their bind processors and the values the statement itself carries;
- every later execution of **the same statement object** sends that SQL straight to the
  asyncpg connection (which prepares it once per connection), and turns the records into
  SQLAlchemy ``Row``s through the kept metadata, so a caller gets the rows and the result
  methods (``all``, ``first``, ``scalar`` …) it would have got.

An ``INSERT``, ``UPDATE`` or ``DELETE`` with ``RETURNING`` is taken as a SELECT is (its rows
are its result); one without is left to SQLAlchemy, whose result carries the ``rowcount`` that
a conditional update is judged by. A statement whose execution would add values (a column's
Python-side default or ``onupdate`` the caller did not give) misses a parameter here and runs
through SQLAlchemy, which computes them.

An expanding ``IN`` parameter makes the SQL depend on the length of its list: SQLAlchemy expands
the statement once per set of lengths (up to 64 of them), and the driver runs each. Values the
statement carries for literal-execute parameters are rendered once. Only statements that
return rows are taken, not a statement whose SQL would depend on a value given at execution
(a literal-execute parameter given then), only on a connection whose transaction SQLAlchemy
has begun (a request's read connection, which ``set_config`` began, or a change's), and only
on PostgreSQL; anything else runs through SQLAlchemy as before. A driver error is raised as
SQLAlchemy would raise it, and the engine's ``before_cursor_execute`` listeners still see every
statement (with no cursor and no execution context): the benches and tests that count
statements count these too.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any, NoReturn

from asyncpg.transaction import TransactionState
from sqlalchemy import exc
from sqlalchemy.engine import Result
from sqlalchemy.engine.result import IteratorResult
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql import Delete, Insert, Select, Update

_MISSING = object()


# Where each positional argument comes from: a value the statement carries (already
# processed), a parameter given at execution, or one element of a list given for an expanding
# ``IN`` parameter.
_CARRIED, _GIVEN, _ELEMENT = 0, 1, 2
_VARIANTS_PER_STATEMENT = 64  # distinct list lengths kept; beyond them, SQLAlchemy's path


@dataclass(frozen=True, slots=True)
class _Variant:
    """The SQL for one set of list lengths, and where its ``$n`` arguments come from."""

    sql: str
    sources: tuple[tuple[int, Any, int, Any], ...]  # (kind, value or name, index, processor)


@dataclass(slots=True)
class _Prepared:
    compiled: Any
    metadata: Any  # the result metadata of the first execution (keys, result processors)
    expanding: tuple[str, ...]  # the expanding parameters given at execution
    variants: dict[tuple[int, ...], _Variant]


# Per statement object (weakly: a statement built per call is forgotten with it); ``None``
# marks a statement that cannot be taken.
_PREPARED: weakref.WeakKeyDictionary[Any, _Prepared | None] = weakref.WeakKeyDictionary()


def _returns_rows(statement: Any) -> bool:
    """A SELECT, or a DML statement with ``RETURNING``."""
    if isinstance(statement, Select):
        return True
    return isinstance(statement, Insert | Update | Delete) and bool(statement._returning)


def _prepare(
    connection: AsyncConnection, statement: Any, first: Result, parameters: dict[str, Any]
) -> _Prepared | None:
    compiled = statement.compile(dialect=connection.dialect)
    if not _takeable(compiled):
        return None
    names = compiled.bind_names
    if any(names[bind] in parameters for bind in compiled.literal_execute_params):
        return None  # a value given at execution is rendered into the SQL text
    expanding = []
    for bind in compiled.post_compile_params:
        if names[bind] in parameters:
            expanding.append(names[bind])
        elif bind.value is None:
            return None  # SQLAlchemy names the missing list
    return _Prepared(
        compiled=compiled,
        metadata=first._metadata,  # type: ignore[attr-defined]
        expanding=tuple(expanding),
        variants={},
    )


def _takeable(compiled: Any) -> bool:
    """What a statement alone decides: no value computed at each execution, no tuple lists,
    and every literal-execute value carried by the statement."""
    if any(bind.callable is not None for bind in compiled.binds.values()):
        return False
    if getattr(compiled, "insert_prefetch", None) or getattr(compiled, "update_prefetch", None):
        return False  # a Python-side default or onupdate, computed by SQLAlchemy per execution
    if any(bind.value is None for bind in compiled.literal_execute_params):
        return False
    return all(
        bind.expanding and not bind.type._is_tuple_type for bind in compiled.post_compile_params
    )


def takeable(statement: Any, dialect: Any) -> bool:
    """Whether ``statement`` can run by the driver (given no literal-execute value at
    execution): a SELECT (or DML with ``RETURNING``) the statement's own values decide."""
    return _returns_rows(statement) and _takeable(statement.compile(dialect=dialect))


def _variant(prepared: _Prepared, parameters: dict[str, Any]) -> _Variant | None:
    """The SQL for these list lengths: SQLAlchemy expands the lists (and renders the
    literal-execute values the statement carries) once per set of lengths."""
    compiled = prepared.compiled
    given = set(prepared.expanding)
    expanded = compiled.construct_expanded_state(parameters)
    element_of = {
        element: (name, index)
        for name, elements in expanded.parameter_expansion.items()
        for index, element in enumerate(elements)
    }
    processors = {**compiled._bind_processors, **expanded.processors}
    sources = []
    for key in expanded.positiontup or ():
        processor = processors.get(key)
        if key in element_of:
            name, index = element_of[key]
            if name in given:
                sources.append((_ELEMENT, name, index, processor))
                continue
        elif key in parameters:  # given at execution (a default given this time counts)
            sources.append((_GIVEN, key, 0, processor))
            continue
        value = expanded.parameters[key]  # carried by the statement
        sources.append((_CARRIED, processor(value) if processor else value, 0, None))
    return _Variant(expanded.statement, tuple(sources))


def _arguments(variant: _Variant, parameters: dict[str, Any]) -> list[Any] | None:
    arguments = []
    for kind, source, index, processor in variant.sources:
        if kind == _CARRIED:
            arguments.append(source)
            continue
        value = parameters.get(source, _MISSING)
        if value is _MISSING:
            return None  # SQLAlchemy names the missing parameter
        if kind == _ELEMENT:
            value = value[index]
        arguments.append(processor(value) if processor is not None else value)
    return arguments


async def execute(
    connection: AsyncConnection, statement: Any, parameters: dict[str, Any] | None = None
) -> Result:
    """``connection.execute(statement, parameters)``, by the driver when it can be."""
    if connection.dialect.name != "postgresql" or not _returns_rows(statement):
        return await connection.execute(statement, parameters)
    parameters = parameters or {}
    prepared = _PREPARED.get(statement, _MISSING)
    if prepared is _MISSING:
        result = await connection.execute(statement, parameters)
        _PREPARED[statement] = _prepare(connection, statement, result, parameters)
        return result
    variant = _variant_for(prepared, parameters) if prepared is not None else None
    arguments = _arguments(variant, parameters) if variant is not None else None
    adapted = await _adapted(connection)
    if arguments is None or adapted is None or adapted._transaction is None:
        return await connection.execute(statement, parameters)
    assert isinstance(variant, _Variant) and isinstance(prepared, _Prepared)
    sync = connection.sync_connection
    if sync is not None and (sync._has_events or sync.engine._has_events):
        sync.dispatch.before_cursor_execute(sync, None, variant.sql, arguments, None, False)
    try:
        # The adapter's own lock, as its cursor takes it: two tasks sharing a session (a
        # request's sibling resolvers) must not run two statements on one connection at once.
        async with adapted._execute_mutex:
            records = await adapted.driver_connection.fetch(variant.sql, *arguments)
    except Exception as error:
        _raise_translated(connection, adapted, variant.sql, arguments, error)
    return IteratorResult(prepared.metadata, iter(records))


async def _adapted(connection: AsyncConnection) -> Any:
    """The adapter of the connection's driver connection. A connection in use holds its pool
    entry (``Connection._dbapi_connection``); only one invalidated meanwhile needs
    ``get_raw_connection``'s revalidation, which runs in a greenlet of its own — a switch per
    statement that the hot path does not need."""
    sync = connection.sync_connection
    fairy = getattr(sync, "_dbapi_connection", None) if sync is not None else None
    if fairy is None:
        fairy = await connection.get_raw_connection()
    return fairy.dbapi_connection


async def session_connection(session: AsyncSession) -> AsyncConnection:
    """``await session.connection()``, kept for the session's transaction: every call would
    otherwise switch to a greenlet to find the same connection again."""
    transaction = session.sync_session.get_transaction()
    kept = session.info.get(_SESSION_CONNECTION)
    if transaction is not None and kept is not None and kept[0] is transaction:
        return kept[1]
    connection = await session.connection()
    session.info[_SESSION_CONNECTION] = (session.sync_session.get_transaction(), connection)
    return connection


_SESSION_CONNECTION = "tenants.prepared.connection"


def _raise_translated(
    connection: AsyncConnection, adapted: Any, sql: str, arguments: Any, error: Exception
) -> NoReturn:
    """Raise ``error`` of the driver as SQLAlchemy's own path would: ``DBAPIError``."""
    try:
        adapted._handle_exception(error)
    except Exception as translated:
        raise exc.DBAPIError.instance(
            sql,
            arguments,
            translated,
            connection.dialect.loaded_dbapi.Error,
            dialect=connection.dialect,
        ) from error
    raise error


def _variant_for(prepared: _Prepared, parameters: dict[str, Any]) -> _Variant | None:
    try:
        lengths = tuple(len(parameters[name]) for name in prepared.expanding)
    except (KeyError, TypeError):
        return None  # a list missing or not a list: SQLAlchemy says what is wrong
    variant = prepared.variants.get(lengths)
    if variant is None and len(prepared.variants) < _VARIANTS_PER_STATEMENT:
        variant = prepared.variants[lengths] = _variant(prepared, parameters)
    return variant


async def begin(connection: AsyncConnection) -> None:
    """Begin the connection's transaction now, for SQLAlchemy and on the server, so that its
    first statement (a request's ``set_config``) can run by the driver too. SQLAlchemy's
    asyncpg adapter would otherwise send ``BEGIN`` lazily, with the first statement it runs
    itself; a transaction begun here is ended by SQLAlchemy as any other."""
    if not connection.in_transaction():
        await connection.begin()
    if connection.dialect.name != "postgresql":
        return
    adapted = (await connection.get_raw_connection()).dbapi_connection
    if adapted is not None and adapted._transaction is None:
        async with adapted._execute_mutex:
            await adapted._start_transaction()


async def begin_with(connection: AsyncConnection, sql: str, *, snapshot: bool = False) -> bool:
    """Begin the connection's transaction and run ``sql`` in it, in one round trip: ``BEGIN;
    <sql>`` as one simple query (a request's ``set_config``, whose value the caller renders).
    With ``snapshot``, the transaction is REPEATABLE READ: all its statements see the database
    as of its first one.

    The transaction is then SQLAlchemy's and the driver's as if each had begun it, and ends
    as any other. ``False`` (nothing done) when the connection is not PostgreSQL's, already
    in a transaction on the server, or not in plain ``BEGIN`` mode: the caller then begins
    and runs ``sql`` apart. ``sql`` is sent as text, never with parameters: it must hold no
    value a caller chose."""
    if not connection.in_transaction():
        await connection.begin()
    if connection.dialect.name != "postgresql":
        return False
    adapted = (await connection.get_raw_connection()).dbapi_connection
    if (
        adapted is None
        or adapted._transaction is not None
        or adapted.isolation_level is not None  # autocommit, or a level BEGIN would name
        or adapted.readonly
        or adapted.deferrable
    ):
        return False
    driver = adapted.driver_connection
    async with adapted._execute_mutex:
        if driver._top_xact is not None or driver.is_in_transaction():
            return False
        isolation = "repeatable_read" if snapshot else None
        transaction = driver.transaction(isolation=isolation)
        sync = connection.sync_connection
        text = f"BEGIN ISOLATION LEVEL REPEATABLE READ; {sql}" if snapshot else f"BEGIN; {sql}"
        if sync is not None and (sync._has_events or sync.engine._has_events):
            sync.dispatch.before_cursor_execute(sync, None, text, (), None, False)
        try:
            await driver.execute(text)
        except Exception as error:
            if driver.is_in_transaction():  # BEGIN ran, the statement failed: end it here
                await driver.execute("ROLLBACK")
            _raise_translated(connection, adapted, text, (), error)
        # What ``Transaction.start`` and the adapter's ``_start_transaction`` record.
        driver._top_xact = transaction
        transaction._state = TransactionState.STARTED
        adapted._transaction = transaction
    return True


def is_prepared(statement: Any) -> bool:
    """Whether ``statement`` runs by the driver from now on (tests)."""
    return _PREPARED.get(statement) is not None
