"""The workforce's per-request DataLoaders. Each batches one service call that answers a
mapping by key; the loader lines the answers up with its keys (rows or plain values, which the
types wrap)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from accounts.models import User
from api.gql.context import AppContext
from api.gql.loaders import aligned, batch
from workforce import certificates, heads, listing, placement, redeployment, training
from workforce.access import phones_unmasked
from workforce.common import today

Fetch = Callable[[AsyncSession, Sequence[Any]], Awaitable[Mapping[Hashable, Any]]]


def by_key(name: str, fetch: Fetch, default: Any = None) -> Callable[[AppContext], DataLoader]:
    """The request's loader ``name``: one ``fetch(session, keys)`` a batch, ``default`` for a
    key it does not answer."""

    @batch(name)
    async def load(ctx: AppContext, keys: list[Any]) -> list[Any]:
        async with ctx.read() as session:
            return aligned(keys, await fetch(session, keys), default)

    return load


async def _users(session: AsyncSession, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, User]:
    rows = await session.execute(select(User).where(User.id.in_(ids)))
    return {user.id: user for user in rows.scalars()}


async def _account_staff(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID | None]:
    """The staff record each account is linked to (``User.staff_id``)."""
    rows = await session.execute(select(User.id, User.staff_id).where(User.id.in_(ids)))
    return dict(rows.all())


def _placed_today(session: AsyncSession, ids: Sequence[uuid.UUID]):
    return placement.placements(session, ids, today())


staff_loader = by_key("staff", listing.staff_by_id)
certificates_loader = by_key("staff.certificates", certificates.certificates_of)
warning_loader = by_key("staff.certificate_warning", certificates.staff_warnings)
history_loader = by_key("staff.assignments", placement.history)
placement_loader = by_key("staff.placement", _placed_today)
hours_loader = by_key("staff.training_hours", training.hours_of, Decimal(0))
staff_moves_loader = by_key("staff.redeployment_moves", redeployment.moves_of_staff)
order_loader = by_key("redeployment_order", redeployment.orders_by_id)
moves_loader = by_key("redeployment_order.moves", redeployment.moves_of)
sessions_loader = by_key("training_program.sessions", training.sessions_of)
attendee_count_loader = by_key("training_session.attendee_count", training.attendee_counts, 0)
staff_count_loader = by_key("site.staff_count", placement.staff_counts, 0)
deadline_loader = by_key("staff.certificate_deadline", certificates.deadline_facts)
user_loader = by_key("workforce.user", _users)
account_staff_loader = by_key("user.staff_id", _account_staff)
head_loader = by_key("site.head", heads.current_heads)


@batch("staff.phone_unmask")
async def unmask_loader(ctx: AppContext, ids: list[uuid.UUID]) -> list[bool]:
    """Whether the caller sees each person's phone in full."""
    async with ctx.read() as session:
        return aligned(ids, await phones_unmasked(session, ctx.actor, ids), False)
