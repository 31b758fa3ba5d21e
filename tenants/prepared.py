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

Only SELECTs whose SQL does not depend on their parameters are taken (no expanding ``IN`` or
literal-execute parameters), only on a connection whose transaction SQLAlchemy has begun (a
request's read connection, which ``set_config`` began), and only on PostgreSQL; anything else
runs through SQLAlchemy as before. A driver error is raised as SQLAlchemy would raise it, and
the engine's ``before_cursor_execute`` listeners still see every statement (with no cursor and
no execution context): the benches and tests that count statements count these too.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import exc
from sqlalchemy.engine import Result
from sqlalchemy.engine.result import IteratorResult
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Select

_MISSING = object()


@dataclass(frozen=True, slots=True)
class _Prepared:
    sql: str
    names: tuple[str, ...]  # the statement's parameters, in ``$n`` order
    defaults: dict[str, Any]  # the values the statement carries itself
    processors: dict[str, Any]  # bind processors by parameter name
    metadata: Any  # the result metadata of the first execution (keys, result processors)


# Per statement object (weakly: a statement built per call is forgotten with it); ``None``
# marks a statement that cannot be taken.
_PREPARED: weakref.WeakKeyDictionary[Select, _Prepared | None] = weakref.WeakKeyDictionary()


def _prepare(connection: AsyncConnection, statement: Select, first: Result) -> _Prepared | None:
    compiled = statement.compile(dialect=connection.dialect)
    if compiled.literal_execute_params or compiled.post_compile_params:
        return None  # the SQL text depends on the parameters
    names = tuple(compiled.positiontup or ())
    defaults = {}
    for name in names:
        bind = compiled.binds[name]
        if bind.callable is not None:
            return None  # a value computed at each execution
        if bind.value is not None or not bind.required:
            defaults[name] = bind.value
    return _Prepared(
        sql=compiled.string,
        names=names,
        defaults=defaults,
        processors=dict(compiled._bind_processors),
        metadata=first._metadata,  # type: ignore[attr-defined]
    )


def _arguments(prepared: _Prepared, parameters: dict[str, Any]) -> list[Any] | None:
    arguments = []
    for name in prepared.names:
        value = parameters.get(name, _MISSING)
        if value is _MISSING:
            value = prepared.defaults.get(name, _MISSING)
            if value is _MISSING:
                return None  # SQLAlchemy names the missing parameter
        processor = prepared.processors.get(name)
        arguments.append(processor(value) if processor is not None else value)
    return arguments


async def execute(
    connection: AsyncConnection, statement: Any, parameters: dict[str, Any] | None = None
) -> Result:
    """``connection.execute(statement, parameters)``, by the driver when it can be."""
    if connection.dialect.name != "postgresql" or not isinstance(statement, Select):
        return await connection.execute(statement, parameters)
    prepared = _PREPARED.get(statement, _MISSING)
    if prepared is _MISSING:
        result = await connection.execute(statement, parameters)
        _PREPARED[statement] = _prepare(connection, statement, result)
        return result
    arguments = _arguments(prepared, parameters or {}) if prepared is not None else None
    fairy = await connection.get_raw_connection()
    adapted = fairy.dbapi_connection
    if arguments is None or adapted is None or adapted._transaction is None:
        return await connection.execute(statement, parameters)
    assert isinstance(prepared, _Prepared)
    sync = connection.sync_connection
    if sync is not None and (sync._has_events or sync.engine._has_events):
        sync.dispatch.before_cursor_execute(sync, None, prepared.sql, arguments, None, False)
    try:
        # The adapter's own lock, as its cursor takes it: two tasks sharing a session (a
        # request's sibling resolvers) must not run two statements on one connection at once.
        async with adapted._execute_mutex:
            records = await adapted.driver_connection.fetch(prepared.sql, *arguments)
    except Exception as error:  # as SQLAlchemy's own path would raise it
        try:
            adapted._handle_exception(error)
        except Exception as translated:
            raise exc.DBAPIError.instance(
                prepared.sql,
                arguments,
                translated,
                connection.dialect.loaded_dbapi.Error,
                dialect=connection.dialect,
            ) from error
        raise
    return IteratorResult(prepared.metadata, iter(records))


def is_prepared(statement: Any) -> bool:
    """Whether ``statement`` runs by the driver from now on (tests)."""
    return _PREPARED.get(statement) is not None
