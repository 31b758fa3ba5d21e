"""``node(id:)`` for an assessment event: read by whoever may read the person's record."""

from __future__ import annotations

import uuid

from api.gql.context import AppContext
from api.gql.nodes import register_node
from assessment.models import AssessmentEvent
from assessment.records import can_read_record
from assessment.schema.types import AssessmentEventType
from authz.errors import Forbidden
from workforce.common import today


async def _event(ctx: AppContext, object_id: uuid.UUID) -> AssessmentEventType | None:
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await session.get(AssessmentEvent, object_id)
        if row is not None and not await can_read_record(session, actor, row.staff_id, today()):
            raise Forbidden("assessment:read", f"staff:{row.staff_id}")
    return AssessmentEventType.from_row(row) if row is not None else None


def register_nodes() -> None:
    register_node("AssessmentEvent", _event)
