"""``node(id:)`` for every type: each domain registers how to load its nodes."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from api.gql.context import AppContext
from api.gql.ids import parse_global_id
from authz.errors import BadRequest

NodeLoader = Callable[[AppContext, uuid.UUID], Awaitable[Any | None]]
_LOADERS: dict[str, NodeLoader] = {}


def register_node(type_name: str, loader: NodeLoader) -> None:
    _LOADERS[type_name] = loader


async def resolve_node(ctx: AppContext, value: str) -> Any | None:
    parsed = parse_global_id(value)
    if parsed is None:
        raise BadRequest("ID 格式无效", "INVALID_ID")
    type_name, object_id = parsed
    loader = _LOADERS.get(type_name)
    if loader is None:
        raise BadRequest(f"未知的对象类型 {type_name}", "INVALID_ID")
    return await loader(ctx, object_id)
