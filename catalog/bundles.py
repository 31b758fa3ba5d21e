"""一件事 (bundles, seed 004): several matters applied for as one — one form, one material list
(a material asked by two matters appears once), one window, the combined time limit."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from authz.errors import check_argument
from authz.guard import Actor
from catalog.definitions import CODE_MAX, CODE_RE, LIMIT_MAX_DAYS, get_matter
from catalog.drafts import require_preview
from catalog.effective import CatalogVersion, catalog_data, catalog_version, effective_catalog
from catalog.models import Bundle, MatterStatus
from tenants.errors import Collector, check_length

MAX_MATTERS = 30


@dataclass
class CheckedBundle:
    code: str
    values: dict[str, Any]


async def check_bundle(session: AsyncSession, payload: dict[str, Any]) -> CheckedBundle:
    errors = Collector()
    code = str(payload.get("code") or "").strip()
    if not CODE_RE.match(code):
        errors.add("code", "INVALID_CODE", "一件事编码应为 1-64 位字母、数字、点、横线或下划线")
    name = str(payload.get("name") or "").strip()
    if not name:
        errors.add("name", "REQUIRED", "一件事名称不能为空")
    check_length(errors, "name", name, 200, "名称")
    form_name = str(payload.get("form_name") or "").strip() or f"「{name}」一件事联办申请表"
    check_length(errors, "formName", form_name, 200, "申请表名称")
    description = str(payload.get("description") or "")
    check_length(errors, "description", description, 4000, "说明")
    codes = list(dict.fromkeys(str(c).strip() for c in payload.get("matter_codes") or []))
    if len(codes) < 2:
        errors.add("matterCodes", "TOO_FEW_MATTERS", "一件事至少包含两个事项")
    if len(codes) > MAX_MATTERS:
        errors.add("matterCodes", "TOO_MANY_MATTERS", f"一件事最多包含 {MAX_MATTERS} 个事项")
        codes = []  # one error, not one lookup (and one error) per code
    legal_total = 0
    for c in codes:
        if not CODE_RE.match(c):  # no matter has such a code; a long one is not echoed back
            errors.add("matterCodes", "NOT_FOUND", f"事项 {c[:CODE_MAX]} 不存在")
            continue
        matter = await get_matter(session, c)
        if matter is None or matter.status is not MatterStatus.ACTIVE:
            errors.add("matterCodes", "NOT_FOUND", f"事项 {c} 不存在")
        else:
            legal_total += matter.legal_limit_days
    promised = payload.get("promised_limit_days")
    if promised is not None:
        if promised < 0 or promised > LIMIT_MAX_DAYS:
            errors.add("promisedLimitDays", "OUT_OF_RANGE", "承诺办结时限应为不小于 0 的工作日数")
        elif not errors.errors and promised > legal_total:
            errors.add(
                "promisedLimitDays",
                "PROMISED_EXCEEDS_LEGAL",
                f"承诺办结时限不能超过各事项法定时限之和({legal_total} 个工作日)",
            )
    errors.raise_if_any()
    return CheckedBundle(
        code=code,
        values={
            "name": name,
            "form_name": form_name,
            "description": description,
            "matter_codes": codes,
            "promised_limit_days": promised,
        },
    )


async def apply_bundle(session: AsyncSession, checked: CheckedBundle) -> Bundle:
    bundle = (
        await session.execute(select(Bundle).where(Bundle.code == checked.code))
    ).scalar_one_or_none()
    if bundle is None:
        bundle = Bundle(id=uuid.uuid4(), code=checked.code)
        session.add(bundle)
    for key, value in checked.values.items():
        setattr(bundle, key, value)
    return bundle


def merge_materials(matters: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One material list: the same material (by name) appears once, with the most copies, required
    when any member requires it, and the names of the matters that ask for it."""
    merged: dict[str, dict[str, Any]] = {}
    for matter in matters:
        for m in matter["materials"]:
            seen = merged.get(m["name"])
            if seen is None:
                merged[m["name"]] = {**m, "forMatters": [matter["name"]]}
            else:
                seen["copies"] = max(seen["copies"], m["copies"])
                seen["required"] = seen["required"] or m["required"]
                if seen["form"] != m["form"]:
                    seen["form"] = "BOTH"
                seen["forMatters"].append(matter["name"])
    return list(merged.values())


def bundle_view(bundle: dict[str, Any], entries: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The bundle as the applicant sees it; ``entries``: the matters by code (definitions or the
    effective entries of one site)."""
    members = [entries[c] for c in bundle["matterCodes"] if c in entries]
    legal = sum(m["legalLimitDays"] for m in members)
    promised = bundle["promisedLimitDays"]
    if promised is None:
        promised = sum(m["promisedLimitDays"] for m in members)
    return {
        "code": bundle["code"],
        "name": bundle["name"],
        "description": bundle["description"],
        "formName": bundle["formName"],
        "matters": members,
        "materials": merge_materials(members),
        "legalLimitDays": legal,
        "promisedLimitDays": min(promised, legal),
        "complete": len(members) == len(bundle["matterCodes"]),
        "acceptedHere": all(m.get("acceptedHere", True) for m in members) and bool(members),
    }


async def bundle_views(
    session: AsyncSession,
    actor: Actor,
    tenant_id: uuid.UUID,
    site_id: uuid.UUID | None,
    *,
    preview: bool,
    version: CatalogVersion | None = None,
    code: str | None = None,
) -> tuple[list[dict[str, Any]], int | None]:
    """The county's bundles (the one with ``code`` only, when given) as the applicant sees them,
    merged by the site's effective catalog when ``site_id`` is given, by the definitions
    otherwise; and the release they come from. ``preview`` only for those who may see it."""
    check_argument(code, "code", CODE_MAX)
    if preview:
        await require_preview(session, actor)
    version = await catalog_version(session, version)
    data = await catalog_data(session, tenant_id, version, preview=preview)
    entries = data.by_code
    if site_id is not None:
        folded = await effective_catalog(
            session, tenant_id, site_id, preview=preview, version=version
        )
        entries = folded.by_code
    chosen = [b for b in data.bundles if code is None or b["code"] == code]
    return [bundle_view(b, entries) for b in chosen], version.release or None
