"""The embedded default's inline jobs run in processes of their own (spawned, niced): their
garbage collections and interpreter lock never pause the serving process. An import sent
through GraphQL is applied by a job process, answered with its report, and nothing of it runs
in the serving process."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from catalog import importer
from tests.catalog.test_import import GOOD
from tests.support.catalog import import_file
from tests.support.factories import make_county
from tests.support.fixtures import serving
from tests.support.graphql import gql
from workers.queue import drain_inline_jobs, inline_job_processes, warm_inline_jobs

IMPORT = """mutation($input: ImportCatalogInput!) { importCatalog(input: $input) {
  imported userErrors { code } job { id status } } }"""
ME = "{ me { username } }"


@pytest.fixture
async def process_client(settings, db):
    async with serving(replace(settings, inline_jobs_in_process=True), db) as client:
        yield client


async def test_an_import_is_applied_by_a_job_process(db, process_client, monkeypatch):
    county = await make_county(db, "进程导入县")
    in_this_process: list[int] = []
    original = importer.import_catalog

    async def observed(session, actor, content):
        in_this_process.append(os.getpid())
        return await original(session, actor, content)

    monkeypatch.setattr(importer, "import_catalog", observed)
    variables = {"input": {"fileBase64": import_file(GOOD)}}
    answer = await gql(process_client, IMPORT, variables, county.token("admin"))
    payload = answer["data"]["importCatalog"]
    await drain_inline_jobs()
    assert payload["userErrors"] == [] and payload["job"]["status"] == "SUCCEEDED", payload
    assert payload["imported"] == 2
    assert in_this_process == []  # the serving process never ran the import
    # ...and the process that did ran the real importer against the same database.
    again = await gql(process_client, IMPORT, variables, county.token("admin"))
    await drain_inline_jobs()
    assert again["data"]["importCatalog"]["imported"] == 2  # the same rows: unchanged, accepted
    assert (await gql(process_client, ME, token=county.token("admin")))["data"]["me"]


async def test_the_job_processes_end_with_the_app(settings):
    """A server stopped by SIGTERM runs its shutdown; the job processes end with it instead of
    waiting on their queue for ever (the benches found them orphaned)."""
    from litestar.testing import AsyncTestClient

    from api.app import create_app

    app = create_app(replace(settings, inline_jobs_in_process=True))
    async with AsyncTestClient(app=app) as http:
        assert (await http.get("/health")).status_code == 200
        await warm_inline_jobs(app.state.settings)
        started = inline_job_processes()
        assert started  # the warmed pool has its processes
        assert all(_alive(pid) for pid in started)
    assert inline_job_processes() == set()
    assert not any(_alive(pid) for pid in started)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child that ended but was not reaped yet is a zombie: gone as far as work goes.
    with open(f"/proc/{pid}/stat") as stat:
        return stat.read().split(") ", 1)[1][0] != "Z"
