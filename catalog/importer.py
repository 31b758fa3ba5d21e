"""导入县级目录 from ``.xlsx`` with the column headings of the national element list
(国家政务服务事项基本目录要素): all rows or none, with a per-row report.

The first worksheet holds one matter per row under a heading row. Recognised headings:

=================  ==============================================================
事项编码 / 基本编码   required; an existing code updates that matter, a new one defines it
事项名称             required
事项类型             行政许可 / 行政确认 / 行政给付 / 行政奖励 / 行政裁决 / 备案 /
                    其他行政权力 / 公共服务
设定依据             required
实施主体 / 实施部门   department name (created at the county centre when new)
服务对象             自然人 / 法人 / 自然人、法人
受理条件
办理流程             one step per line
申请材料             one material per line: ``名称|原件/复印件|纸质/电子|份数|必要/非必要``
法定办结时限          working days
承诺办结时限          working days
办件类型             即办件 / 承诺件
收费标准             yuan; empty or 不收费: free
收费依据
行使层级             县级 / 乡级 / 村级, separated by 、 , ; or spaces
是否网办             是 / 否
综合窗口受理          是 / 否 (default 是)
关键词               search keywords (俗称), separated by 、 or ,
=================  ==============================================================
"""

from __future__ import annotations

import asyncio
import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from authz.guard import Actor
from catalog.changes import propose_many
from catalog.definitions import department_by_name, get_matter
from catalog.models import ChangeKind, Department
from network.access import require
from network.models import Site
from network.tree import require_county_center
from tenants import audit, spreadsheets
from tenants.errors import UserError, UserErrors

MAX_ROWS = 5000
MAX_BYTES = 20 * 1024 * 1024
# Bounds of the workbook, checked before it is parsed (the national element list has many
# columns; only the recognised headings are read).
SHEET_LIMITS = spreadsheets.SheetLimits(
    max_rows=MAX_ROWS, max_columns=100, max_elements=600_000, unit="个事项"
)
INVALID_FILE_MESSAGE = "无法读取文件,请上传 .xlsx 格式的事项要素表"

HEADINGS: dict[str, str] = {
    "事项编码": "code",
    "基本编码": "code",
    "事项名称": "name",
    "事项类型": "type",
    "设定依据": "basis",
    "实施主体": "department",
    "实施部门": "department",
    "服务对象": "service_object",
    "受理条件": "conditions",
    "办理流程": "process",
    "申请材料": "materials",
    "法定办结时限": "legal_limit_days",
    "承诺办结时限": "promised_limit_days",
    "办件类型": "handling_kind",
    "收费标准": "fee_yuan",
    "收费依据": "fee_basis",
    "行使层级": "levels",
    "是否网办": "online",
    "综合窗口受理": "comprehensive_window",
    "关键词": "keywords",
}
REQUIRED = ("code", "name", "type", "basis", "department")
TYPES = {
    "行政许可": "LICENSING",
    "行政确认": "CONFIRMATION",
    "行政给付": "PAYMENT",
    "行政奖励": "REWARD",
    "行政裁决": "ADJUDICATION",
    "备案": "FILING",
    "其他行政权力": "OTHER_POWER",
    "公共服务": "PUBLIC_SERVICE",
}
SERVICE_OBJECTS = {
    "自然人": "NATURAL_PERSON",
    "法人": "LEGAL_PERSON",
    "自然人、法人": "BOTH",
    "自然人,法人": "BOTH",
    "法人、自然人": "BOTH",
}
HANDLING = {"即办件": "IMMEDIATE", "承诺件": "PROMISED"}
LEVELS = {
    "县级": "COUNTY_CENTER",
    "乡级": "TOWNSHIP_CENTER",
    "镇级": "TOWNSHIP_CENTER",
    "乡镇级": "TOWNSHIP_CENTER",
    "村级": "VILLAGE_STATION",
}
MATERIAL_KINDS = {"原件": "ORIGINAL", "复印件": "COPY", "原件和复印件": "ORIGINAL_AND_COPY"}
MATERIAL_FORMS = {"纸质": "PAPER", "电子": "ELECTRONIC", "纸质、电子": "BOTH", "纸质和电子": "BOTH"}
YES = {"是", "Y", "y", "yes", "true", "1"}
_SPLIT = re.compile(r"[、,,;;\s]+")


@dataclass
class ImportRow:
    row: int
    code: str | None
    errors: list[UserError] = field(default_factory=list)


@dataclass
class ImportReport:
    rows: list[ImportRow]
    imported: int = 0

    @property
    def ok(self) -> bool:
        return all(not r.errors for r in self.rows) and bool(self.rows)

    def summary_errors(self) -> list[UserError]:
        failed = [r for r in self.rows if r.errors]
        if not self.rows:
            return [UserError("fileBase64", "EMPTY_FILE", "文件中没有事项")]
        if len(failed) == 1 and failed[0].row <= 1:
            return failed[0].errors
        return [
            UserError(
                "fileBase64",
                "IMPORT_REJECTED",
                f"共 {len(failed)} 行有误,全部未导入;请按逐行报告修改后重新导入",
            )
        ]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _lookup(errors: list[UserError], table: dict[str, str], value: str, field: str, label: str):
    if not value:
        errors.append(UserError(field, "REQUIRED", f"请填写{label}"))
        return None
    found = table.get(value)
    if found is None:
        errors.append(UserError(field, "INVALID_VALUE", f"{label}「{value}」无法识别"))
    return found


def _days(errors: list[UserError], value: str, field: str, label: str) -> int | None:
    digits = re.sub(r"(个)?工作日$|天$", "", value)
    if not digits.isdigit():
        errors.append(UserError(field, "INVALID_VALUE", f"{label}应为工作日数,如 20"))
        return None
    return int(digits)


def _materials(errors: list[UserError], value: str) -> list[dict[str, Any]]:
    materials = []
    for line in (x.strip() for x in value.splitlines()):
        if not line:
            continue
        parts = [p.strip() for p in line.split("|")]
        name = parts[0]
        kind = MATERIAL_KINDS.get(parts[1]) if len(parts) > 1 and parts[1] else "ORIGINAL"
        form = MATERIAL_FORMS.get(parts[2]) if len(parts) > 2 and parts[2] else "PAPER"
        copies = parts[3] if len(parts) > 3 and parts[3] else "1"
        required = not (len(parts) > 4 and parts[4] in ("非必要", "否", "容缺"))
        if kind is None or form is None or not copies.isdigit():
            errors.append(
                UserError(
                    "materials", "INVALID_VALUE", f"材料「{line}」格式应为 名称|原件|纸质|1|必要"
                )
            )
            continue
        materials.append(
            {"name": name, "kind": kind, "form": form, "copies": int(copies), "required": required}
        )
    return materials


def parse_rows(content: bytes) -> tuple[list[tuple[int, dict[str, str]]], list[UserError]]:
    """The data rows as {field: text}, by sheet row number; or the file-level errors.

    The workbook is bounded before it is parsed (``tenants.spreadsheets``). CPU work: the
    import calls it in a thread."""
    if len(content) > MAX_BYTES:
        return [], [UserError("fileBase64", "FILE_TOO_LARGE", "文件不能超过 20 MB")]
    try:
        sheet = spreadsheets.read_sheet(content, SHEET_LIMITS)
    except spreadsheets.SheetRefused as exc:
        message = INVALID_FILE_MESSAGE if exc.code == "INVALID_FILE" else exc.message
        return [], [UserError("fileBase64", exc.code, message)]
    if sheet.heading is None:
        return [], [UserError("fileBase64", "EMPTY_FILE", "文件中没有事项")]
    columns = {i: HEADINGS[_text(h)] for i, h in enumerate(sheet.heading) if _text(h) in HEADINGS}
    missing = [h for h in REQUIRED if h not in columns.values()]
    if missing:
        labels = [k for k, v in HEADINGS.items() if v in missing]
        return [], [UserError("fileBase64", "MISSING_COLUMN", f"缺少必需的列:{'、'.join(labels)}")]
    return [
        (number, {f: _text(values[i]) if i < len(values) else "" for i, f in columns.items()})
        for number, values in sheet.rows
    ], []


def row_payload(cells: dict[str, str], errors: list[UserError]) -> dict[str, Any]:
    """One row as a DEFINE/UPDATE_MATTER payload (department by name, resolved later)."""
    fee = cells.get("fee_yuan", "")
    legal = _days(
        errors, cells.get("legal_limit_days", "") or "0", "legalLimitDays", "法定办结时限"
    )
    promised_text = cells.get("promised_limit_days", "")
    promised = (
        _days(errors, promised_text, "promisedLimitDays", "承诺办结时限")
        if promised_text
        else legal
    )
    levels_text = cells.get("levels", "") or "县级"
    levels = []
    for part in (p for p in _SPLIT.split(levels_text) if p):
        level = LEVELS.get(part)
        if level is None:
            errors.append(UserError("levels", "INVALID_LEVEL", f"行使层级「{part}」无法识别"))
        else:
            levels.append(level)
    return {
        "code": cells.get("code", ""),
        "name": cells.get("name", ""),
        "type": _lookup(errors, TYPES, cells.get("type", ""), "type", "事项类型"),
        "basis": cells.get("basis", ""),
        "service_object": _lookup(
            errors,
            SERVICE_OBJECTS,
            cells.get("service_object", "") or "自然人",
            "serviceObject",
            "服务对象",
        ),
        "conditions": cells.get("conditions", ""),
        "process": [s.strip() for s in re.split(r"[\n→]", cells.get("process", "")) if s.strip()],
        "materials": _materials(errors, cells.get("materials", "")),
        "legal_limit_days": legal,
        "promised_limit_days": promised,
        "handling_kind": _lookup(
            errors, HANDLING, cells.get("handling_kind", "") or "承诺件", "handlingKind", "办件类型"
        ),
        "fee_yuan": None if fee in ("", "不收费", "0", "免费") else fee,
        "fee_basis": cells.get("fee_basis") or None,
        "levels": levels,
        "online": cells.get("online", "") in YES,
        "comprehensive_window": cells.get("comprehensive_window", "是") in YES
        or cells.get("comprehensive_window", "") == "",
        "keywords": [k for k in _SPLIT.split(cells.get("keywords", "")) if k],
    }


class ImportRefused(UserErrors):
    """Some row (or the file) was refused: nothing is imported, the transaction must roll back;
    ``report`` says row by row why."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.summary_errors())
        self.report = report


async def may_import(session: AsyncSession, actor: Actor) -> Site:
    """The county centre, whose catalog ``actor`` may import into (FORBIDDEN otherwise)."""
    root = await require_county_center(session)
    await require(session, actor, "catalog.import", "import", root.id, root.official_name)
    return root


async def import_catalog(session: AsyncSession, actor: Actor, content: bytes) -> ImportReport:
    """Check every row and apply them all as approved changes, or raise ``ImportRefused``
    (all rows or none: the caller's transaction then rolls back). Runs as a job
    (``catalog.jobs``): 5,000 rows take about a minute."""
    root = await may_import(session, actor)
    parsed, file_errors = await asyncio.to_thread(parse_rows, content)
    if file_errors:
        raise ImportRefused(ImportReport(rows=[ImportRow(row=1, code=None, errors=file_errors)]))
    report = ImportReport(
        rows=[ImportRow(row=n, code=cells.get("code") or None) for n, cells in parsed]
    )
    items: list[tuple[ChangeKind, dict[str, Any]]] = []
    item_rows: list[ImportRow] = []
    departments: dict[str, Department] = {}
    for (_, cells), row in zip(parsed, report.rows, strict=True):
        payload = row_payload(cells, row.errors)
        name = cells.get("department", "")
        if name and name not in departments:
            dept = await department_by_name(session, name)
            if dept is None:
                if len(name) > 100:
                    row.errors.append(
                        UserError("department", "TOO_LONG", "部门名称不能超过 100 个字符")
                    )
                    continue
                dept = Department(id=uuid.uuid4(), name=name, site_id=root.id)
                session.add(dept)
                await session.flush()
            departments[name] = dept
        if name:
            payload["department_id"] = str(departments[name].id)
        if row.errors:
            continue
        existing = await get_matter(session, payload["code"]) if payload["code"] else None
        items.append((ChangeKind.UPDATE_MATTER if existing else ChangeKind.DEFINE_MATTER, payload))
        item_rows.append(row)

    unchanged = 0

    def refused(index: int, error: UserErrors) -> None:
        nonlocal unchanged
        if all(e.code == "NO_CHANGE" for e in error.errors):
            unchanged += 1  # a row as the catalog already has it: imported, nothing to record
            return
        item_rows[index].errors.extend(error.errors)

    done = await propose_many(session, actor, items, on_refused=refused)
    report.imported = len(done) + unchanged
    if not report.ok:
        raise ImportRefused(report)
    audit.record(
        session, actor.label, "catalog.import", "Catalog", None, {"matters": report.imported}
    )
    return report
