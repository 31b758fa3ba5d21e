"""importCatalog runs as a job: off the serving event loop on the embedded default (the inline
queue's threads), on the arq worker in production; its report is the job's, and the user it acts
for is re-read when it runs."""

from __future__ import annotations

import base64
import threading
from dataclasses import replace

import pytest
from sqlalchemy import func, select, update

from accounts.models import User, UserStatus
from api.storage import XLSX, new_key, storage_for
from catalog import importer
from catalog.jobs import UPLOAD_PURPOSE
from catalog.models import Matter
from tests.catalog.test_import import GOOD
from tests.support.catalog import import_file
from tests.support.factories import make_county
from tests.support.graphql import gql
from tests.support.services import REDIS_URL, flush_redis_db, redis_available, require_or_skip
from workers.models import BackgroundJob, JobStatus
from workers.queue import drain_inline_jobs

IMPORT = """mutation($input: ImportCatalogInput!) { importCatalog(input: $input) {
  imported rows { row code ok } userErrors { field code }
  job { id kind status } } }"""
JOB = """query($id: ID!) { node(id: $id) { ... on Job { status
  importReport { ok imported rows { row label ok errors { field code } } userErrors { code } }
} } }"""


async def _matters(db, county) -> int:
    async with db.session(county.tenant_id) as session:
        return (await session.execute(select(func.count()).select_from(Matter))).scalar_one()


async def test_the_import_runs_in_a_job_thread_and_reports_through_the_job(
    db, unwaiting_client, monkeypatch
):
    county = await make_county(db, "任务导入县")
    threads: list[str] = []
    original = importer.import_catalog

    async def observed(session, actor, content):
        threads.append(threading.current_thread().name)
        return await original(session, actor, content)

    monkeypatch.setattr(importer, "import_catalog", observed)
    answer = await gql(
        unwaiting_client,
        IMPORT,
        {"input": {"fileBase64": import_file(GOOD)}},
        county.token("admin"),
    )
    payload = answer["data"]["importCatalog"]
    assert payload["userErrors"] == [] and payload["job"]["kind"] == "import_catalog"
    await drain_inline_jobs()
    assert threads and all(name.startswith("onewindow-job") for name in threads)
    assert threading.current_thread().name not in threads
    polled = await gql(unwaiting_client, JOB, {"id": payload["job"]["id"]}, county.token("admin"))
    job = polled["data"]["node"]
    assert job["status"] == "SUCCEEDED"
    assert job["importReport"]["ok"] and job["importReport"]["imported"] == 2
    assert [(r["row"], r["label"]) for r in job["importReport"]["rows"]] == [
        (2, "MZ-101"),
        (3, "RS-101"),
    ]
    # The job's report is its requester's: another user of the county may not read it.
    other = await gql(unwaiting_client, JOB, {"id": payload["job"]["id"]}, county.token("head_a"))
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_refused_file_ends_the_job_refused_with_the_rows_and_changes_nothing(
    db, unwaiting_client
):
    county = await make_county(db, "拒绝导入县")
    bad = [GOOD[0], [*GOOD[1][:2], "不存在的类型", *GOOD[1][3:]]]
    variables = {"input": {"fileBase64": import_file(bad)}}
    answer = await gql(unwaiting_client, IMPORT, variables, county.token("admin"))
    job_id = answer["data"]["importCatalog"]["job"]["id"]
    await drain_inline_jobs()
    job = (await gql(unwaiting_client, JOB, {"id": job_id}, county.token("admin")))["data"]["node"]
    assert job["status"] == "REFUSED"
    report = job["importReport"]
    assert not report["ok"] and report["imported"] == 0
    assert [r["ok"] for r in report["rows"]] == [True, False]
    assert [e["field"] for e in report["rows"][1]["errors"]] == ["type"]
    assert report["userErrors"][0]["code"] == "IMPORT_REJECTED"
    assert await _matters(db, county) == 0


async def test_the_request_waits_for_a_quick_import_and_answers_with_its_report(db, client):
    county = await make_county(db, "等待导入县")
    answer = await gql(
        client, IMPORT, {"input": {"fileBase64": import_file(GOOD)}}, county.token("admin")
    )
    payload = answer["data"]["importCatalog"]
    assert payload["job"]["status"] == "SUCCEEDED" and payload["imported"] == 2
    assert [r["code"] for r in payload["rows"]] == ["MZ-101", "RS-101"]


async def test_no_job_without_the_right_to_import(db, client):
    county = await make_county(db, "无权导入县")
    answer = await gql(
        client, IMPORT, {"input": {"fileBase64": import_file(GOOD)}}, county.token("head_a")
    )
    assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    async with db.session(county.tenant_id) as session:
        jobs = (await session.execute(select(func.count()).select_from(BackgroundJob))).scalar()
    assert jobs == 0


@pytest.fixture
def redis_url():
    require_or_skip(redis_available(REDIS_URL), "Redis")
    flush_redis_db(REDIS_URL)
    yield REDIS_URL
    flush_redis_db(REDIS_URL)


async def test_on_arq_the_job_acts_for_its_requester_as_they_are_when_it_runs(
    db, settings, redis_url
):
    from api.worker import create_worker
    from workers.jobs import submit
    from workers.queue import queue_for

    county = await make_county(db, "队列导入县")
    arq_settings = replace(settings, redis_url=redis_url)
    files = storage_for(arq_settings)
    keys = []
    for _ in range(2):
        key = new_key(county.tenant_id, UPLOAD_PURPOSE, XLSX)
        await files.put(key, base64.b64decode(import_file(GOOD)), XLSX)
        keys.append(key)
    actor = await county.actor("admin")
    queue = queue_for(arq_settings, db)
    first = await submit(
        db, queue, actor, kind="import_catalog", request_id="a", params={"upload_key": keys[0]}
    )
    assert first.status is JobStatus.QUEUED
    worker = create_worker(arq_settings, burst=True, db=db)
    try:
        await worker.main()
    finally:
        await worker.close()
    async with db.session(county.tenant_id) as session:
        done = await session.get(BackgroundJob, first.id)
    assert done.status is JobStatus.SUCCEEDED, done.error
    assert done.result["imported"] == 2 and await _matters(db, county) == 2
    assert await files.get(keys[0]) is None  # the upload is gone once imported

    # The administrator is disabled after asking: the queued import is refused, not applied.
    second = await submit(
        db, queue, actor, kind="import_catalog", request_id="b", params={"upload_key": keys[1]}
    )
    async with db.transaction(county.tenant_id) as session:
        await session.execute(
            update(User).where(User.username == "admin").values(status=UserStatus.DISABLED)
        )
    worker = create_worker(arq_settings, burst=True, db=db)
    try:
        await worker.main()
    finally:
        await worker.close()
    async with db.session(county.tenant_id) as session:
        refused = await session.get(BackgroundJob, second.id)
    assert refused.status is JobStatus.REFUSED
    assert refused.result["errors"][0]["code"] == "UNAUTHENTICATED"
