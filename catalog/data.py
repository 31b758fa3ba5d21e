"""The catalog as plain data: read from the working tables or from a release snapshot.

Both shapes are the same ``CatalogData`` so that the fold (``catalog.fold``), the diff
(``catalog.releases``) and the public reads work the same on published and on preview data.
A snapshot is the JSON of ``CatalogData.to_plain()``, zlib-compressed, stored in the release row.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import msgspec
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.models import Bundle, Delegation, Department, Matter, MatterOverride, MatterStatus

SNAPSHOT_FORMAT = 1


def fee_text(fee: Decimal | None) -> str | None:
    return None if fee is None else f"{fee:.2f}"


def matter_plain(matter: Matter, department: Department | None) -> dict[str, Any]:
    """One definition as plain data (keys are the GraphQL field names)."""
    return {
        "code": matter.code,
        "name": matter.name,
        "type": matter.type.value,
        "basis": matter.basis,
        "departmentId": str(matter.department_id),
        "departmentName": department.name if department else "",
        "departmentSiteId": str(department.site_id) if department else None,
        "serviceObject": matter.service_object.value,
        "conditions": matter.conditions or "",
        "process": list(matter.process or []),
        "materials": [dict(m) for m in matter.materials or []],
        "legalLimitDays": matter.legal_limit_days,
        "promisedLimitDays": matter.promised_limit_days,
        "handlingKind": matter.handling_kind.value,
        "feeYuan": fee_text(matter.fee_yuan),
        "feeBasis": matter.fee_basis,
        "levels": list(matter.levels or []),
        "online": bool(matter.online),
        "comprehensiveWindow": bool(matter.comprehensive_window),
        "keywords": list(matter.keywords or []),
        "pinyin": matter.pinyin or "",
        "initials": matter.initials or "",
    }


def override_plain(row: MatterOverride) -> dict[str, Any]:
    return {
        "siteId": str(row.site_id),
        "code": row.matter_code,
        "offered": row.offered,
        "promisedLimitDays": row.promised_limit_days,
        "acceptedHere": row.accepted_here,
        "processedHere": row.processed_here,
        "comprehensiveWindow": row.comprehensive_window,
        "materials": [dict(m) for m in row.materials] if row.materials else None,
        "note": row.note,
        "acceptancePlace": row.acceptance_place,
        "processingPlace": row.processing_place,
    }


def delegation_plain(row: Delegation) -> dict[str, Any]:
    return {
        "siteId": str(row.site_id),
        "code": row.matter_code,
        "accept": bool(row.accept),
        "process": bool(row.process),
        "includeBelow": bool(row.include_below),
    }


def bundle_plain(row: Bundle) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "description": row.description or "",
        "formName": row.form_name,
        "matterCodes": list(row.matter_codes or []),
        "promisedLimitDays": row.promised_limit_days,
    }


@dataclass
class CatalogData:
    """The approved catalog of a county (one release, or the working state for preview)."""

    matters: list[dict[str, Any]]  # active definitions, ordered by code
    overrides: list[dict[str, Any]]
    delegations: list[dict[str, Any]]
    bundles: list[dict[str, Any]]
    # Indexes built once per CatalogData (not serialised).
    by_code: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    overrides_by_site: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=dict, repr=False
    )
    delegations_by_site: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=dict, repr=False
    )
    bundles_by_code: dict[str, dict[str, Any]] = field(default_factory=dict, repr=False)
    # Effective entries folded from this data, by their shape (``catalog.fold.fold``), so
    # that sites folding a matter alike share one entry. Never mutated once made.
    entry_pool: dict[tuple, dict[str, Any]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.by_code = {m["code"]: m for m in self.matters}
        for o in self.overrides:
            self.overrides_by_site.setdefault(o["siteId"], {})[o["code"]] = o
        for d in self.delegations:
            self.delegations_by_site.setdefault(d["siteId"], {})[d["code"]] = d
        self.bundles_by_code = {b["code"]: b for b in self.bundles}

    def to_plain(self) -> dict[str, Any]:
        return {
            "format": SNAPSHOT_FORMAT,
            "matters": self.matters,
            "overrides": self.overrides,
            "delegations": self.delegations,
            "bundles": self.bundles,
        }

    def encode(self) -> bytes:
        return zlib.compress(msgspec.json.encode(self.to_plain()), 6)

    @classmethod
    def decode(cls, blob: bytes) -> CatalogData:
        plain = msgspec.json.decode(zlib.decompress(blob))
        return cls(
            matters=plain["matters"],
            overrides=plain["overrides"],
            delegations=plain["delegations"],
            bundles=plain["bundles"],
        )

    @classmethod
    def empty(cls) -> CatalogData:
        return cls(matters=[], overrides=[], delegations=[], bundles=[])


async def read_working(session: AsyncSession) -> CatalogData:
    """The approved (working) state of the session's county."""
    departments = {d.id: d for d in (await session.execute(select(Department))).scalars()}
    matters = (
        await session.execute(
            select(Matter).where(Matter.status == MatterStatus.ACTIVE).order_by(Matter.code)
        )
    ).scalars()
    overrides = (
        await session.execute(
            select(MatterOverride).order_by(MatterOverride.site_id, MatterOverride.matter_code)
        )
    ).scalars()
    delegations = (
        await session.execute(
            select(Delegation).order_by(Delegation.matter_code, Delegation.site_id)
        )
    ).scalars()
    bundles = (await session.execute(select(Bundle).order_by(Bundle.code))).scalars()
    return CatalogData(
        matters=[matter_plain(m, departments.get(m.department_id)) for m in matters],
        overrides=[override_plain(o) for o in overrides],
        delegations=[delegation_plain(d) for d in delegations],
        bundles=[bundle_plain(b) for b in bundles],
    )
