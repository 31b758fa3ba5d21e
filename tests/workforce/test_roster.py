"""Roster import (all or nothing, per-row report) and export as a background job (inline and
arq on a real Redis with a worker in burst mode)."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from api.settings import Settings
from tests.support.factories import make_county
from tests.support.graphql import gql
from tests.support.services import REDIS_URL, flush_redis_db, redis_available, require_or_skip
from tests.support.workforce import bad_checksum, hire, id_number
from tests.support.xlsx import workbook
from workers.models import BackgroundJob, JobStatus
from workforce.models import Staff

HEADINGS = [
    "姓名",
    "公民身份号码",
    "手机号码",
    "学历",
    "用工类型",
    "用工单位",
    "入职日期",
    "所在场所",
    "岗位",
]

UPLOAD = 'mutation { requestUpload(input: {purpose: "roster"}) { upload { url fields key } } }'
IMPORT = """mutation($key: String!) { importRoster(input: {uploadKey: $key}) {
  report { ok created rows { row name ok errors { field code message } } }
  userErrors { field code message } } }"""
EXPORT = """mutation($site: ID, $req: String) {
  exportRoster(input: {siteId: $site, requestId: $req}) {
  job { id status resultUrl resultFilename error } userErrors { field code } } }"""
JOB = "query($id: ID!) { node(id: $id) { ... on Job { id status resultUrl } } }"


async def upload(client, token: str, data: bytes) -> str:
    target = (await gql(client, UPLOAD, token=token))["data"]["requestUpload"]["upload"]
    response = await client.post(
        target["url"], data=target["fields"], files={"file": ("名册.xlsx", data, "application/zip")}
    )
    assert response.status_code == 200, response.text
    return target["key"]


async def staff_count(county) -> int:
    async with county.db.session(county.tenant_id) as session:
        return (await session.execute(select(func.count()).select_from(Staff))).scalar_one()


async def test_template_has_the_chinese_headings(client):
    response = await client.get("/workforce/roster-template.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == HEADINGS


async def test_import_applies_the_whole_file(db, client):
    county = await make_county(db, "导入县")
    town = county.sites["town_a"].official_name
    key = await upload(
        client,
        county.token("admin"),
        workbook(
            HEADINGS,
            [
                [
                    "李四",
                    id_number(),
                    "13900001111",
                    "本科",
                    "劳务派遣",
                    "某公司",
                    "2025-02-03",
                    town,
                    "收件",
                ],
                [
                    "王五",
                    id_number(female=True),
                    None,
                    "大专",
                    "在编",
                    "县政务办",
                    "2024/7/1",
                    "甲镇",
                    "导办",
                ],
            ],
        ),
    )
    result = await gql(client, IMPORT, {"key": key}, county.token("admin"))
    payload = result["data"]["importRoster"]
    assert payload["userErrors"] == [], payload
    assert payload["report"]["ok"] and payload["report"]["created"] == 2
    assert await staff_count(county) == 2


async def test_one_bad_row_imports_nothing_and_reports_each_row(db, client):
    county = await make_county(db, "拒收县")
    existing = id_number()
    await hire(county, "town_a", number=existing)
    twice = id_number()
    key = await upload(
        client,
        county.token("admin"),
        workbook(
            HEADINGS,
            [
                [
                    "好人",
                    id_number(),
                    "13900001111",
                    "本科",
                    "劳务派遣",
                    "某公司",
                    "2025-02-03",
                    "甲镇",
                    "收件",
                ],
                [
                    "错号",
                    bad_checksum(id_number()),
                    "139",
                    "博士",
                    "外包",
                    "",
                    "明天",
                    "不存在镇",
                    "扫地",
                ],
                ["重一", twice, None, "本科", "临聘", "某公司", "2025-02-03", "乙镇", "出件"],
                ["重二", twice, None, "本科", "临聘", "某公司", "2025-02-03", "乙镇", "出件"],
                ["已有", existing, None, "本科", "临聘", "某公司", "2025-02-03", "乙镇", "出件"],
            ],
        ),
    )
    payload = (await gql(client, IMPORT, {"key": key}, county.token("admin")))["data"][
        "importRoster"
    ]
    report = payload["report"]
    assert report["ok"] is False and report["created"] == 0
    by_row = {r["row"]: r for r in report["rows"]}
    assert by_row[2]["ok"] is True
    assert {e["field"] for e in by_row[3]["errors"]} == {
        "rows[3].idNumber",
        "rows[3].phone",
        "rows[3].education",
        "rows[3].employmentType",
        "rows[3].employer",
        "rows[3].hireDate",
        "rows[3].site",
        "rows[3].post",
    }
    assert all(e["message"].startswith("第 3 行") for e in by_row[3]["errors"])
    assert by_row[4]["ok"] is True
    assert [e["code"] for e in by_row[5]["errors"]] == ["DUPLICATE_IN_FILE"]
    assert [e["code"] for e in by_row[6]["errors"]] == ["DUPLICATE_ID_NUMBER"]
    assert {e["field"] for e in payload["userErrors"]} >= {"rows[3].idNumber", "rows[5].idNumber"}
    assert await staff_count(county) == 1  # only the one hired before


async def test_import_refuses_files_that_are_not_rosters(db, client):
    county = await make_county(db, "坏文件县")
    book = Workbook()
    book.active.append(["名字", "电话"])
    buffer = io.BytesIO()
    book.save(buffer)
    key = await upload(client, county.token("admin"), buffer.getvalue())
    payload = (await gql(client, IMPORT, {"key": key}, county.token("admin")))["data"][
        "importRoster"
    ]
    assert payload["userErrors"][0]["code"] == "MISSING_COLUMN"
    other = await make_county(db, "他县")
    foreign = (await gql(client, IMPORT, {"key": key}, other.token("admin")))["data"][
        "importRoster"
    ]
    assert foreign["userErrors"][0]["code"] == "INVALID_UPLOAD"
    denied = await gql(client, IMPORT, {"key": key}, county.token("head_a"))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_export_runs_inline_and_is_idempotent(db, client):
    county = await make_county(db, "导出县")
    await hire(county, "town_a", name="甲一")
    await hire(county, "village_a1", name="村一")
    await hire(county, "town_b", name="乙一")
    token = county.token("head_a")
    first = await gql(client, EXPORT, {"site": county.site_gid("town_a"), "req": "r-1"}, token)
    job = first["data"]["exportRoster"]["job"]
    assert job["status"] == "SUCCEEDED", first
    again = await gql(client, EXPORT, {"site": county.site_gid("town_a"), "req": "r-1"}, token)
    assert again["data"]["exportRoster"]["job"]["id"] == job["id"]
    download = await client.get(job["resultUrl"])
    assert download.status_code == 200
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert rows[1][:2] == ("序号", "姓名")
    names = {r[1] for r in rows[2:]}
    assert names == {"甲一", "村一"}  # the township and its villages, not 乙镇
    assert all("*" in r[4] for r in rows[2:])  # ID numbers masked
    assert all("****" in r[5] for r in rows[2:])  # phones masked for a township head
    polled = await gql(client, JOB, {"id": job["id"]}, token)
    assert polled["data"]["node"]["status"] == "SUCCEEDED"
    # Another township's head may not export 甲镇, nor read the job.
    denied = await gql(client, EXPORT, {"site": county.site_gid("town_a")}, county.token("dept"))
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.fixture
def redis_url():
    require_or_skip(redis_available(REDIS_URL), "Redis")
    flush_redis_db(REDIS_URL)
    yield REDIS_URL
    flush_redis_db(REDIS_URL)


async def test_export_on_arq_with_a_burst_worker(db, settings, redis_url):
    from api.worker import create_worker
    from workers.jobs import submit
    from workers.queue import ArqQueue, queue_for

    county = await make_county(db, "队列县")
    await hire(county, "root", name="县一")
    arq_settings = replace(settings, redis_url=redis_url)
    queue = queue_for(arq_settings, db)
    assert isinstance(queue, ArqQueue)
    actor = await county.actor("admin")
    params = {"site_id": str(county.sites["root"].id), "on": "2026-01-01", "unmask_phone": True}
    job = await submit(db, queue, actor, kind="export_roster", request_id="q-1", params=params)
    assert job.status is JobStatus.QUEUED
    same = await submit(db, queue, actor, kind="export_roster", request_id="q-1", params=params)
    assert same.id == job.id

    worker = create_worker(arq_settings, burst=True, db=db)
    try:
        await worker.main()
    finally:
        await worker.close()
    assert worker.jobs_complete == 1  # one job for two identical requests

    async with db.session(county.tenant_id) as session:
        done = await session.get(BackgroundJob, job.id)
    assert done.status is JobStatus.SUCCEEDED, done.error
    assert done.result_key.startswith(f"{county.tenant_id}/export/")


def test_worker_refuses_to_start_without_redis():
    from api.worker import run_worker

    with pytest.raises(SystemExit):
        run_worker(Settings(redis_url=None), burst=True)


def test_worker_settings_for_arq_cli():
    from api.worker import WorkerSettings

    assert "export_roster" in [f.__name__ for f in WorkerSettings.functions]
    assert WorkerSettings.redis_settings.host


async def test_inline_queue_runs_a_job_id_once(db, settings):
    from workers.queue import InlineQueue

    queue = InlineQueue(settings, db)
    calls = []

    async def fake(ctx, **kwargs):
        calls.append(kwargs)

    from workers import registry as jobs

    original = jobs.FUNCTIONS.get("fake")
    jobs.FUNCTIONS["fake"] = fake
    try:
        await queue.enqueue("fake", "t:1", x=1)
        await queue.enqueue("fake", "t:1", x=1)
    finally:
        jobs.FUNCTIONS.pop("fake")
        if original is not None:
            jobs.FUNCTIONS["fake"] = original
    assert calls == [{"x": 1}]
