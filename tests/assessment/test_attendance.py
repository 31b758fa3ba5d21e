"""The attendance machine's export imported as events 1.1–1.4: all rows or none, each row's
errors reported; a row the caller may not record for is refused like any other error."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from api.settings import Settings
from api.storage import XLSX, new_key, storage_for
from assessment.attendance import import_attendance
from assessment.models import AssessmentEvent, EventSource
from tests.assessment.world import pinned
from tests.support.factories import TEST_SECRET, make_county
from tests.support.graphql import error_code, gql
from tests.support.workforce import CIPHER, hire, id_number
from workforce.roster.importing import RosterRefused

COUNTY_NAME = "考勤导入县"
HEADINGS = ("公民身份号码", "姓名", "日期", "类别", "次数", "备注")


@pytest.fixture(scope="module")
async def world(db, tmp_root: Path):
    county = await make_county(db, COUNTY_NAME)
    numbers = {"a": id_number(), "b": id_number()}
    with pinned():
        a = await hire(
            county, "town_a", name="考勤甲", hire_date=date(2024, 1, 2), number=numbers["a"]
        )
        b = await hire(
            county, "town_b", name="考勤乙", hire_date=date(2024, 1, 2), number=numbers["b"]
        )
    files = storage_for(Settings(secret_key=TEST_SECRET, data_dir=tmp_root / "attendance"))
    return county, files, {"a": (a, numbers["a"]), "b": (b, numbers["b"])}


async def _upload(county, files, rows) -> str:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    key = new_key(county.tenant_id, "roster", XLSX)
    await files.put(key, buffer.getvalue(), XLSX)
    return key


async def _import(county, files, who, key):
    with pinned():
        async with county.db.transaction(county.tenant_id) as session:
            return await import_attendance(session, await county.actor(who), CIPHER, files, key)


async def test_all_rows_or_none(world):
    county, files, people = world
    number_a, number_b = people["a"][1], people["b"][1]
    bad = await _upload(
        county,
        files,
        [
            (number_a, "考勤甲", "2026-01-05", "迟到", 2, "打卡记录"),
            (number_a, "考勤甲", "2026-01-06", "睡觉", 1, None),
            (number_a, "别人", "2026-01-07", "事假", 1, None),
            (number_b, "考勤乙", "2026-01-07", "旷工", 1, None),
        ],
    )
    with pytest.raises(RosterRefused) as exc:
        await _import(county, files, "head_a", bad)
    report = exc.value.report
    assert [r.ok for r in report.rows] == [True, False, False, False]
    assert [e.code for r in report.rows for e in r.errors] == [
        "UNKNOWN_KIND",
        "UNKNOWN_STAFF",
        "NOT_MANAGED",  # 乙镇's person, for 甲镇's head
    ]
    async with county.db.session(county.tenant_id) as session:
        assert (await session.execute(select(AssessmentEvent))).first() is None

    good = await _upload(
        county,
        files,
        [
            (number_a, "考勤甲", "2026-01-05", "迟到", 2, "打卡记录"),
            (number_a, "考勤甲", date(2026, 1, 8), "事假", 1, None),
        ],
    )
    report = await _import(county, files, "head_a", good)
    assert report.ok and report.created == 2
    async with county.db.session(county.tenant_id) as session:
        events = (await session.execute(select(AssessmentEvent))).scalars().all()
    assert sorted((e.item_code, e.points) for e in events) == [("1.1", -10), ("1.4", -2)]
    assert {e.source_kind for e in events} == {EventSource.ATTENDANCE_IMPORT}


UPLOAD = 'mutation { requestUpload(input: {purpose: "roster"}) { upload { url fields key } } }'
IMPORT = """mutation($key: String!) { importAttendance(input: {uploadKey: $key}) {
  report { ok created rows { row name ok errors { field code } } }
  userErrors { field code message } } }"""


async def test_the_downloaded_template_filled_in_imports(db, client):
    county = await make_county(db, "考勤模板县")
    number = id_number()
    with pinned():
        person = await hire(
            county, "town_a", name="模板甲", hire_date=date(2024, 1, 2), number=number
        )
    url = (await gql(client, "{ attendanceTemplateUrl }", token=county.token("head_a")))["data"]
    response = await client.get(url["attendanceTemplateUrl"])
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(XLSX)
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["考勤", "填写说明"]
    sheet = book["考勤"]
    assert [c.value for c in sheet[1]] == list(HEADINGS) and sheet.max_row == 1
    # filled in as an office would: text and Excel dates, a count left empty
    sheet.append([number, "模板甲", "2026-02-03", "迟到", 2, "打卡记录"])
    sheet.append([number, "模板甲", datetime(2026, 2, 9), "事假", None, None])
    filled = io.BytesIO()
    book.save(filled)
    target = (await gql(client, UPLOAD, token=county.token("head_a")))["data"]["requestUpload"]
    sent = await client.post(
        target["upload"]["url"],
        data=target["upload"]["fields"],
        files={"file": ("考勤.xlsx", filled.getvalue(), "application/zip")},
    )
    assert sent.status_code == 200, sent.text
    with pinned():
        result = await gql(client, IMPORT, {"key": target["upload"]["key"]}, county.token("head_a"))
    payload = result["data"]["importAttendance"]
    assert payload["userErrors"] == [], payload
    # a window staff member records events nowhere: the import is refused before the file
    denied = await gql(client, IMPORT, {"key": target["upload"]["key"]}, county.token("staff_a1"))
    assert error_code(denied) == "FORBIDDEN"
    assert payload["report"]["ok"] and payload["report"]["created"] == 2
    async with county.db.session(county.tenant_id) as session:
        events = (
            await session.execute(
                select(AssessmentEvent).where(AssessmentEvent.staff_id == person.id)
            )
        ).scalars()
        found = sorted((e.item_code, e.occurred_on, e.points) for e in events)
    assert found == [("1.1", date(2026, 2, 3), -10), ("1.4", date(2026, 2, 9), -2)]
