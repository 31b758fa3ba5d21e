"""What a change request was based on, and whether that is still so.

Every change keeps its target's state when it was proposed (``ChangeRequest.base``: the matter,
the site's override, the delegation or the bundle, in the payload's spelling). Approving it over
a newer state of a field it sets is refused with what changed (``CONFLICT``): of two
contradictory proposals on one matter and site, the first approved wins and the second must be
looked at again. Approvals in a county are serialized by a row lock (``changes.lock_catalog``)
taken before the comparison, so two approvals racing each other cannot both pass it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.definitions import MATTER_FIELDS
from catalog.models import Bundle, ChangeKind, Delegation, Matter, MatterOverride

OVERRIDE_VALUES = (
    "offered",
    "promised_limit_days",
    "accepted_here",
    "processed_here",
    "comprehensive_window",
    "note",
    "acceptance_place",
    "processing_place",
)
DELEGATION_VALUES = ("accept", "process", "include_below")
BUNDLE_VALUES = ("name", "form_name", "description", "matter_codes", "promised_limit_days")


def plain(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if hasattr(value, "value") and not isinstance(value, (str, int, float, bool)):
        return value.value
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def matter_values(matter: Matter) -> dict[str, Any]:
    return {field: plain(getattr(matter, field)) for field in MATTER_FIELDS}


def override_values(row: MatterOverride) -> dict[str, Any]:
    values = {field: getattr(row, field) for field in OVERRIDE_VALUES}
    values["materials"] = {
        m["name"]: {"waived": m.get("waived"), "note": m.get("note")} for m in row.materials or []
    }
    return values


def _key(payload: dict[str, Any], name: str) -> str:
    return str(payload.get(name) or "").strip()


def _site(payload: dict[str, Any]) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(payload.get("site_id")))
    except ValueError:
        return None


async def current(
    session: AsyncSession, kind: ChangeKind, payload: dict[str, Any]
) -> dict[str, Any]:
    """The target's state now: ``{"exists": bool, "values": {...}}``."""
    values: dict[str, Any] | None = None
    if kind in (ChangeKind.DEFINE_MATTER, ChangeKind.UPDATE_MATTER, ChangeKind.WITHDRAW_MATTER):
        row = (
            await session.execute(select(Matter).where(Matter.code == _key(payload, "code")))
        ).scalar_one_or_none()
        values = matter_values(row) if row is not None else None
    elif kind is ChangeKind.OVERRIDE_MATTER:
        site_id = _site(payload)
        override = (
            await session.execute(
                select(MatterOverride).where(
                    MatterOverride.site_id == site_id,
                    MatterOverride.matter_code == _key(payload, "matter_code"),
                )
            )
        ).scalar_one_or_none()
        values = override_values(override) if override is not None else None
    elif kind is ChangeKind.DELEGATE_MATTER:
        delegation = (
            await session.execute(
                select(Delegation).where(
                    Delegation.site_id == _site(payload),
                    Delegation.matter_code == _key(payload, "matter_code"),
                )
            )
        ).scalar_one_or_none()
        if delegation is not None:
            values = {field: bool(getattr(delegation, field)) for field in DELEGATION_VALUES}
    elif kind is ChangeKind.DEFINE_BUNDLE:
        bundle = (
            await session.execute(select(Bundle).where(Bundle.code == _key(payload, "code")))
        ).scalar_one_or_none()
        if bundle is not None:
            values = {field: plain(getattr(bundle, field)) for field in BUNDLE_VALUES}
    return {"exists": values is not None, "values": values or {}}


def touched(kind: ChangeKind, payload: dict[str, Any], base: dict[str, Any] | None) -> list[str]:
    """The fields (payload spelling; ``materials[名称]`` for one material of an override) the
    change sets."""
    if kind is ChangeKind.UPDATE_MATTER:
        return [field for field in MATTER_FIELDS if field in payload]
    if kind is ChangeKind.OVERRIDE_MATTER:
        if payload.get("reset"):
            before = (base or {}).get("values") or {}
            names = sorted((before.get("materials") or {}).keys())
            return [*OVERRIDE_VALUES, *(f"materials[{n}]" for n in names)]
        fields = [f for f in OVERRIDE_VALUES if payload.get(f) is not None]
        for change in payload.get("materials") or []:
            fields.append(f"materials[{str(change.get('name') or '').strip()}]")
        return fields
    if kind is ChangeKind.DELEGATE_MATTER:
        return list(DELEGATION_VALUES)
    if kind is ChangeKind.DEFINE_BUNDLE:
        return list(BUNDLE_VALUES)
    return []


def value_of(state: dict[str, Any] | None, field: str) -> Any:
    """A field's value in a ``current`` state (None where it does not exist)."""
    values = (state or {}).get("values") or {}
    if field.startswith("materials[") and "materials" in values:
        return values["materials"].get(field[len("materials[") : -1])
    return values.get(field)


@dataclass(frozen=True)
class Moved:
    """A field the change sets that has changed since it was proposed."""

    field: str
    before: Any
    now: Any


def moved(
    kind: ChangeKind,
    payload: dict[str, Any],
    base: dict[str, Any] | None,
    now: dict[str, Any],
) -> list[Moved]:
    """The fields the change sets whose value is no longer what it was based on; none for a
    change recorded before bases were kept (``base`` None)."""
    if base is None:
        return []
    out = []
    for field in touched(kind, payload, base):
        before, after = value_of(base, field), value_of(now, field)
        if before != after:
            out.append(Moved(field, before, after))
    return out
