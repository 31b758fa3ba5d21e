"""``node(id:)`` for the casework's types: each reads its row through the rule that says who
may read it (FORBIDDEN when the caller may not; null when there is no such row)."""

from __future__ import annotations

import uuid

from api.gql.context import AppContext
from api.gql.nodes import register_node
from casework import complaints, ratings, reading
from casework.schema import clock
from casework.schema.feedback_types import ComplaintType, RatingFollowUpType
from casework.schema.types import CaseType, NoticeType, WindowType


async def _case(ctx: AppContext, object_id: uuid.UUID) -> CaseType | None:
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await reading.readable_case(session, actor, object_id, clock.today())
    return CaseType.from_row(row) if row is not None else None


async def _notice(ctx: AppContext, object_id: uuid.UUID) -> NoticeType | None:
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await reading.readable_notice(session, actor, object_id, clock.today())
    return NoticeType.from_row(row) if row is not None else None


async def _window(ctx: AppContext, object_id: uuid.UUID) -> WindowType | None:
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await reading.readable_window(session, actor, object_id)
    return WindowType.from_row(row) if row is not None else None


async def _follow_up(ctx: AppContext, object_id: uuid.UUID) -> RatingFollowUpType | None:
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await ratings.readable_follow_up(session, actor, object_id)
    return RatingFollowUpType.from_row(row) if row is not None else None


async def _complaint(ctx: AppContext, object_id: uuid.UUID) -> ComplaintType | None:
    actor = ctx.require_actor()
    ctx.tenant_id()
    async with ctx.read() as session:
        row = await complaints.readable_complaint(session, actor, object_id)
    return ComplaintType.from_row(row) if row is not None else None


def register_nodes() -> None:
    register_node("RatingFollowUp", _follow_up)
    register_node("Complaint", _complaint)
    register_node("Case", _case)
    register_node("Notice", _notice)
    register_node("Window", _window)
