"""importAttendance runs as a job (off the serving loop): a caller that does not wait polls the
job for its report; a file with a bad row ends the job REFUSED and records nothing."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from sqlalchemy import func, select

from assessment.models import AssessmentEvent
from tests.assessment.test_attendance import HEADINGS, UPLOAD
from tests.assessment.world import pinned
from tests.support.factories import make_county
from tests.support.graphql import gql
from tests.support.workforce import hire, id_number
from workers.queue import drain_inline_jobs

IMPORT = """mutation($key: String!) { importAttendance(input: {uploadKey: $key}) {
  report { ok } userErrors { code } job { id kind status } } }"""
JOB = """query($id: ID!) { node(id: $id) { ... on Job { status
  importReport { ok imported rows { row label ok errors { field code } } } } } }"""


async def _import(client, county, rows) -> dict:
    book = Workbook()
    book.active.append(HEADINGS)
    for row in rows:
        book.active.append(row)
    data = io.BytesIO()
    book.save(data)
    target = (await gql(client, UPLOAD, token=county.token("head_a")))["data"]["requestUpload"]
    sent = await client.post(
        target["upload"]["url"],
        data=target["upload"]["fields"],
        files={"file": ("考勤.xlsx", data.getvalue(), "application/zip")},
    )
    assert sent.status_code == 200, sent.text
    with pinned():
        answer = await gql(client, IMPORT, {"key": target["upload"]["key"]}, county.token("head_a"))
        job = answer["data"]["importAttendance"]["job"]
        assert job["kind"] == "import_attendance"
        await drain_inline_jobs()
    return (await gql(client, JOB, {"id": job["id"]}, county.token("head_a")))["data"]["node"]


async def _events(county) -> int:
    async with county.db.session(county.tenant_id) as session:
        return (await session.execute(select(func.count()).select_from(AssessmentEvent))).scalar()


async def test_the_attendance_import_reports_through_its_job(db, unwaiting_client):
    county = await make_county(db, "考勤任务县")
    number = id_number()
    with pinned():
        await hire(county, "town_a", name="任务甲", hire_date=date(2024, 1, 2), number=number)
    good = [(number, "任务甲", "2026-02-03", "迟到", 2, None)]
    job = await _import(unwaiting_client, county, good)
    assert job["status"] == "SUCCEEDED"
    assert job["importReport"]["imported"] == 1
    assert [r["label"] for r in job["importReport"]["rows"]] == ["任务甲"]
    assert await _events(county) == 1

    bad = [*good, (number, "任务甲", "2026-02-04", "睡觉", 1, None)]
    refused = await _import(unwaiting_client, county, bad)
    assert refused["status"] == "REFUSED"
    assert [r["ok"] for r in refused["importReport"]["rows"]] == [True, False]
    assert await _events(county) == 1  # nothing of the refused file
