"""本级调整 (implementation lists 实施清单): a site's override of an inherited matter.

A site may change, for itself and every site below it: whether the matter is offered, the
promised limit, its materials (waive one, add a local note, never rename), the acceptance and
processing places, and narrow where it is accepted or processed.
Name, code, basis and type are the same at every level (四级四同): an attempt is ``LOCKED_FIELD``.

Same standard (无差别受理、同标准办理, 003 §16): a level may only tighten what it inherits. A
promised limit no longer than the inherited one (``PROMISED_EXCEEDS_INHERITED``; an immediate
matter has none: ``IMMEDIATE_NO_PROMISE``); a required material stays required unless the
county's definition marks it waivable (``REQUIRED_MATERIAL``); the acceptance and processing
rights come from the levels and the department's delegations only (004), and what an upper
level narrowed stays narrowed (``NOT_DELEGATED``, ``NARROWED_ABOVE``). ``catalog.fold`` holds
the same rule when it folds.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.data import CatalogData, delegation_plain, matter_plain, override_plain
from catalog.definitions import (
    LIMIT_MAX_DAYS,
    MATERIAL_NAME_MAX,
    MATERIALS_MAX,
    active_matter,
    get_department,
)
from catalog.effective import site_chain
from catalog.fold import fold, may_waive
from catalog.models import Delegation, HandlingKind, Matter, MatterOverride
from network.models import Site
from tenants.errors import Collector, check_count, check_length, refuse

LOCKED_FIELDS = {"name": "事项名称", "code": "事项编码", "basis": "设定依据", "type": "事项类型"}
OVERRIDE_FIELDS = (
    "offered",
    "promised_limit_days",
    "accepted_here",
    "processed_here",
    "comprehensive_window",
    "materials",
    "note",
    "acceptance_place",
    "processing_place",
)


@dataclass
class CheckedOverride:
    site: Site
    matter: Matter
    values: dict[str, Any]
    reset: bool


def locked_field_errors(errors: Collector, payload: dict[str, Any]) -> None:
    for field, label in LOCKED_FIELDS.items():
        if payload.get(field) is not None:
            errors.add(
                field,
                "LOCKED_FIELD",
                f"{label}全县四级统一(四级四同),不能在本级调整",
            )


@dataclass(frozen=True)
class Inherited:
    """What a site inherits of a matter (the approved state): its rights by level and
    delegation alone (``may_accept``, ``may_process``), and the entry folded from the county's
    definition and every ancestor's override — not the site's own (``entry``)."""

    may_accept: bool
    may_process: bool
    entry: dict[str, Any]


async def inherited_at(session: AsyncSession, matter: Matter, site_id: uuid.UUID) -> Inherited:
    chain = await site_chain(session, site_id)
    department = await get_department(session, matter.department_id)
    site_ids = [uuid.UUID(sid) for sid, _ in chain]
    delegations = [
        delegation_plain(d)
        for d in (
            await session.execute(
                select(Delegation).where(
                    Delegation.matter_code == matter.code, Delegation.site_id.in_(site_ids)
                )
            )
        ).scalars()
    ]
    above = [
        # Whether an ancestor offers it is not a standard: the site's own override decides.
        {**override_plain(o), "offered": None}
        for o in (
            await session.execute(
                select(MatterOverride).where(
                    MatterOverride.matter_code == matter.code,
                    MatterOverride.site_id.in_(site_ids[:-1]),
                )
            )
        ).scalars()
    ]
    plain = matter_plain(matter, department)
    rights = fold(CatalogData([plain], [], delegations, []), chain)[0]
    entry = fold(CatalogData([plain], above, delegations, []), chain)[0]
    return Inherited(rights["acceptedHere"], rights["processedHere"], entry)


async def check_override(session: AsyncSession, payload: dict[str, Any]) -> CheckedOverride:
    errors = Collector()
    locked_field_errors(errors, payload)
    errors.raise_if_any()
    site = await session.get(Site, uuid.UUID(payload["site_id"]))
    if site is None:
        raise refuse("siteId", "NOT_FOUND", "场所不存在")
    matter = await active_matter(session, str(payload.get("matter_code") or ""))
    reset = bool(payload.get("reset"))
    values = {k: payload.get(k) for k in OVERRIDE_FIELDS}
    if reset:
        return CheckedOverride(site, matter, {}, True)
    if all(v is None for v in values.values()):
        raise refuse(None, "NOTHING_TO_CHANGE", "没有需要调整的内容")
    inherited = await inherited_at(session, matter, site.id)
    promised = values["promised_limit_days"]
    if promised is not None:
        _check_promised(errors, matter, promised, inherited.entry["promisedLimitDays"])
    known = {m["name"]: m for m in matter.materials or []}
    cleaned = []
    # One change per material of the matter at most; a longer list repeats or invents some.
    changes = values["materials"] or []
    if not check_count(
        errors, "materials", changes, MATERIALS_MAX, "材料调整", "TOO_MANY_MATERIALS"
    ):
        changes = []
    seen: set[str] = set()
    for i, change in enumerate(changes):
        name = str(change.get("name") or "").strip()
        if change.get("new_name") is not None:
            errors.add(f"materials[{i}].newName", "LOCKED_FIELD", "材料名称全县统一,不能改名")
        if len(name) > MATERIAL_NAME_MAX:  # no material has such a name; do not echo it back
            check_length(errors, f"materials[{i}].name", name, MATERIAL_NAME_MAX, "材料名称")
            continue
        if name in seen:
            errors.add(f"materials[{i}].name", "DUPLICATE_MATERIAL", f"材料「{name}」重复")
            continue
        seen.add(name)
        if name not in known:
            errors.add(
                f"materials[{i}].name",
                "UNKNOWN_MATERIAL",
                f"事项没有名为「{name}」的材料(材料不能改名,只能免交或加注说明)",
            )
            continue
        check_length(errors, f"materials[{i}].note", change.get("note"), 500, "材料说明")
        if change.get("waived") and not may_waive(known[name]):
            errors.add(
                f"materials[{i}].waived",
                "REQUIRED_MATERIAL",
                f"「{name}」是必交材料,本级不能免交(同标准办理);"
                "须由县级在事项定义中标为可由下级免交",
            )
        cleaned.append({"name": name, "waived": change.get("waived"), "note": change.get("note")})
    values["materials"] = cleaned or None
    check_length(errors, "note", values["note"], 1000, "本级说明")
    check_length(errors, "acceptancePlace", values["acceptance_place"], 200, "受理地点")
    check_length(errors, "processingPlace", values["processing_place"], 200, "办理地点")
    for field, flag, right, label in (
        ("acceptedHere", "accepted_here", inherited.may_accept, "受理权"),
        ("processedHere", "processed_here", inherited.may_process, "办理权"),
    ):
        if not values[flag]:
            continue
        if not right:
            errors.add(
                field,
                "NOT_DELEGATED",
                f"「{site.name}」没有「{matter.name}」的{label}:{label}只能由业务主管部门"
                "委托下放(或事项在本级行使),不能在实施清单中自行设定",
            )
        elif not inherited.entry["acceptedHere" if flag == "accepted_here" else "processedHere"]:
            errors.add(
                field,
                "NARROWED_ABOVE",
                f"上级已在实施清单中收窄「{matter.name}」的{label},本级不能放宽",
            )
    errors.raise_if_any()
    return CheckedOverride(site, matter, values, False)


def _check_promised(errors: Collector, matter: Matter, promised: Any, inherited: int) -> None:
    """A promised limit: a number of working days within the legal limit, none for an
    immediate matter, and never longer than the one inherited (同标准办理)."""
    if isinstance(promised, bool) or not isinstance(promised, int):
        errors.add("promisedLimitDays", "INVALID_VALUE", "承诺办结时限应为整数")
    elif promised < 0 or promised > LIMIT_MAX_DAYS:
        errors.add("promisedLimitDays", "OUT_OF_RANGE", "承诺办结时限应为不小于 0 的工作日数")
    elif promised > matter.legal_limit_days:
        errors.add(
            "promisedLimitDays",
            "PROMISED_EXCEEDS_LEGAL",
            f"承诺办结时限({promised} 个工作日)不能超过法定办结时限"
            f"({matter.legal_limit_days} 个工作日)",
        )
    elif matter.handling_kind is HandlingKind.IMMEDIATE and promised > 0:
        errors.add(
            "promisedLimitDays",
            "IMMEDIATE_NO_PROMISE",
            f"「{matter.name}」是即办件,当场办结,不能承诺 {promised} 个工作日",
        )
    elif promised > inherited:
        errors.add(
            "promisedLimitDays",
            "PROMISED_EXCEEDS_INHERITED",
            f"承诺办结时限只能缩短、不能放宽(同标准办理):上级规定 {inherited} 个工作日,"
            f"本级不能改为 {promised} 个工作日",
        )


async def apply_override(session: AsyncSession, checked: CheckedOverride) -> None:
    """Upsert: given values replace the site's earlier ones; ``reset`` removes the override."""
    existing = (
        await session.execute(
            select(MatterOverride).where(
                MatterOverride.site_id == checked.site.id,
                MatterOverride.matter_code == checked.matter.code,
            )
        )
    ).scalar_one_or_none()
    if checked.reset:
        if existing is None:
            raise refuse("siteId", "NOT_FOUND", "该场所没有对此事项的调整")
        await session.execute(delete(MatterOverride).where(MatterOverride.id == existing.id))
        return
    if existing is None:
        existing = MatterOverride(
            id=uuid.uuid4(), site_id=checked.site.id, matter_code=checked.matter.code
        )
        session.add(existing)
    for key, value in checked.values.items():
        if value is None:
            continue
        if key == "materials":
            merged = {m["name"]: m for m in existing.materials or []}
            for change in value:
                merged[change["name"]] = change
            value = list(merged.values())
        setattr(existing, key, value)
