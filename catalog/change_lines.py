"""A change request as reviewers read it: one line a field, its Chinese label, the value it was
based on → the value proposed, in words (names instead of ids, 是/否, "3 个工作日")."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog import bases
from catalog.definitions import MATTER_FIELDS
from catalog.models import ChangeKind, ChangeRequest, Department, Matter

LABELS = {
    "name": "事项名称",
    "type": "事项类型",
    "basis": "设定依据",
    "department_id": "实施部门",
    "service_object": "服务对象",
    "conditions": "受理条件",
    "process": "办理流程",
    "materials": "申请材料",
    "legal_limit_days": "法定办结时限",
    "promised_limit_days": "承诺办结时限",
    "handling_kind": "办件类型",
    "fee_yuan": "收费金额",
    "fee_basis": "收费依据",
    "levels": "行使层级",
    "online": "可网上办理",
    "comprehensive_window": "综合窗口受理",
    "keywords": "搜索关键词",
    "offered": "本级提供",
    "accepted_here": "本级受理",
    "processed_here": "本级办理",
    "note": "本级说明",
    "acceptance_place": "受理地点",
    "processing_place": "办理地点",
    "accept": "受理权",
    "process_right": "办理权",
    "include_below": "连同所辖村(社区)站",
    "form_name": "申请表",
    "description": "说明",
    "matter_codes": "包含事项",
    "status": "事项状态",
}
BUNDLE_LABELS = {"name": "一件事名称", "promised_limit_days": "承诺办结时限"}
CHOICES = {
    "type": {
        "LICENSING": "行政许可",
        "CONFIRMATION": "行政确认",
        "PAYMENT": "行政给付",
        "REWARD": "行政奖励",
        "ADJUDICATION": "行政裁决",
        "FILING": "备案",
        "OTHER_POWER": "其他行政权力",
        "PUBLIC_SERVICE": "公共服务",
    },
    "service_object": {"NATURAL_PERSON": "自然人", "LEGAL_PERSON": "法人", "BOTH": "自然人、法人"},
    "handling_kind": {"IMMEDIATE": "即办件", "PROMISED": "承诺件"},
}
LEVELS = {
    "COUNTY_CENTER": "县级",
    "TOWNSHIP_CENTER": "乡镇(街道)级",
    "VILLAGE_STATION": "村(社区)级",
}
KINDS = {"ORIGINAL": "原件", "COPY": "复印件", "ORIGINAL_AND_COPY": "原件和复印件"}
FORMS = {"PAPER": "纸质", "ELECTRONIC": "电子", "BOTH": "纸质、电子"}
FLAGS = {
    "online",
    "comprehensive_window",
    "offered",
    "accepted_here",
    "processed_here",
    "accept",
    "include_below",
}
DAYS = {"legal_limit_days", "promised_limit_days"}


@dataclass(frozen=True)
class Line:
    field: str  # as the GraphQL input names it: promisedLimitDays, materials[居民身份证]
    label: str
    before: str | None
    after: str | None


@dataclass
class Names:
    departments: dict[str, str]
    matters: dict[str, str]


def camel(field: str) -> str:
    if field.startswith("materials["):
        return field
    head, *rest = field.split("_")
    return head + "".join(part.title() for part in rest)


def label_of(kind: ChangeKind, field: str) -> str:
    if field.startswith("materials["):
        return f"材料「{field[len('materials[') : -1]}」"
    if kind is ChangeKind.DELEGATE_MATTER and field == "process":
        return LABELS["process_right"]
    if kind is ChangeKind.DEFINE_BUNDLE and field in BUNDLE_LABELS:
        return BUNDLE_LABELS[field]
    return LABELS.get(field, field)


def _material(m: dict[str, Any]) -> str:
    parts = [
        KINDS.get(m.get("kind") or "ORIGINAL", ""),
        FORMS.get(m.get("form") or "PAPER", ""),
        f"{m.get('copies') or 1} 份",
        "必交" if m.get("required", True) else "非必交",
    ]
    if m.get("waivable"):
        parts.append("可由下级免交")
    return f"{m.get('name')}({','.join(p for p in parts if p)})"


def _material_change(change: dict[str, Any] | None) -> str | None:
    if not change or (change.get("waived") is None and change.get("note") is None):
        return None
    parts = []
    if change.get("waived") is not None:
        parts.append("免交" if change["waived"] else "须提交")
    if change.get("note") is not None:
        parts.append(f"说明:{change['note']}")
    return ";".join(parts)


def words(field: str, value: Any, names: Names, kind: ChangeKind | None = None) -> str | None:
    """A field's value in words; None for no value (not set, not inherited)."""
    if field.startswith("materials["):
        return _material_change(value)
    if value is None:
        if field == "fee_yuan" and kind in (ChangeKind.DEFINE_MATTER, ChangeKind.UPDATE_MATTER):
            return "不收费"
        return None
    if field in FLAGS or (field == "process" and kind is ChangeKind.DELEGATE_MATTER):
        return "是" if value else "否"
    if field in DAYS:
        return f"{value} 个工作日"
    if field in CHOICES:
        return CHOICES[field].get(str(value), str(value))
    if field == "fee_yuan":
        return f"{value} 元"
    if field == "department_id":
        return names.departments.get(str(value), "(已不存在的部门)")
    if field == "levels":
        return "、".join(LEVELS.get(v, v) for v in value)
    if field == "process":
        return " → ".join(str(v) for v in value)
    if field == "keywords":
        return "、".join(str(v) for v in value)
    if field == "materials":
        return ";".join(_material(m) for m in value) or "(无)"
    if field == "matter_codes":
        return "、".join(f"{c} {names.matters.get(c, '')}".strip() for c in value)
    return str(value)


def _proposed(kind: ChangeKind, payload: dict[str, Any], field: str) -> Any:
    """The value the change sets for ``field`` (in the shape ``bases.current`` keeps)."""
    if kind is ChangeKind.OVERRIDE_MATTER and payload.get("reset"):
        return None
    if field.startswith("materials["):
        name = field[len("materials[") : -1]
        for change in payload.get("materials") or []:
            if str(change.get("name") or "").strip() == name:
                return {"waived": change.get("waived"), "note": change.get("note")}
        return None
    if field == "materials":
        return [
            {**m, "kind": m.get("kind") or "ORIGINAL", "form": m.get("form") or "PAPER"}
            for m in payload.get(field) or []
        ]
    if kind is ChangeKind.DELEGATE_MATTER:
        return bool(payload.get(field))
    return payload.get(field)


def fields_of(change_kind: ChangeKind, payload: dict[str, Any], base: dict[str, Any] | None):
    if change_kind is ChangeKind.DEFINE_MATTER:
        return [f for f in MATTER_FIELDS if f in payload]
    return bases.touched(change_kind, payload, base)


def lines(
    kind: ChangeKind, payload: dict[str, Any], base: dict[str, Any] | None, names: Names
) -> list[Line]:
    if kind is ChangeKind.WITHDRAW_MATTER:
        return [Line("status", LABELS["status"], "有效", "已取消")]
    out = []
    for field in fields_of(kind, payload, base):
        before = words(field, bases.value_of(base, field), names, kind)
        after = words(field, _proposed(kind, payload, field), names, kind)
        if kind is ChangeKind.DEFINE_MATTER:
            before = None
        elif before == after and not field.startswith("materials["):
            continue  # unchanged (a reset of a field the override never set, say)
        out.append(Line(camel(field), label_of(kind, field), before, after))
    return out


def conflict_lines(kind: ChangeKind, found: Iterable[bases.Moved], names: Names) -> list[Line]:
    """What changed since the change was proposed: the value it was based on → the value now."""
    return [
        Line(
            camel(m.field),
            label_of(kind, m.field),
            words(m.field, m.before, names, kind),
            words(m.field, m.now, names, kind),
        )
        for m in found
    ]


def _ids(values: Iterable[Any]) -> set[uuid.UUID]:
    out = set()
    for value in values:
        try:
            out.add(uuid.UUID(str(value)))
        except ValueError:
            continue
    return out


async def names_for(
    session: AsyncSession, changes: Iterable[ChangeRequest], *more: dict[str, Any]
) -> Names:
    """The departments and matters the changes' payloads and bases (and the states ``more``)
    name, by id and code."""
    department_ids: set[uuid.UUID] = set()
    codes: set[str] = set()
    states: list[dict[str, Any]] = [m.get("values") or {} for m in more]
    for change in changes:
        states += [change.payload, (change.base or {}).get("values") or {}]
    for state in states:
        if state.get("department_id"):
            department_ids |= _ids([state["department_id"]])
        codes.update(str(c) for c in state.get("matter_codes") or [])
    departments: dict[str, str] = {}
    if department_ids:
        rows = await session.execute(
            select(Department.id, Department.name).where(Department.id.in_(department_ids))
        )
        departments = {str(i): n for i, n in rows.all()}
    matters: dict[str, str] = {}
    if codes:
        rows = await session.execute(select(Matter.code, Matter.name).where(Matter.code.in_(codes)))
        matters = dict(rows.all())
    return Names(departments, matters)


async def describe(session: AsyncSession, change: ChangeRequest) -> list[Line]:
    return lines(change.kind, change.payload, change.base, await names_for(session, [change]))


async def conflicts(session: AsyncSession, change: ChangeRequest) -> list[Line]:
    """For a pending change: the fields it sets that moved since it was proposed."""
    if change.status.value != "PENDING":
        return []
    now = await bases.current(session, change.kind, change.payload)
    found = bases.moved(change.kind, change.payload, change.base, now)
    if not found:
        return []
    return conflict_lines(change.kind, found, await names_for(session, [change], now))
