"""发布 (同源发布): publishing freezes the approved catalog into an immutable numbered release;
every channel (web, app, kiosk, the public API) reads the latest release. Two releases can be
compared (``diff``)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from catalog import effective
from catalog.changes import ensure_state
from catalog.data import CatalogData, read_working
from catalog.effective import release_data
from catalog.models import CatalogState, ChangeRequest, ChangeStatus, Release
from network.access import require
from network.tree import require_county_center
from tenants import audit
from tenants.base import utcnow
from tenants.context import session_tenant
from tenants.errors import Collector, check_length, refuse

NOTE_MAX = 1000


async def publish(session: AsyncSession, actor: Actor, note: str | None) -> Release:
    """发布新版本: every approved, unpublished change becomes public at once."""
    root = await require_county_center(session)
    await require(session, actor, "catalog.publish", "publish", root.id, root.official_name)
    errors = Collector()
    check_length(errors, "note", note, NOTE_MAX, "发布说明")
    errors.raise_if_any()
    state = await ensure_state(session)
    pending = (
        await session.execute(
            select(func.count())
            .select_from(ChangeRequest)
            .where(
                ChangeRequest.status == ChangeStatus.APPROVED, ChangeRequest.released_in.is_(None)
            )
        )
    ).scalar_one()
    if pending == 0:
        raise refuse(None, "NOTHING_TO_PUBLISH", "没有已审核通过、尚未发布的变更")
    number = state.latest_release + 1
    moved = await session.execute(
        update(CatalogState)
        .where(CatalogState.id == state.id, CatalogState.latest_release == state.latest_release)
        .values(latest_release=number)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        raise refuse(None, "CONFLICT", "另一个发布正在进行,请刷新后重试")
    data = await read_working(session)
    release = Release(
        id=uuid.uuid4(),
        number=number,
        published_at=utcnow(),
        published_by=actor.user_id,
        published_by_label=actor.label,
        note=(note or "").strip(),
        matter_count=len(data.matters),
        change_count=pending,
        snapshot=data.encode(),
    )
    session.add(release)
    effective.keep_after_commit(session, session_tenant(session), number, data)
    await session.execute(
        update(ChangeRequest)
        .where(ChangeRequest.status == ChangeStatus.APPROVED, ChangeRequest.released_in.is_(None))
        .values(released_in=number)
        .execution_options(synchronize_session=False)
    )
    audit.record(
        session,
        actor.label,
        "catalog.publish",
        "CatalogRelease",
        release.id,
        {"number": number, "changes": pending, "matters": len(data.matters)},
        release.note or None,
    )
    return release


async def list_releases(
    session: AsyncSession, offset: int, limit: int
) -> tuple[list[Release], int]:
    total = (await session.execute(select(func.count()).select_from(Release))).scalar_one()
    rows = await session.execute(
        select(Release).order_by(Release.number.desc()).offset(offset).limit(limit)
    )
    return list(rows.scalars()), total


async def get_release(session: AsyncSession, number: int) -> Release | None:
    rows = await session.execute(select(Release).where(Release.number == number))
    return rows.scalar_one_or_none()


async def release_by_id(session: AsyncSession, release_id: uuid.UUID) -> Release | None:
    return await session.get(Release, release_id)


@dataclass(frozen=True)
class DiffEntry:
    """One difference between two releases."""

    kind: str  # MATTER | OVERRIDE | DELEGATION | BUNDLE
    change: str  # ADDED | REMOVED | CHANGED
    code: str
    name: str | None
    site_id: str | None
    fields: tuple[str, ...]


def _compare(
    kind: str,
    old: dict[Any, dict[str, Any]],
    new: dict[Any, dict[str, Any]],
    name_of: dict[str, str],
) -> list[DiffEntry]:
    out: list[DiffEntry] = []
    for key in sorted(set(old) | set(new), key=str):
        code, site = key if isinstance(key, tuple) else (key, None)
        a, b = old.get(key), new.get(key)
        if a is None:
            out.append(DiffEntry(kind, "ADDED", code, name_of.get(code), site, ()))
        elif b is None:
            out.append(DiffEntry(kind, "REMOVED", code, name_of.get(code), site, ()))
        else:
            fields = tuple(
                sorted(
                    k
                    for k in set(a) | set(b)
                    if k not in ("pinyin", "initials") and a.get(k) != b.get(k)
                )
            )
            if fields:
                out.append(DiffEntry(kind, "CHANGED", code, name_of.get(code), site, fields))
    return out


def diff_data(old: CatalogData, new: CatalogData) -> list[DiffEntry]:
    names = {m["code"]: m["name"] for m in old.matters}
    names.update({m["code"]: m["name"] for m in new.matters})
    names.update({b["code"]: b["name"] for b in old.bundles + new.bundles})
    return (
        _compare("MATTER", old.by_code, new.by_code, names)
        + _compare(
            "OVERRIDE",
            {(o["code"], o["siteId"]): o for o in old.overrides},
            {(o["code"], o["siteId"]): o for o in new.overrides},
            names,
        )
        + _compare(
            "DELEGATION",
            {(d["code"], d["siteId"]): d for d in old.delegations},
            {(d["code"], d["siteId"]): d for d in new.delegations},
            names,
        )
        + _compare("BUNDLE", old.bundles_by_code, new.bundles_by_code, names)
    )


async def diff(
    session: AsyncSession, tenant_id: uuid.UUID, from_number: int, to_number: int
) -> list[DiffEntry]:
    """What changed from release ``from_number`` to ``to_number`` (0: the empty catalog)."""
    errors = Collector()
    for field, number in (("fromRelease", from_number), ("toRelease", to_number)):
        if number < 0 or (number > 0 and await get_release(session, number) is None):
            errors.add(field, "NOT_FOUND", f"版本 {number} 不存在")
    errors.raise_if_any()
    old = await release_data(session, tenant_id, from_number)
    new = await release_data(session, tenant_id, to_number)
    return diff_data(old, new)
