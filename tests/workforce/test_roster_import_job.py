"""importRoster runs as a job (off the serving loop): a caller that does not wait polls the job
for its row-by-row report; a refused file ends the job REFUSED and changes nothing."""

from __future__ import annotations

from tests.support.factories import make_county
from tests.support.graphql import gql
from tests.support.workforce import id_number
from tests.support.xlsx import workbook
from tests.workforce.test_roster import HEADINGS, staff_count, upload
from workers.queue import drain_inline_jobs

IMPORT = """mutation($key: String!) { importRoster(input: {uploadKey: $key}) {
  report { ok created } userErrors { code } job { id kind status } } }"""
JOB = """query($id: ID!) { node(id: $id) { ... on Job { status
  importReport { ok imported rows { row label ok errors { field code } } userErrors { code } }
} } }"""


def _row(name: str, number: str, site: str) -> list:
    return [name, number, None, "本科", "劳务派遣", "某公司", "2025-02-03", site, "收件"]


async def _import_and_poll(client, county, rows: list[list]) -> dict:
    key = await upload(client, county.token("admin"), workbook(HEADINGS, rows))
    answer = (await gql(client, IMPORT, {"key": key}, county.token("admin")))["data"]
    job = answer["importRoster"]["job"]
    assert job["kind"] == "import_roster" and answer["importRoster"]["userErrors"] == []
    await drain_inline_jobs()
    return (await gql(client, JOB, {"id": job["id"]}, county.token("admin")))["data"]["node"]


async def test_the_roster_import_reports_through_its_job(db, unwaiting_client):
    county = await make_county(db, "任务名册县")
    town = county.sites["town_a"].official_name
    job = await _import_and_poll(
        unwaiting_client, county, [_row("李四", id_number(), town), _row("王五", id_number(), town)]
    )
    assert job["status"] == "SUCCEEDED"
    assert job["importReport"]["imported"] == 2
    assert [r["label"] for r in job["importReport"]["rows"]] == ["李四", "王五"]
    assert await staff_count(county) == 2


async def test_a_bad_row_ends_the_job_refused_and_imports_nobody(db, unwaiting_client):
    county = await make_county(db, "拒收任务县")
    town = county.sites["town_a"].official_name
    job = await _import_and_poll(
        unwaiting_client, county, [_row("李四", id_number(), town), _row("王五", "123", town)]
    )
    assert job["status"] == "REFUSED"
    report = job["importReport"]
    assert not report["ok"] and report["imported"] == 0
    assert [r["ok"] for r in report["rows"]] == [True, False]
    assert await staff_count(county) == 0


async def test_no_job_without_the_right_to_import(db, client):
    county = await make_county(db, "无权名册县")
    key = await upload(client, county.token("admin"), workbook(HEADINGS, []))
    denied = await gql(client, IMPORT, {"key": key}, county.token("head_a"))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
