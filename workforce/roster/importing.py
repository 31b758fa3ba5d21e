"""导入花名册: an ``.xlsx`` in the template's columns; every row is checked and either the whole
file is applied or nothing is, with a per-row report."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.storage import Storage, StorageError, key_belongs_to, read_checked
from authz.guard import Actor
from network.access import require
from network.models import Site, SiteLevel, SiteStatus
from tenants import audit, spreadsheets
from tenants.errors import Collector, UserError, UserErrors
from workforce.common import require_at_county, today
from workforce.models import Education, EmploymentType, Post
from workforce.personal import PersonalDataCipher
from workforce.roster.labels import EDUCATION_LABEL, EMPLOYMENT_LABEL, POST_LABEL
from workforce.staff import NewStaff, check_new_staff, create_staff, id_number_taken

MAX_ROWS = 2000
# Bounds of an uploaded roster, checked before it is parsed (tenants.spreadsheets).
SHEET_LIMITS = spreadsheets.SheetLimits(max_rows=MAX_ROWS, max_columns=50, max_elements=200_000)

# Import columns: heading → field name used in userErrors (``rows[7].idNumber``).
IMPORT_COLUMNS: dict[str, str] = {
    "姓名": "name",
    "公民身份号码": "idNumber",
    "手机号码": "phone",
    "学历": "education",
    "用工类型": "employmentType",
    "用工单位": "employer",
    "入职日期": "hireDate",
    "所在场所": "site",
    "岗位": "post",
}
HEADING_ALIASES = {"身份证号": "公民身份号码", "身份证号码": "公民身份号码", "手机号": "手机号码"}
TEMPLATE_EXAMPLE = (
    "张三",
    "320826199001011234",
    "13800000000",
    "本科",
    "劳务派遣",
    "某人力资源服务有限公司",
    "2026-01-05",
    "某县政务服务中心",
    "收件",
)


def template_bytes() -> bytes:
    """The import template (导入模板): headings, an example row and the allowed values.
    CPU work (openpyxl): called in a thread."""
    notes = [
        ("列", "可填写的值"),
        ("学历", "、".join(EDUCATION_LABEL.values())),
        ("用工类型", "、".join(EMPLOYMENT_LABEL.values())),
        ("岗位", "、".join(POST_LABEL.values())),
        ("入职日期", "YYYY-MM-DD"),
        ("所在场所", "场所规范名称,例如「涟水县高沟镇便民服务中心」"),
        ("说明", "第一行为表头,示例行请删除;任一行有误则整份文件不导入"),
    ]
    return spreadsheets.write_xlsx(
        spreadsheets.SheetOut(
            "花名册",
            [list(IMPORT_COLUMNS), list(TEMPLATE_EXAMPLE)],
            widths=(10, 22, 15, 12, 15, 28, 12, 36, 10),
        ),
        spreadsheets.SheetOut("填写说明", notes),
    )


@dataclass
class RowReport:
    row: int
    name: str | None
    errors: list[UserError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    rows: list[RowReport]
    created: int = 0
    file_errors: list[UserError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.file_errors and all(r.ok for r in self.rows)


class RosterRefused(UserErrors):
    """The file was refused: ``report`` says what is wrong row by row."""

    def __init__(self, report: ImportReport) -> None:
        errors = list(report.file_errors) + [e for r in report.rows for e in r.errors]
        super().__init__(errors)
        self.report = report


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        year, month, day = (int(p) for p in text.split("-"))
        return date(year, month, day)
    except ValueError:
        return None


def _choice(value: Any, labels: dict) -> Any:
    text = _text(value)
    for member, label in labels.items():
        if text in (label, member.value):
            return member
    if labels is EDUCATION_LABEL and text in ("高中", "中专", "初中"):
        return Education.HIGH_SCHOOL
    return None


def _site_index(sites: list[Site]) -> dict[str, list[Site]]:
    index: dict[str, list[Site]] = {}
    for site in sites:
        keys = {site.official_name, site.name}
        if site.level in (SiteLevel.TOWNSHIP_CENTER, SiteLevel.VILLAGE_STATION):
            keys.add(site.division_code)
        for key in keys:
            index.setdefault(key, []).append(site)
    return index


async def import_roster(
    session: AsyncSession,
    actor: Actor,
    cipher: PersonalDataCipher,
    storage: Storage,
    upload_key: str,
) -> ImportReport:
    """导入花名册: all rows or none. Raises ``RosterRefused`` (with the report) on any error."""
    await require_at_county(session, actor, "roster", "import")
    tenant_id = actor.require_tenant_user()
    if not key_belongs_to(upload_key, tenant_id, "roster"):
        raise RosterRefused(
            ImportReport([], file_errors=[UserError("uploadKey", "INVALID_UPLOAD", "上传文件无效")])
        )
    try:
        data, _ = await read_checked(storage, upload_key, "roster")
        sheet = await asyncio.to_thread(spreadsheets.read_sheet, data, SHEET_LIMITS)
    except StorageError as exc:
        raise RosterRefused(
            ImportReport([], file_errors=[UserError("uploadKey", exc.code, exc.message)])
        ) from None
    except spreadsheets.SheetRefused as exc:
        message = "无法读取该 Excel 文件" if exc.code == "INVALID_FILE" else exc.message
        raise RosterRefused(
            ImportReport([], file_errors=[UserError("uploadKey", exc.code, message)])
        ) from None
    report = ImportReport(rows=[])
    if sheet.heading is None:
        report.file_errors.append(UserError("uploadKey", "EMPTY_FILE", "文件中没有表头"))
        raise RosterRefused(report)
    headings = [HEADING_ALIASES.get(_text(h), _text(h)) for h in sheet.heading]
    missing = [h for h in IMPORT_COLUMNS if h not in headings]
    if missing:
        report.file_errors.append(
            UserError("uploadKey", "MISSING_COLUMN", f"缺少列:{'、'.join(missing)}")
        )
        raise RosterRefused(report)
    position = {h: headings.index(h) for h in IMPORT_COLUMNS}
    body = sheet.rows
    if not body:
        report.file_errors.append(UserError("uploadKey", "EMPTY_FILE", "文件中没有人员数据"))
        raise RosterRefused(report)

    sites = _site_index(list((await session.execute(select(Site))).scalars()))
    seen_numbers: dict[str, int] = {}
    planned: list[tuple[RowReport, NewStaff, Site, str, str | None]] = []
    for excel_row, values in body:

        def cell(heading: str, values=values) -> Any:
            index = position[heading]
            return values[index] if index < len(values) else None

        row = RowReport(row=excel_row, name=_text(cell("姓名")) or None)
        report.rows.append(row)
        errors = Collector()
        fields = {name: f"rows[{excel_row}].{name}" for name in IMPORT_COLUMNS.values()} | {
            "siteId": f"rows[{excel_row}].site"
        }
        education = _choice(cell("学历"), EDUCATION_LABEL)
        employment = _choice(cell("用工类型"), EMPLOYMENT_LABEL)
        post = _choice(cell("岗位"), POST_LABEL)
        hire_date = _date(cell("入职日期"))
        if education is None:
            errors.add(
                fields["education"],
                "INVALID_VALUE",
                "学历应为:" + "、".join(EDUCATION_LABEL.values()),
            )
        if employment is None:
            errors.add(
                fields["employmentType"],
                "INVALID_VALUE",
                "用工类型应为:" + "、".join(EMPLOYMENT_LABEL.values()),
            )
        if post is None:
            errors.add(
                fields["post"], "INVALID_VALUE", "岗位应为:" + "、".join(POST_LABEL.values())
            )
        if hire_date is None:
            errors.add(fields["hireDate"], "INVALID_DATE", "入职日期应为 YYYY-MM-DD")
        site_text = _text(cell("所在场所"))
        matches = sites.get(site_text, [])
        site = matches[0] if len(matches) == 1 else None
        if site is None:
            message = "所在场所不唯一,请填写规范名称" if matches else f"找不到场所「{site_text}」"
            errors.add(fields["site"], "SITE_NOT_FOUND", message)
        elif site.status is SiteStatus.CLOSED:
            errors.add(fields["site"], "SITE_CLOSED", f"「{site.name}」已撤销")
        data = NewStaff(
            name=_text(cell("姓名")),
            id_number=_text(cell("公民身份号码")),
            phone=_text(cell("手机号码")) or None,
            education=education or Education.HIGH_SCHOOL,
            employment_type=employment or EmploymentType.TEMPORARY,
            employer=_text(cell("用工单位")),
            hire_date=hire_date or today(),
            site_id=site.id if site else uuid.uuid4(),
            post=post or Post.INTAKE,
        )
        number, phone = check_new_staff(errors, cipher, data, fields)
        if number is not None:
            if number in seen_numbers:
                errors.add(
                    fields["idNumber"],
                    "DUPLICATE_IN_FILE",
                    f"与第 {seen_numbers[number]} 行的公民身份号码重复",
                )
            elif await id_number_taken(session, cipher, number):
                errors.add(
                    fields["idNumber"], "DUPLICATE_ID_NUMBER", "该公民身份号码已在本县人员名册中"
                )
            seen_numbers.setdefault(number, excel_row)
        if site is not None and not errors.errors:
            await require(session, actor, "staff", "hire", site.id, site.official_name)
        row.errors = [
            UserError(e.field, e.code, f"第 {excel_row} 行:{e.message}") for e in errors.errors
        ]
        if row.ok and site is not None and number is not None:
            planned.append((row, data, site, number, phone))
    if not report.ok:
        raise RosterRefused(report)

    for row, data, site, number, phone in planned:
        errors = Collector()
        fields = {name: f"rows[{row.row}].{name}" for name in IMPORT_COLUMNS.values()} | {
            "siteId": f"rows[{row.row}].site"
        }
        await create_staff(session, actor.label, cipher, errors, data, site, number, phone, fields)
        row.errors = [
            UserError(e.field, e.code, f"第 {row.row} 行:{e.message}") for e in errors.errors
        ]
    if not report.ok:
        raise RosterRefused(report)
    report.created = len(planned)
    audit.record(
        session,
        actor.label,
        "roster.import",
        "Roster",
        None,
        {"rows": report.created, "key": upload_key},
    )
    return report
