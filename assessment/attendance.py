"""导入考勤: the attendance machine's export, in the template's Chinese columns, becomes events of
items 1.1–1.4 — all rows or none, with a report row by row (as the roster import does). Each
row names the person by resident ID number (and name, which must match), the day, the kind
(迟到、早退、离岗、串岗 → 1.1; 未录入考勤 → 1.2; 旷工 → 1.3; 事假、请销假未备案 → 1.4) and the count
(days for 事假). Each event is recorded as ``recordAssessmentEvent`` would record it, by whoever
may record for that person; a row the caller may not record is refused like any other error,
and a caller who records events nowhere is refused the import (FORBIDDEN) before the file is
read."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from api.storage import Storage, StorageError, key_belongs_to, read_checked
from assessment.models import EventSource
from assessment.recording import RECORD, NewEvent, record_event
from authz.errors import Forbidden
from authz.guard import Actor, require_somewhere
from tenants import audit, spreadsheets
from tenants.errors import UserError, UserErrors
from workforce.models import Staff
from workforce.personal import PersonalDataCipher
from workforce.roster.importing import ImportReport, RosterRefused, RowReport

MAX_ROWS = 5000
SHEET_LIMITS = spreadsheets.SheetLimits(max_rows=MAX_ROWS, max_columns=20, max_elements=200_000)
COLUMNS = {
    "公民身份号码": "idNumber",
    "姓名": "name",
    "日期": "date",
    "类别": "kind",
    "次数": "count",
    "备注": "note",
}
REQUIRED = ("公民身份号码", "姓名", "日期", "类别")
KINDS = {
    "迟到": "1.1",
    "早退": "1.1",
    "离岗": "1.1",
    "串岗": "1.1",
    "未录入考勤": "1.2",
    "旷工": "1.3",
    "事假": "1.4",
    "请销假未备案": "1.4",
}


TEMPLATE_PATH = "/assessment/attendance-template.xlsx"
EXAMPLE = ("320826199001011234", "张三", "2026-01-05", "迟到", 1, "上班打卡 08:42")


def template_bytes() -> bytes:
    """The attendance template (考勤导入模板): the data sheet has only the headings (rows are
    added below them and imported as they are); the example and the allowed values are on the
    instructions sheet. CPU work: called in a thread."""
    return spreadsheets.write_xlsx(
        spreadsheets.SheetOut("考勤", [list(COLUMNS)], widths=(22, 10, 12, 12, 8, 30)),
        spreadsheets.SheetOut(
            "填写说明",
            [
                ("列", "可填写的值"),
                ("公民身份号码", "18 位身份证号,与姓名须与花名册一致"),
                ("日期", "YYYY-MM-DD,或 Excel 日期"),
                ("类别", "、".join(KINDS)),
                ("次数", "1–31(事假为天数),不填为 1"),
                ("备注", "可不填"),
                (),
                ("示例", "、".join(str(v) for v in EXAMPLE)),
            ],
            widths=(14, 60),
        ),
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> date | None:
    if hasattr(value, "date") and callable(value.date):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        year, month, day = (int(p) for p in _text(value).replace("/", "-").split("-"))
        return date(year, month, day)
    except ValueError:
        return None


def _file_error(code: str, message: str) -> RosterRefused:
    return RosterRefused(ImportReport([], file_errors=[UserError("uploadKey", code, message)]))


async def may_import(session: AsyncSession, actor: Actor) -> None:
    """Only someone who records events somewhere imports them (each row is then checked for
    its person, as recordAssessmentEvent checks it): FORBIDDEN otherwise."""
    await require_somewhere(session, actor, *RECORD)


async def import_attendance(
    session: AsyncSession,
    actor: Actor,
    cipher: PersonalDataCipher,
    storage: Storage,
    upload_key: str,
) -> ImportReport:
    """All rows or none; raises ``RosterRefused`` (with the report) on any error. Runs as a
    job (``assessment.jobs.import_attendance``)."""
    tenant_id = actor.require_tenant_user()
    await may_import(session, actor)
    if not key_belongs_to(upload_key, tenant_id, "roster"):
        raise _file_error("INVALID_UPLOAD", "上传文件无效")
    try:
        data, _ = await read_checked(storage, upload_key, "roster")
        sheet = await asyncio.to_thread(spreadsheets.read_sheet, data, SHEET_LIMITS)
    except StorageError as exc:
        raise _file_error(exc.code, exc.message) from None
    except spreadsheets.SheetRefused as exc:
        raise _file_error(exc.code, exc.message) from None
    if sheet.heading is None or not sheet.rows:
        raise _file_error("EMPTY_FILE", "文件中没有考勤数据")
    headings = [_text(h) for h in sheet.heading]
    missing = [h for h in REQUIRED if h not in headings]
    if missing:
        raise _file_error("MISSING_COLUMN", f"缺少列:{'、'.join(missing)}")
    position = {h: headings.index(h) for h in COLUMNS if h in headings}

    def cell(values: tuple, heading: str) -> Any:
        index = position.get(heading)
        return values[index] if index is not None and index < len(values) else None

    hashes = {cipher.lookup_hash(_text(cell(v, "公民身份号码")).upper()) for _, v in sheet.rows}
    people = {
        s.id_number_hash: s
        for s in (
            await session.execute(select(Staff).where(Staff.id_number_hash.in_(hashes)))
        ).scalars()
    }
    report = ImportReport(rows=[])
    for excel_row, values in sheet.rows:
        name = _text(cell(values, "姓名"))
        row = RowReport(excel_row, name or None)
        report.rows.append(row)
        field = f"rows[{excel_row}]"
        person = people.get(cipher.lookup_hash(_text(cell(values, "公民身份号码")).upper()))
        on = _date(cell(values, "日期"))
        code = KINDS.get(_text(cell(values, "类别")))
        count_text = _text(cell(values, "次数")) or "1"
        if person is None or person.name != name:
            row.errors.append(
                UserError(f"{field}.idNumber", "UNKNOWN_STAFF", "查无此人(身份证号与姓名不符)")
            )
        if on is None:
            row.errors.append(UserError(f"{field}.date", "INVALID_DATE", "日期格式应为 YYYY-MM-DD"))
        if code is None:
            row.errors.append(
                UserError(f"{field}.kind", "UNKNOWN_KIND", f"类别应为:{'、'.join(KINDS)}")
            )
        if not count_text.isdigit():
            row.errors.append(UserError(f"{field}.count", "INVALID_COUNT", "次数应为整数"))
        if row.errors:
            continue
        assert person is not None and on is not None and code is not None
        note = _text(cell(values, "备注")) or None
        event = NewEvent(
            person.id, code, on, int(count_text), note=note, source=EventSource.ATTENDANCE_IMPORT
        )
        try:
            # Every check of record_event comes before it adds anything: a refused row leaves
            # nothing behind (and no savepoint is needed, which SQLite's driver mishandles).
            await record_event(session, actor, event)
        except Forbidden:
            row.errors.append(UserError(f"{field}.idNumber", "NOT_MANAGED", "无权记录此人的考勤"))
        except UserErrors as refused:
            row.errors += [
                UserError(f"{field}.{e.field}", e.code, e.message) for e in refused.errors
            ]
    if not report.ok:
        raise RosterRefused(report)
    report.created = len(report.rows)
    audit.record(
        session,
        actor.label,
        "assessment.attendance.import",
        "Upload",
        None,
        {"upload_key": upload_key, "rows": report.created},
    )
    return report
