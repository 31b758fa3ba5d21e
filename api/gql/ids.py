"""Relay global IDs: base64 of ``TypeName:uuid``."""

from __future__ import annotations

import uuid

from strawberry.relay import from_base64, to_base64

from authz.errors import BadRequest
from tenants.errors import refuse


def global_id(type_name: str, object_id: uuid.UUID | str) -> str:
    return to_base64(type_name, str(object_id))


def parse_global_id(value: str) -> tuple[str, uuid.UUID] | None:
    """``(type name, uuid)`` or None when the value is not one of our IDs."""
    try:
        type_name, raw = from_base64(str(value))
        return type_name, uuid.UUID(raw)
    except (ValueError, TypeError, AttributeError):
        return None


def input_id(value: str | None, type_name: str, field: str) -> uuid.UUID:
    """Decode an ID given in a mutation input; a bad one is a user error on ``field``."""
    parsed = parse_global_id(value) if value else None
    if parsed is None or parsed[0] != type_name:
        raise refuse(field, "INVALID_ID", f"{field} 不是有效的{type_name} ID")
    return parsed[1]


def query_id(value: str, type_name: str, argument: str) -> uuid.UUID:
    """Decode an ID given as a query argument; a bad one is a GraphQL error."""
    parsed = parse_global_id(value)
    if parsed is None or parsed[0] != type_name:
        raise BadRequest(f"参数 {argument} 不是有效的 {type_name} ID", "INVALID_ID")
    return parsed[1]
