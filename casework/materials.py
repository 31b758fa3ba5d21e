"""An intake's materials against the matter's list (收件): which may be deferred (容缺受理 —
not a key material, from a source the county's policy allows) and which a written commitment
replaces (告知承诺制); what is unknown, already received or missing."""

from __future__ import annotations

from typing import Any

from tenants.errors import Collector


def deferrable(material: dict[str, Any], policy: dict[str, Any]) -> bool:
    if material["name"] in policy["key_materials"]:
        return False
    return (material.get("source") or "") in policy["deferrable_sources"]


def replaceable(material: dict[str, Any], policy: dict[str, Any]) -> bool:
    return (material.get("source") or "") in policy["commitment_sources"]


def check_materials(
    errors: Collector,
    entry: dict[str, Any],
    policy: dict[str, Any],
    received: list[str],
    deferred: list[str],
    commitment: bool,
) -> list[str]:
    """Errors for unknown, non-deferrable or missing materials; the proofs a commitment
    replaces."""
    listed = {m["name"]: m for m in entry["materials"]}
    for i, name in enumerate(received):
        if name not in listed:
            errors.add(f"received[{i}]", "UNKNOWN_MATERIAL", f"「{name}」不在该事项的材料清单中")
    for i, name in enumerate(deferred):
        material = listed.get(name)
        if material is None:
            errors.add(f"deferred[{i}]", "UNKNOWN_MATERIAL", f"「{name}」不在该事项的材料清单中")
        elif name in received:
            errors.add(f"deferred[{i}]", "ALREADY_RECEIVED", f"「{name}」已收取,无需容缺")
        elif not deferrable(material, policy):
            errors.add(f"deferred[{i}]", "NOT_DEFERRABLE", f"「{name}」是关键材料,不能容缺受理")
    outstanding = [
        m for m in entry["materials"] if m["required"] and m["name"] not in received + deferred
    ]
    committed = [m["name"] for m in outstanding if commitment and replaceable(m, policy)]
    missing = [m for m in outstanding if m["name"] not in committed]
    if missing:
        names = "、".join(m["name"] for m in missing)
        could_defer = [m["name"] for m in missing if deferrable(m, policy)]
        hint = f";其中「{'、'.join(could_defer)}」可容缺受理" if could_defer else ""
        errors.add(
            "received",
            "MISSING_MATERIALS",
            f"缺少必要材料:{names}{hint}。不能受理的,请出具一次性告知书(notifyMissing)",
        )
    return committed
