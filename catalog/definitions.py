"""事项定义 (basic catalog 基本目录): departments and the county's matter definitions.

Definitions are never written directly: ``catalog.changes`` turns every edit into a change
request and calls ``validate_*`` when it is proposed and ``apply_*`` when it is approved.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from api.storage import key_belongs_to
from authz.guard import Actor
from catalog.models import (
    Department,
    HandlingKind,
    MaterialForm,
    MaterialKind,
    Matter,
    MatterStatus,
    MatterType,
    ServiceObject,
)
from catalog.search import search_keys
from network.access import require
from network.models import Site, SiteLevel
from network.tree import county_center
from tenants import audit
from tenants.errors import Collector, check_count, check_length, refuse

CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,63}$")
EXERCISE_LEVELS = (
    SiteLevel.COUNTY_CENTER.value,
    SiteLevel.TOWNSHIP_CENTER.value,
    SiteLevel.VILLAGE_STATION.value,
)
LIMIT_MAX_DAYS = 3650
COPIES_MAX = 99
CODE_MAX = 64  # 基本编码: what CODE_RE admits
FILE_PURPOSE = "scan"  # blank forms and samples: PDF or images, uploaded like any scan
# A matter's lists are short by nature. The caps sit far above any real 事项 and far below what
# would make the catalog heavy: every entry of a 1,100-matter catalog is folded, cached and
# searched per site, and a proposal keeps its payload as sent. Over a cap is refused, never cut.
# 搜索关键词 (俗称): a few colloquial names (结婚, 离婚); each a word or a short phrase.
KEYWORDS_MAX = 30
KEYWORD_MAX = 32
# 办理流程: the national 要素表 lists a handful of steps (受理 → 审查 → 决定 → 送达); 50 leaves
# room for a detailed local process, and one step is a sentence or two.
PROCESS_STEPS_MAX = 50
PROCESS_STEP_MAX = 500
# 申请材料: the longest real lists (建设工程, 企业开办) run to a few dozen items.
MATERIALS_MAX = 100
MATERIAL_NAME_MAX = 200
MATTER_FIELDS = (
    "name",
    "type",
    "basis",
    "department_id",
    "service_object",
    "conditions",
    "process",
    "materials",
    "legal_limit_days",
    "promised_limit_days",
    "handling_kind",
    "fee_yuan",
    "fee_basis",
    "levels",
    "online",
    "comprehensive_window",
    "keywords",
)


async def get_department(session: AsyncSession, department_id: uuid.UUID) -> Department | None:
    return await session.get(Department, department_id)


async def departments_by_id(
    session: AsyncSession, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, Department]:
    rows = await session.execute(select(Department).where(Department.id.in_(ids)))
    return {d.id: d for d in rows.scalars()}


async def department_by_name(session: AsyncSession, name: str) -> Department | None:
    rows = await session.execute(select(Department).where(Department.name == name))
    return rows.scalar_one_or_none()


async def create_department(
    session: AsyncSession, actor: Actor, name: str, site_id: uuid.UUID | None
) -> Department:
    """新增实施部门 (county office): sits at a sub-centre or, by default, the county centre."""
    root = await county_center(session)
    if root is None:
        raise refuse("siteId", "NOT_FOUND", "本县尚无县政务服务中心")
    await require(session, actor, "department", "create", root.id, root.official_name)
    errors = Collector()
    name = (name or "").strip()
    if not name:
        errors.add("name", "REQUIRED", "部门名称不能为空")
    check_length(errors, "name", name, 100, "部门名称")
    site = root
    if site_id is not None:
        found = await session.get(Site, site_id)
        if found is None:
            errors.add("siteId", "NOT_FOUND", "场所不存在")
        elif found.level not in (SiteLevel.COUNTY_CENTER, SiteLevel.SUB_CENTER):
            errors.add("siteId", "INVALID_SCOPE", "部门只能设在县政务服务中心或分中心")
        else:
            site = found
    if name and await department_by_name(session, name):
        errors.add("name", "DUPLICATE_NAME", f"部门「{name}」已存在")
    errors.raise_if_any()
    department = Department(id=uuid.uuid4(), name=name, site_id=site.id)
    session.add(department)
    audit.record(
        session, actor.label, "department.create", "Department", department.id, {"name": name}
    )
    return department


async def list_departments(session: AsyncSession) -> list[Department]:
    return list((await session.execute(select(Department).order_by(Department.name))).scalars())


async def page_departments(
    session: AsyncSession, offset: int, limit: int
) -> tuple[list[Department], int]:
    """One page of the county's departments by name, and how many there are."""
    total = (await session.execute(select(func.count()).select_from(Department))).scalar_one()
    rows = await session.execute(
        select(Department).order_by(Department.name, Department.id).offset(offset).limit(limit)
    )
    return list(rows.scalars()), total


async def get_matter(session: AsyncSession, code: str) -> Matter | None:
    rows = await session.execute(select(Matter).where(Matter.code == code))
    return rows.scalar_one_or_none()


def _enum_value(errors: Collector, field: str, cls: type, value: Any, label: str) -> Any:
    try:
        return cls(value).value
    except ValueError:
        errors.add(field, "INVALID_VALUE", f"{label}「{value}」无效")
        return None


def _int(errors: Collector, field: str, value: Any, label: str, low: int, high: int) -> int | None:
    if value is None or isinstance(value, bool):
        errors.add(field, "REQUIRED", f"请填写{label}")
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        errors.add(field, "INVALID_VALUE", f"{label}应为整数")
        return None
    if number != value and not isinstance(value, str):
        errors.add(field, "INVALID_VALUE", f"{label}应为整数")
        return None
    if not low <= number <= high:
        errors.add(field, "OUT_OF_RANGE", f"{label}应在 {low} 到 {high} 之间")
        return None
    return number


def parse_fee(errors: Collector, value: Any) -> str | None:
    """收费标准 in yuan as a decimal string ("150.00"); None or empty: free of charge."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        fee = Decimal(str(value).strip())
    except InvalidOperation:
        errors.add("feeYuan", "INVALID_FEE", "收费金额应为以元为单位的数字,如 150.00")
        return None
    if not fee.is_finite() or fee < 0 or fee > Decimal("100000000"):
        errors.add("feeYuan", "INVALID_FEE", "收费金额应为不小于 0 的数字")
        return None
    if fee != fee.quantize(Decimal("0.01")):
        errors.add("feeYuan", "INVALID_FEE", "收费金额最多两位小数")
        return None
    return f"{fee:.2f}"


def _file_key(
    errors: Collector, field: str, value: Any, tenant_id: uuid.UUID | None, label: str
) -> str | None:
    """空白表格 / 示例样表: a stored file of this county (``requestUpload`` purpose ``scan``)."""
    if value is None or value == "":
        return None
    if tenant_id is None or not key_belongs_to(str(value), tenant_id, FILE_PURPOSE):
        errors.add(field, "INVALID_FILE_KEY", f"{label}须为本县已上传的文件(PDF 或图片)")
        return None
    return str(value)


def clean_materials(
    errors: Collector, materials: Any, tenant_id: uuid.UUID | None = None
) -> list[dict[str, Any]]:
    """申请材料: at most ``MATERIALS_MAX``, unique names, known kind and form, 1-99 copies, own
    stored files."""
    cleaned: list[dict[str, Any]] = []
    seen: set[str] = set()
    if not check_count(
        errors, "materials", materials, MATERIALS_MAX, "申请材料", "TOO_MANY_MATERIALS"
    ):
        return cleaned
    for i, raw in enumerate(materials or []):
        field = f"materials[{i}]"
        name = str(raw.get("name") or "").strip()
        if not name:
            errors.add(f"{field}.name", "REQUIRED", f"第 {i + 1} 项材料缺少名称")
            continue
        check_length(errors, f"{field}.name", name, MATERIAL_NAME_MAX, "材料名称")
        if name in seen:
            errors.add(f"{field}.name", "DUPLICATE_MATERIAL", f"材料「{name}」重复")
        seen.add(name)
        copies = raw.get("copies", 1)
        copies = _int(
            errors, f"{field}.copies", 1 if copies is None else copies, "份数", 1, COPIES_MAX
        )
        form = _enum_value(
            errors, f"{field}.form", MaterialForm, raw.get("form") or "PAPER", "材料形式"
        )
        kind = _enum_value(
            errors, f"{field}.kind", MaterialKind, raw.get("kind") or "ORIGINAL", "材料类型"
        )
        source = raw.get("source")
        check_length(errors, f"{field}.source", source, 200, "来源渠道")
        cleaned.append(
            {
                "name": name,
                "kind": kind,
                "form": form,
                "copies": copies,
                "required": bool(raw.get("required", True)),
                # 县级决定: a required material that a township or village may waive locally.
                "waivable": bool(raw.get("waivable", False)),
                "source": source,
                "blankForm": _file_key(
                    errors,
                    f"{field}.blankForm",
                    raw.get("blank_form") or raw.get("blankForm"),
                    tenant_id,
                    "空白表格",
                ),
                "sample": _file_key(
                    errors, f"{field}.sample", raw.get("sample"), tenant_id, "示例样表"
                ),
                "note": None,
            }
        )
    return cleaned


def clean_process(errors: Collector, steps: Any) -> list[str]:
    """办理流程: at most ``PROCESS_STEPS_MAX`` steps of at most ``PROCESS_STEP_MAX`` characters;
    blank steps are dropped."""
    if not check_count(errors, "process", steps, PROCESS_STEPS_MAX, "办理流程", "TOO_MANY_STEPS"):
        return []
    cleaned = []
    for i, raw in enumerate(steps or []):
        step = str(raw).strip()
        check_length(errors, f"process[{i}]", step, PROCESS_STEP_MAX, f"办理流程第 {i + 1} 步")
        if step:
            cleaned.append(step)
    return cleaned


def clean_keywords(errors: Collector, keywords: Any) -> list[str]:
    """搜索关键词: at most ``KEYWORDS_MAX`` of at most ``KEYWORD_MAX`` characters; blanks and
    repeats are dropped."""
    if not check_count(
        errors, "keywords", keywords, KEYWORDS_MAX, "搜索关键词", "TOO_MANY_KEYWORDS"
    ):
        return []
    cleaned: dict[str, None] = {}
    for i, raw in enumerate(keywords or []):
        keyword = str(raw).strip()
        check_length(errors, f"keywords[{i}]", keyword, KEYWORD_MAX, "关键词")
        if keyword:
            cleaned[keyword] = None
    return list(cleaned)


@dataclass
class CheckedMatter:
    """A validated definition: column values ready for ``Matter``."""

    code: str
    values: dict[str, Any]
    department: Department


async def check_matter(
    session: AsyncSession, payload: dict[str, Any], *, existing: Matter | None
) -> CheckedMatter:
    """Validate a full definition (for an update: the current one with the payload applied)."""
    errors = Collector()
    base: dict[str, Any] = {}
    if existing is not None:
        base = {
            "name": existing.name,
            "type": existing.type.value,
            "basis": existing.basis,
            "department_id": str(existing.department_id),
            "service_object": existing.service_object.value,
            "conditions": existing.conditions,
            "process": existing.process,
            "materials": [
                {**m, "blank_form": m.get("blankForm")} for m in existing.materials or []
            ],
            "legal_limit_days": existing.legal_limit_days,
            "promised_limit_days": existing.promised_limit_days,
            "handling_kind": existing.handling_kind.value,
            "fee_yuan": None if existing.fee_yuan is None else str(existing.fee_yuan),
            "fee_basis": existing.fee_basis,
            "levels": existing.levels,
            "online": existing.online,
            "comprehensive_window": existing.comprehensive_window,
            "keywords": existing.keywords,
        }
    data = {**base, **{k: v for k, v in payload.items() if k in MATTER_FIELDS}}
    code = str(payload.get("code") or "").strip()
    if not CODE_RE.match(code):
        errors.add("code", "INVALID_CODE", "事项编码应为 1-64 位字母、数字、点、横线或下划线")
    name = str(data.get("name") or "").strip()
    if not name:
        errors.add("name", "REQUIRED", "事项名称不能为空")
    check_length(errors, "name", name, 200, "事项名称")
    basis = str(data.get("basis") or "").strip()
    if not basis:
        errors.add("basis", "REQUIRED", "请填写设定依据")
    check_length(errors, "basis", basis, 4000, "设定依据")
    matter_type = _enum_value(errors, "type", MatterType, data.get("type"), "事项类型")
    service_object = _enum_value(
        errors, "serviceObject", ServiceObject, data.get("service_object"), "服务对象"
    )
    handling = _enum_value(
        errors, "handlingKind", HandlingKind, data.get("handling_kind"), "办件类型"
    )
    legal = _int(
        errors, "legalLimitDays", data.get("legal_limit_days"), "法定办结时限", 0, LIMIT_MAX_DAYS
    )
    promised = _int(
        errors,
        "promisedLimitDays",
        data.get("promised_limit_days"),
        "承诺办结时限",
        0,
        LIMIT_MAX_DAYS,
    )
    if legal is not None and promised is not None and promised > legal:
        errors.add(
            "promisedLimitDays",
            "PROMISED_EXCEEDS_LEGAL",
            f"承诺办结时限({promised} 个工作日)不能超过法定办结时限({legal} 个工作日)",
        )
    if handling == HandlingKind.IMMEDIATE.value and promised:
        errors.add(
            "promisedLimitDays",
            "IMMEDIATE_NO_PROMISE",
            f"即办件当场办结,承诺办结时限应为 0,不能是 {promised} 个工作日",
        )
    conditions = str(data.get("conditions") or "")
    check_length(errors, "conditions", conditions, 4000, "受理条件")
    process = clean_process(errors, data.get("process"))
    materials = clean_materials(errors, data.get("materials"), session.info.get("tenant_id"))
    fee = parse_fee(errors, data.get("fee_yuan"))
    fee_basis = data.get("fee_basis")
    check_length(errors, "feeBasis", fee_basis, 1000, "收费依据")
    levels = list(dict.fromkeys(data.get("levels") or []))
    if not levels:
        errors.add("levels", "REQUIRED", "请至少选择一个行使层级")
    for level in levels:
        if level not in EXERCISE_LEVELS:
            errors.add(
                "levels", "INVALID_LEVEL", f"行使层级「{level}」无效:只能是县级、乡镇级或村级"
            )
    keywords = clean_keywords(errors, data.get("keywords"))
    department = None
    raw_department = data.get("department_id")
    try:
        department_id = uuid.UUID(str(raw_department))
    except ValueError:
        errors.add("departmentId", "NOT_FOUND", "实施部门不存在")
    else:
        department = await get_department(session, department_id)
        if department is None:
            errors.add("departmentId", "NOT_FOUND", "实施部门不存在")
    if existing is None and CODE_RE.match(code) and await get_matter(session, code) is not None:
        errors.add("code", "DUPLICATE_CODE", f"事项编码 {code} 已存在")
    errors.raise_if_any()
    pinyin, initials = search_keys(name, keywords)
    return CheckedMatter(
        code=code,
        department=department,  # type: ignore[arg-type]
        values={
            "name": name,
            "type": MatterType(matter_type),
            "basis": basis,
            "department_id": department.id,  # type: ignore[union-attr]
            "service_object": ServiceObject(service_object),
            "conditions": conditions,
            "process": process,
            "materials": materials,
            "legal_limit_days": legal,
            "promised_limit_days": promised,
            "handling_kind": HandlingKind(handling),
            "fee_yuan": Decimal(fee) if fee is not None else None,
            "fee_basis": fee_basis,
            "levels": levels,
            "online": bool(data.get("online", False)),
            "comprehensive_window": bool(data.get("comprehensive_window", True)),
            "keywords": keywords,
            "pinyin": pinyin,
            "initials": initials,
        },
    )


async def active_matter(session: AsyncSession, code: str, field: str = "matterCode") -> Matter:
    matter = await get_matter(session, code)
    if matter is None or matter.status is not MatterStatus.ACTIVE:
        raise refuse(field, "NOT_FOUND", f"事项 {code} 不存在")
    return matter


def apply_define(session: AsyncSession, checked: CheckedMatter) -> Matter:
    matter = Matter(
        id=uuid.uuid4(), code=checked.code, status=MatterStatus.ACTIVE, **checked.values
    )
    session.add(matter)
    return matter


def apply_update(matter: Matter, checked: CheckedMatter) -> Matter:
    for key, value in checked.values.items():
        setattr(matter, key, value)
    return matter
