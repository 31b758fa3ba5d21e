"""撤回: a proposer takes back their change request while it is still pending (the county office
rejects instead, with a comment)."""

from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import Forbidden
from authz.guard import Actor
from catalog.changes import COMMENT_MAX, visible_change
from catalog.models import ChangeRequest, ChangeStatus
from tenants import audit
from tenants.base import utcnow
from tenants.errors import Collector, check_length, refuse


async def withdraw(
    session: AsyncSession, actor: Actor, change_id: uuid.UUID, reason: str | None = None
) -> ChangeRequest:
    """撤回: the proposer takes back a change that is still pending."""
    actor.require_tenant_user()
    change = await visible_change(session, actor, change_id)
    if change is None:
        raise refuse("changeId", "NOT_FOUND", "变更申请不存在")
    if change.proposed_by != actor.user_id:
        raise Forbidden("catalog.change:withdraw", f"change:{change.id}", "他人提交的变更申请")
    errors = Collector()
    check_length(errors, "reason", reason, COMMENT_MAX, "撤回原因")
    if change.status is ChangeStatus.WITHDRAWN:
        errors.add("changeId", "ALREADY_WITHDRAWN", "该变更申请已撤回")
    elif change.status is not ChangeStatus.PENDING:
        errors.add("changeId", "ALREADY_REVIEWED", "该变更申请已审核,不能撤回")
    errors.raise_if_any()
    # A conditional update, like a review: of a withdrawal and a review at once, one wins.
    done = await session.execute(
        update(ChangeRequest)
        .where(ChangeRequest.id == change.id, ChangeRequest.status == ChangeStatus.PENDING)
        .values(
            status=ChangeStatus.WITHDRAWN,
            withdrawn_at=utcnow(),
            comment=(reason or "").strip() or None,
        )
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise refuse("changeId", "ALREADY_REVIEWED", "该变更申请已审核,不能撤回")
    await session.refresh(change)
    audit.record(
        session,
        actor.label,
        "catalog.withdraw",
        "CatalogChange",
        change.id,
        {"summary": change.summary},
        change.comment,
    )
    return change
