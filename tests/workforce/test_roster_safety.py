"""The roster's files are safe: an export job and its file belong to who asked for it (and the
county's administrators) and are audited; what the service writes never runs as a formula; an
upload is bounded before it is parsed, and parsing and writing stay off the event loop."""

from __future__ import annotations

import base64
import io
import threading

from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from authz.roles import Role
from tenants.models import AuditEvent
from tests.support.factories import make_county
from tests.support.graphql import error_code, gql
from tests.support.workforce import hire, id_number
from tests.support.xlsx import (
    NOT_A_ZIP,
    inflated,
    with_empty_rows,
    with_far_row,
    with_sheet_xml,
    with_wide_row,
    workbook,
)
from workforce.roster import roster_workbook

HEADINGS = ["姓名", "公民身份号码", "手机号码", "学历", "用工类型", "用工单位", "入职日期"]
HEADINGS += ["所在场所", "岗位"]
UPLOAD = 'mutation { requestUpload(input: {purpose: "roster"}) { upload { url fields key } } }'
IMPORT = """mutation($key: String!) { importRoster(input: {uploadKey: $key}) {
  report { ok created } userErrors { field code message } } }"""
EXPORT = """mutation($site: ID, $req: String) {
  exportRoster(input: {siteId: $site, requestId: $req}) {
  job { id status resultUrl } userErrors { field code } } }"""
JOB = "query($id: ID!) { node(id: $id) { ... on Job { id status resultUrl } } }"


async def _upload(client, token: str, data: bytes) -> str:
    target = (await gql(client, UPLOAD, token=token))["data"]["requestUpload"]["upload"]
    response = await client.post(
        target["url"], data=target["fields"], files={"file": ("名册.xlsx", data, "application/zip")}
    )
    assert response.status_code == 200, response.text
    return target["key"]


async def _import(client, county, data: bytes) -> dict:
    token = county.token("admin")
    result = await gql(client, IMPORT, {"key": await _upload(client, token, data)}, token)
    assert "errors" not in result, result  # a refusal is a userError, never a masked error
    return result["data"]["importRoster"]


async def _export(client, county, username: str, site: str = "root", req: str | None = None):
    result = await gql(
        client, EXPORT, {"site": county.site_gid(site), "req": req}, county.token(username)
    )
    assert "errors" not in result, result
    job = result["data"]["exportRoster"]["job"]
    assert job["status"] == "SUCCEEDED", result
    return job


def _uuid_of(global_id: str) -> str:
    return base64.b64decode(global_id).decode().split(":", 1)[1]


def _good_row(county) -> list:
    site = county.sites["town_a"].official_name
    return [
        "李四",
        id_number(),
        "13900001111",
        "本科",
        "劳务派遣",
        "某公司",
        "2025-02-03",
        site,
        "收件",
    ]


# --- jobs: who reads them ----------------------------------------------------------------


async def test_a_job_is_read_by_its_requester_and_the_county_admins_only(db, client):
    county = await make_county(db, "任务县")
    await hire(county, "town_a", name="甲一", phone="13912345678")
    await county.add_user("admin2", Role.COUNTY_ADMIN, "root")
    mine = await _export(client, county, "admin", "root", "full-phones")
    assert mine["resultUrl"]

    for reader in ("admin", "admin2"):
        read = await gql(client, JOB, {"id": mine["id"]}, county.token(reader))
        assert read["data"]["node"]["resultUrl"], (reader, read)
    # The supervisor reads everything of the county, but not someone else's export (it holds
    # every phone in full); nor does a township head or a department administrator.
    for other in ("supervisor", "head_a", "dept"):
        denied = await gql(client, JOB, {"id": mine["id"]}, county.token(other))
        assert error_code(denied) == "FORBIDDEN", (other, denied)
        assert denied["data"]["node"] is None
    # Another county's administrator does not see it at all.
    elsewhere = await make_county(db, "他县")
    foreign = await gql(client, JOB, {"id": mine["id"]}, elsewhere.token("admin"))
    assert foreign["data"]["node"] is None and "errors" not in foreign

    # A township head's own export is theirs to read (and the administrators').
    theirs = await _export(client, county, "head_a", "town_a")
    assert (await gql(client, JOB, {"id": theirs["id"]}, county.token("head_a")))["data"]["node"]
    assert (await gql(client, JOB, {"id": theirs["id"]}, county.token("admin2")))["data"]["node"]
    denied = await gql(client, JOB, {"id": theirs["id"]}, county.token("supervisor"))
    assert error_code(denied) == "FORBIDDEN"


async def test_a_reused_request_id_never_hands_over_someone_elses_job(db, client):
    county = await make_county(db, "请求号县")
    await hire(county, "town_a", name="甲一", phone="13912345678")
    admins = await _export(client, county, "admin", "root", "r-1")
    supervisors = await _export(client, county, "supervisor", "root", "r-1")
    assert supervisors["id"] != admins["id"]
    download = await client.get(supervisors["resultUrl"])
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert rows[2][5] != "13912345678" and "****" in rows[2][5]  # the supervisor's own, masked
    # The same person repeating a request id still gets the one job.
    again = await _export(client, county, "supervisor", "root", "r-1")
    assert again["id"] == supervisors["id"]


async def test_an_export_of_personal_data_is_audited(db, client):
    county = await make_county(db, "留痕县")
    await hire(county, "town_a", name="甲一")
    await hire(county, "village_a1", name="村一")
    job = await _export(client, county, "admin", "town_a")
    async with county.db.session(county.tenant_id) as session:
        events = (
            (await session.execute(select(AuditEvent).where(AuditEvent.action == "roster.export")))
            .scalars()
            .all()
        )
    assert len(events) == 1
    event = events[0]
    assert "admin" in event.actor
    assert (event.object_type, event.object_id) == ("Job", _uuid_of(job["id"]))
    assert event.detail["site_id"] == str(county.sites["town_a"].id)
    assert event.detail["rows"] == 2 and event.detail["unmask_phone"] is True


# --- what the service writes is never a formula -------------------------------------------


async def test_formula_looking_values_come_back_as_text(db, client):
    county = await make_county(db, "公式县")
    names = ['=HYPERLINK("http://example.com","点我")', "+1+2", "-3+4", "@SUM(A1)"]
    for name in names:
        await hire(county, "town_a", name=name)
    job = await _export(client, county, "admin", "town_a")
    download = await client.get(job["resultUrl"])
    sheet = load_workbook(io.BytesIO(download.content)).active
    cells = [row[1] for row in sheet.iter_rows(min_row=3)]
    assert {c.value for c in cells} == {"'" + n for n in names}
    assert {c.data_type for c in cells} == {"s"}
    assert isinstance(sheet.cell(row=3, column=1).value, int)  # numbers stay numbers


def test_every_risky_first_character_is_escaped_in_the_writer():
    risky = ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", "=cmd|' /C calc'!A0"]
    data = roster_workbook("=title", [(1, *risky, 2.5, None, "李\x1b四", "普通")])
    rows = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    assert rows[0][0] == "'=title"
    # (XML reads a carriage return back as a line feed)
    assert rows[2][1:8] == tuple("'" + v.replace("\r", "\n") for v in risky)
    assert rows[2][0] == 1 and rows[2][8] == 2.5 and rows[2][9] is None
    assert rows[2][10] == "李\ufffd四" and rows[2][11] == "普通"  # a control character is not fatal


# --- uploads are bounded before they are parsed -------------------------------------------


async def test_import_refuses_a_file_that_is_not_a_zip(db, client):
    county = await make_county(db, "乱码县")
    payload = await _import(client, county, NOT_A_ZIP)
    assert [e["code"] for e in payload["userErrors"]] == ["INVALID_FILE"]


async def test_import_refuses_a_sheet_too_large_once_unzipped(db, client):
    county = await make_county(db, "炸弹县")
    bomb = inflated(workbook(HEADINGS, [_good_row(county)]), 21 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    payload = await _import(client, county, bomb)
    assert [e["code"] for e in payload["userErrors"]] == ["FILE_TOO_LARGE"]


async def test_import_refuses_rows_and_columns_beyond_the_caps(db, client):
    county = await make_county(db, "超限县")
    base = workbook(HEADINGS, [_good_row(county)])
    far = await _import(client, county, with_far_row(base))
    assert [e["code"] for e in far["userErrors"]] == ["TOO_MANY_ROWS"]
    wide = await _import(client, county, with_wide_row(base, 3, 5_000))
    assert [e["code"] for e in wide["userErrors"]] == ["TOO_MANY_COLUMNS"]
    # openpyxl cuts a text at Excel's 32,767 characters when it writes; a crafted file need not
    long_cell = with_sheet_xml(base, lambda xml: xml.replace("李四", "长" * 40_000))
    long = await _import(client, county, long_cell)
    assert [e["code"] for e in long["userErrors"]] == ["CELL_TOO_LONG"]
    # a million empty rows (the 5 MB sheet) is refused before openpyxl walks them
    empty = await _import(client, county, with_empty_rows(base, 3, 1_000_000))
    assert [e["code"] for e in empty["userErrors"]] == ["FILE_TOO_LARGE"]
    assert (await _import(client, county, base))["report"]["created"] == 1  # the caps hold nothing


# --- nothing slow on the event loop ---------------------------------------------------------


async def test_reading_and_writing_workbooks_happens_off_the_event_loop(db, client, monkeypatch):
    from openpyxl.reader.excel import ExcelReader

    county = await make_county(db, "线程县")
    await hire(county, "town_a", name="甲一")
    threads: list[tuple[str, threading.Thread]] = []
    read, save = ExcelReader.read, Workbook.save

    def reading(self, *args, **kwargs):
        threads.append(("read", threading.current_thread()))
        return read(self, *args, **kwargs)

    def saving(self, *args, **kwargs):
        threads.append(("save", threading.current_thread()))
        return save(self, *args, **kwargs)

    data = workbook(HEADINGS, [_good_row(county)])
    monkeypatch.setattr(ExcelReader, "read", reading)
    monkeypatch.setattr(Workbook, "save", saving)
    assert (await _import(client, county, data))["report"]["created"] == 1
    await _export(client, county, "admin", "town_a")
    template = await client.get("/workforce/roster-template.xlsx")
    assert template.status_code == 200
    assert {kind for kind, _ in threads} == {"read", "save"}
    assert all(t is not threading.main_thread() for _, t in threads), threads
