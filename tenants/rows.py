"""New rows written by statements built once, outside the ORM's unit of work.

A flush works out, per object and on every call, which columns to insert, their defaults and
their order; for a hot write (an intake inserts a case and its first step on every call) that
is most of the write's CPU. Here a table's ``INSERT`` names every column, each bound to a
parameter ``<prefix><column key>``, and is built once per table and prefix; :func:`values_of`
reads a new object's column values, its columns' Python-side defaults applied (and kept on the
object, which the caller may go on using as the flush would have left it). Every column being
given, the statement computes nothing per execution and can run by the driver
(``tenants.prepared``). The object is never added to a session: the caller writes it.
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import Table, bindparam, insert, inspect
from sqlalchemy.sql import Insert

_NO_DEFAULT, _SCALAR, _CALLABLE = 0, 1, 2


@functools.cache
def _columns_of(cls: type) -> tuple[tuple[str, str, int, Any], ...]:
    """(attribute, column key, kind of default, default) per column of a mapped class."""
    columns = []
    for attribute in inspect(cls).column_attrs:
        (column,) = attribute.columns
        default = column.default
        if default is None:
            columns.append((attribute.key, column.key, _NO_DEFAULT, None))
        elif default.is_scalar:
            columns.append((attribute.key, column.key, _SCALAR, default.arg))
        elif default.is_callable:
            # SQLAlchemy wraps a no-argument callable to take the execution context
            columns.append((attribute.key, column.key, _CALLABLE, default.arg))
        else:
            raise TypeError(f"{column} has a default the database computes: not supported")
    return tuple(columns)


def values_of(instance: Any) -> dict[str, Any]:
    """Every column of ``instance``'s table by column key: the attribute as set, else the
    column's default (a value or a callable taking no context) — what a flush would insert.
    An attribute set to ``None`` is inserted as NULL, as the flush does."""
    state = instance.__dict__
    values: dict[str, Any] = {}
    for attribute, key, kind, default in _columns_of(type(instance)):
        if attribute in state:
            values[key] = state[attribute]
            continue
        value = None if kind == _NO_DEFAULT else default if kind == _SCALAR else default(None)
        setattr(instance, attribute, value)
        values[key] = value
    return values


@functools.cache
def insert_all(table: Table, prefix: str) -> Insert:
    """``INSERT INTO table (every column) VALUES (:<prefix><key>, …)``, built once."""
    return insert(table).values(
        {column.key: bindparam(f"{prefix}{column.key}", type_=column.type) for column in table.c}
    )


def bound(prefix: str, values: dict[str, Any]) -> dict[str, Any]:
    """``values`` named as :func:`insert_all`'s parameters."""
    return {f"{prefix}{key}": value for key, value in values.items()}
