"""Relay connections with ``totalCount`` and a hard page cap."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry

from authz.errors import BadRequest

PAGE_CAP = 200
DEFAULT_PAGE = 50
_CURSOR_PREFIX = "offset:"
# Far beyond any list of a county; larger offsets overflow the database's integers.
MAX_OFFSET = 10_000_000

T = TypeVar("T")
R = TypeVar("R")


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    total_count: int
    edges: list[Edge[T]]
    page_info: PageInfo


def encode_cursor(offset: int) -> str:
    return base64.b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.b64decode(cursor.encode(), validate=True).decode()
        if not raw.startswith(_CURSOR_PREFIX):
            raise ValueError(raw)
        offset = int(raw.removeprefix(_CURSOR_PREFIX))
        if not 0 <= offset <= MAX_OFFSET:
            raise ValueError(raw)
        return offset
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest("after 游标无效", "INVALID_CURSOR") from exc


@dataclass(frozen=True)
class Page:
    offset: int
    limit: int


def page_args(first: int | None, after: str | None, cap: int = PAGE_CAP) -> Page:
    """Check ``first``/``after``; more than the cap is refused, not silently cut."""
    if first is None:
        first = min(DEFAULT_PAGE, cap)
    if first < 0:
        raise BadRequest("first 不能为负数", "INVALID_PAGE_SIZE")
    if first > cap:
        raise BadRequest(f"first 不能超过 {cap}", "PAGE_SIZE_EXCEEDED")
    offset = decode_cursor(after) + 1 if after else 0
    return Page(offset=offset, limit=first)


def connection(
    rows: Iterable[R], total: int, page: Page, to_node: Callable[[R], T]
) -> Connection[T]:
    edges = [
        Edge(cursor=encode_cursor(page.offset + i), node=to_node(row)) for i, row in enumerate(rows)
    ]
    return Connection(
        total_count=total,
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.offset + len(edges) < total,
            has_previous_page=page.offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )
