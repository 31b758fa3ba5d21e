"""功能分区 (001): the functional zones of a site — 咨询引导, 窗口服务, 自助服务, 政务公开,
休息等候 — as data its manager keeps. Small sites may merge zones: a zone ``mergedWith`` another
is set up in the same space as that one (政务公开 in the waiting area, say)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from network.models import ZoneKind
from tenants.errors import Collector, check_count, check_length

LABEL: dict[ZoneKind, str] = {
    ZoneKind.CONSULTATION: "咨询引导",
    ZoneKind.WINDOWS: "窗口服务",
    ZoneKind.SELF_SERVICE: "自助服务",
    ZoneKind.PUBLIC_INFORMATION: "政务公开",
    ZoneKind.WAITING: "休息等候",
}
NOTE_MAX = 200


@dataclass(frozen=True)
class Zone:
    kind: ZoneKind
    merged_with: ZoneKind | None = None
    note: str | None = None


def clean_zones(errors: Collector, zones: list[Zone] | None) -> list[dict[str, Any]]:
    """The zones as stored: each kind once; a merge names another listed zone that is not
    merged itself; notes of at most ``NOTE_MAX`` characters."""
    if not check_count(errors, "zones", zones, len(ZoneKind), "功能分区", "TOO_MANY_ZONES"):
        return []
    zones = zones or []
    kinds = [z.kind for z in zones]
    cleaned = []
    for i, zone in enumerate(zones):
        field = f"zones[{i}]"
        if kinds.index(zone.kind) != i:
            errors.add(f"{field}.kind", "DUPLICATE_ZONE", f"功能分区「{LABEL[zone.kind]}」重复")
            continue
        merged = zone.merged_with
        if merged is not None:
            host = next((z for z in zones if z.kind == merged), None)
            if merged == zone.kind or host is None or host.merged_with is not None:
                errors.add(
                    f"{field}.mergedWith",
                    "INVALID_MERGE",
                    f"「{LABEL[zone.kind]}」只能与本场所另一个独立设置的功能分区合并",
                )
        note = (zone.note or "").strip() or None
        check_length(errors, f"{field}.note", note, NOTE_MAX, "功能分区说明")
        cleaned.append(
            {"kind": zone.kind.value, "mergedWith": merged.value if merged else None, "note": note}
        )
    return cleaned


def missing(zones: list[dict[str, Any]] | None) -> list[ZoneKind]:
    """The five zones a site does not have (merged ones count as present)."""
    present = {z["kind"] for z in zones or []}
    return [kind for kind in ZoneKind if kind.value not in present]
