"""变更申请与审核: every catalog edit is a change request.

Departments propose their own matters, township heads propose overrides for their township and
its villages; the county office reviews (approve / reject with a comment). Its own edits are
approved at once. Approval applies the change to the working tables and bumps the county's
``draft_version`` (the preview cache key); nothing is public before ``catalog.releases.publish``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from catalog import bases, bundles, change_lines, definitions, delegation, overrides
from catalog.models import (
    CatalogState,
    ChangeKind,
    ChangeRequest,
    ChangeStatus,
    Department,
    MatterStatus,
)
from network.access import can, require
from network.models import Site
from network.tree import require_county_center
from tenants import audit
from tenants.base import utcnow
from tenants.context import session_tenant
from tenants.database import is_postgres
from tenants.errors import Collector, UserError, UserErrors, check_length, refuse

REVIEW = ("catalog.review", "approve")
COMMENT_MAX = 1000
SUMMARY_MAX = 300


async def ensure_state(session: AsyncSession) -> CatalogState:
    """The county's catalog state row, made on its first catalog change.

    Made with ``INSERT … ON CONFLICT DO NOTHING``: two first changes racing each other both go
    on (the second waits for the first's row) instead of one failing on the unique county.
    """
    state = (await session.execute(select(CatalogState))).scalar_one_or_none()
    if state is None:
        insert = postgresql_insert if is_postgres(session.bind) else sqlite_insert
        await session.execute(
            insert(CatalogState)
            .values(
                id=uuid.uuid4(),
                tenant_id=session_tenant(session),
                latest_release=0,
                draft_version=0,
            )
            .on_conflict_do_nothing(index_elements=["tenant_id"])
        )
        state = (await session.execute(select(CatalogState))).scalar_one()
    return state


async def bump_draft(session: AsyncSession) -> None:
    """An approved change alters the preview: move the key of every process's preview cache."""
    await ensure_state(session)
    await session.execute(update(CatalogState).values(draft_version=CatalogState.draft_version + 1))


async def lock_catalog(session: AsyncSession) -> None:
    """Take the county's catalog for the rest of the transaction, before reading what a change
    is checked against: ``bump_draft`` first, whose UPDATE locks the county's state row until
    commit. Approvals (and the county office's own changes) thus apply one after another, each
    reading what the one before committed — the base check (``catalog.bases``) cannot be passed
    by two contradictory changes at once."""
    await bump_draft(session)


async def _require_department(
    session: AsyncSession, actor: Actor, department: Department, act: str = "propose"
) -> None:
    await require(session, actor, "matter", act, department.site_id, department.name)


async def _check(
    session: AsyncSession, actor: Actor | None, kind: ChangeKind, payload: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """Validate (and, with an actor, authorize) a change; returns the checked value and the
    columns describing it (matter code, site, department, summary)."""
    if kind in (ChangeKind.DEFINE_MATTER, ChangeKind.UPDATE_MATTER):
        existing = None
        if kind is ChangeKind.UPDATE_MATTER:
            existing = await definitions.active_matter(
                session, str(payload.get("code") or ""), "code"
            )
            if actor is not None:
                old = await definitions.get_department(session, existing.department_id)
                await _require_department(session, actor, old)  # type: ignore[arg-type]
        elif actor is not None and payload.get("department_id"):
            # Authorize before revealing anything about the department's matters.
            try:
                dept = await definitions.get_department(
                    session, uuid.UUID(str(payload["department_id"]))
                )
            except ValueError:
                dept = None
            if dept is not None:
                await _require_department(session, actor, dept)
        if existing is not None and not any(f in payload for f in definitions.MATTER_FIELDS):
            raise refuse(None, "NO_CHANGE", "没有需要修改的字段")
        checked = await definitions.check_matter(session, payload, existing=existing)
        if actor is not None:
            await _require_department(session, actor, checked.department)
        if existing is not None and all(
            bases.matter_values(existing)[f] == bases.plain(checked.values[f])
            for f in definitions.MATTER_FIELDS
            if f in payload
        ):
            raise refuse(None, "NO_CHANGE", "所填内容与现行事项定义相同,没有需要修改的内容")
        verb = "新增" if existing is None else "修改"
        return checked, {
            "matter_code": checked.code,
            "site_id": checked.department.site_id,
            "department_id": checked.department.id,
            "summary": f"{verb}事项 {checked.code} {checked.values['name']}",
        }
    if kind is ChangeKind.WITHDRAW_MATTER:
        matter = await definitions.active_matter(session, str(payload.get("code") or ""), "code")
        dept = await definitions.get_department(session, matter.department_id)
        if actor is not None:
            await _require_department(session, actor, dept)  # type: ignore[arg-type]
        return matter, {
            "matter_code": matter.code,
            "site_id": dept.site_id if dept else None,
            "department_id": matter.department_id,
            "summary": f"取消事项 {matter.code} {matter.name}",
        }
    if kind is ChangeKind.OVERRIDE_MATTER:
        if actor is not None:
            site = await session.get(Site, uuid.UUID(payload["site_id"]))
            if site is None:
                raise refuse("siteId", "NOT_FOUND", "场所不存在")
            await require(session, actor, "matter.override", "propose", site.id, site.official_name)
        checked = await overrides.check_override(session, payload)
        action = "撤销调整" if checked.reset else "本级调整"
        return checked, {
            "matter_code": checked.matter.code,
            "site_id": checked.site.id,
            "department_id": checked.matter.department_id,
            "summary": (
                f"{checked.site.name}{action}事项 {checked.matter.code} {checked.matter.name}"
            ),
        }
    if kind is ChangeKind.DELEGATE_MATTER:
        if actor is not None:
            matter = await definitions.active_matter(session, str(payload.get("matter_code") or ""))
            dept = await definitions.get_department(session, matter.department_id)
            await require(session, actor, "matter.delegate", "propose", dept.site_id, dept.name)  # type: ignore[union-attr]
        checked = await delegation.check_delegation(session, payload)
        rights = "、".join(
            label
            for flag, label in ((checked.accept, "受理权"), (checked.process, "办理权"))
            if flag
        )
        text = f"向{checked.site.name}下放{rights}" if rights else f"收回{checked.site.name}的委托"
        return checked, {
            "matter_code": checked.matter.code,
            "site_id": checked.site.id,
            "department_id": checked.matter.department_id,
            "summary": f"{text}:{checked.matter.code} {checked.matter.name}",
        }
    if kind is ChangeKind.DEFINE_BUNDLE:
        checked = await bundles.check_bundle(session, payload)
        if actor is not None:
            for code in checked.values["matter_codes"]:
                matter = await definitions.active_matter(session, code, "matterCodes")
                dept = await definitions.get_department(session, matter.department_id)
                await _require_department(session, actor, dept)  # type: ignore[arg-type]
        root = await require_county_center(session)
        return checked, {
            "matter_code": checked.code,
            "site_id": root.id,
            "department_id": None,
            "summary": f"一件事 {checked.code} {checked.values['name']}",
        }
    raise refuse("kind", "INVALID_VALUE", "未知的变更种类")


async def _apply(session: AsyncSession, kind: ChangeKind, checked: Any) -> None:
    if kind is ChangeKind.DEFINE_MATTER:
        definitions.apply_define(session, checked)
    elif kind is ChangeKind.UPDATE_MATTER:
        matter = await definitions.active_matter(session, checked.code, "code")
        definitions.apply_update(matter, checked)
    elif kind is ChangeKind.WITHDRAW_MATTER:
        checked.status = MatterStatus.WITHDRAWN
    elif kind is ChangeKind.OVERRIDE_MATTER:
        await overrides.apply_override(session, checked)
    elif kind is ChangeKind.DELEGATE_MATTER:
        await delegation.apply_delegation(session, checked)
    elif kind is ChangeKind.DEFINE_BUNDLE:
        await bundles.apply_bundle(session, checked)


async def may_review(session: AsyncSession, actor: Actor) -> bool:
    root = await require_county_center(session)
    return await can(session, actor, *REVIEW, root.id)


async def propose(
    session: AsyncSession, actor: Actor, kind: ChangeKind, payload: dict[str, Any]
) -> ChangeRequest:
    """Submit a change; the county office's own is approved (and applied) at once."""
    actor.require_tenant_user()
    reviewer = await may_review(session, actor)
    if reviewer:
        await lock_catalog(session)
    return await _submit(session, actor, kind, payload, reviewer)


async def _submit(
    session: AsyncSession, actor: Actor, kind: ChangeKind, payload: dict[str, Any], reviewer: bool
) -> ChangeRequest:
    checked, columns = await _check(session, actor, kind, payload)
    columns["summary"] = columns["summary"][:SUMMARY_MAX]
    base = await bases.current(session, kind, payload)
    change = ChangeRequest(
        base=base,
        id=uuid.uuid4(),
        kind=kind,
        status=ChangeStatus.PENDING,
        payload=payload,
        proposed_by=actor.user_id,
        proposed_by_label=actor.label,
        proposed_at=utcnow(),
        **columns,
    )
    session.add(change)
    audit.record(
        session,
        actor.label,
        "catalog.propose",
        "CatalogChange",
        change.id,
        {"kind": kind.value, "summary": change.summary},
    )
    if reviewer:
        await _apply(session, kind, checked)
        change.status = ChangeStatus.APPROVED
        change.reviewed_by = actor.user_id
        change.reviewed_by_label = actor.label
        change.reviewed_at = change.proposed_at
        change.comment = "县政务服务管理办公室直接核准"
    return change


async def propose_many(
    session: AsyncSession,
    actor: Actor,
    items: Sequence[tuple[ChangeKind, dict[str, Any]]],
    on_refused: Callable[[int, UserErrors], None] | None = None,
) -> list[ChangeRequest]:
    """Several changes in one transaction (demo load, import): one permission check, one bump.

    With ``on_refused``, a refused item is reported and the others still checked (the caller
    decides whether to commit); without it the first refusal raises.
    """
    actor.require_tenant_user()
    reviewer = await may_review(session, actor)
    if reviewer and items:
        await lock_catalog(session)
    done = []
    for i, (kind, payload) in enumerate(items):
        try:
            done.append(await _submit(session, actor, kind, payload, reviewer))
        except UserErrors as refused:
            if on_refused is None:
                raise
            on_refused(i, refused)
    return done


async def review(
    session: AsyncSession, actor: Actor, change_id: uuid.UUID, approve: bool, comment: str | None
) -> ChangeRequest:
    """审核: approve (apply now, published with the next release) or reject with a comment."""
    change = await session.get(ChangeRequest, change_id)
    if change is None:
        raise refuse("changeId", "NOT_FOUND", "变更申请不存在")
    root = await require_county_center(session)
    await require(session, actor, *REVIEW, root.id, root.official_name)
    errors = Collector()
    check_length(errors, "comment", comment, COMMENT_MAX, "审核意见")
    if change.status is ChangeStatus.WITHDRAWN:
        errors.add("changeId", "ALREADY_WITHDRAWN", "该变更申请已由申请人撤回")
    elif change.status is not ChangeStatus.PENDING:
        errors.add("changeId", "ALREADY_REVIEWED", "该变更申请已审核")
    if not approve and not (comment or "").strip():
        errors.add("comment", "COMMENT_REQUIRED", "驳回时须填写审核意见")
    errors.raise_if_any()
    # Only one review wins: two reviewers racing both saw PENDING; the conditional update lets
    # the first through and makes the second wait for it, then refuses (and rolls back) the
    # second. It comes before the change is applied, so that the loser never applies it (two
    # approvals would otherwise collide on what the first one inserted) and is told why.
    decided = await session.execute(
        update(ChangeRequest)
        .where(ChangeRequest.id == change.id, ChangeRequest.status == ChangeStatus.PENDING)
        .values(
            status=ChangeStatus.APPROVED if approve else ChangeStatus.REJECTED,
            reviewed_by=actor.user_id,
            reviewed_by_label=actor.label,
            reviewed_at=utcnow(),
            comment=(comment or "").strip() or None,
        )
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:
        raise refuse("changeId", "ALREADY_REVIEWED", "该变更申请已审核或已撤回")
    if approve:
        await lock_catalog(session)
        await _refuse_stale(session, change)
        # The catalog may have moved since the proposal: check it again against today's state.
        checked, _ = await _check(session, None, change.kind, change.payload)
        await _apply(session, change.kind, checked)
    await session.refresh(change)
    audit.record(
        session,
        actor.label,
        "catalog.approve" if approve else "catalog.reject",
        "CatalogChange",
        change.id,
        {"summary": change.summary},
        change.comment,
    )
    return change


async def _refuse_stale(session: AsyncSession, change: ChangeRequest) -> None:
    """``CONFLICT`` for each field the change sets that moved since it was proposed (another
    change approved in between): the reviewer sees what changed, nothing is applied."""
    now = await bases.current(session, change.kind, change.payload)
    found = bases.moved(change.kind, change.payload, change.base, now)
    if not found:
        return
    names = await change_lines.names_for(session, [change], now)
    raise UserErrors(
        [
            UserError(
                line.field,
                "CONFLICT",
                f"「{line.label}」在此申请提交后已被修改:{line.before or '(未设置)'} → "
                f"{line.after or '(未设置)'}。请驳回,或由申请人撤回后按现状重新提交",
            )
            for line in change_lines.conflict_lines(change.kind, found, names)
        ]
    )


async def list_changes(
    session: AsyncSession,
    actor: Actor,
    *,
    status: ChangeStatus | None,
    offset: int,
    limit: int,
) -> tuple[list[ChangeRequest], int]:
    """The county office and supervisors see every change; others see their own proposals."""
    root = await require_county_center(session)
    query = select(ChangeRequest)
    sees_all = await can(session, actor, *REVIEW, root.id) or await can(
        session, actor, "catalog.changes", "read", root.id
    )
    if not sees_all:
        query = query.where(ChangeRequest.proposed_by == actor.user_id)
    if status is not None:
        query = query.where(ChangeRequest.status == status)
    total = (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()
    rows = await session.execute(
        query.order_by(ChangeRequest.proposed_at.desc(), ChangeRequest.id)
        .offset(offset)
        .limit(limit)
    )
    return list(rows.scalars()), total


async def visible_change(
    session: AsyncSession, actor: Actor, change_id: uuid.UUID
) -> ChangeRequest | None:
    change = await session.get(ChangeRequest, change_id)
    if change is None:
        return None
    if change.proposed_by == actor.user_id:
        return change
    root = await require_county_center(session)
    if await can(session, actor, *REVIEW, root.id) or await can(
        session, actor, "catalog.changes", "read", root.id
    ):
        return change
    return None
