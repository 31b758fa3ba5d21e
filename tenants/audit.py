"""全程留痕: record who changed what."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tenants.models import AuditEvent


def record(
    session: AsyncSession,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: object | None,
    detail: dict[str, Any] | None = None,
    note: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        actor=actor_label,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        detail=detail,
        note=note,
    )
    session.add(event)
    return event
