"""importCatalog bounds a workbook before parsing it (not a zip, too large unzipped, too many
rows or columns, a cell too long: each a userError) and parses it off the event loop."""

from __future__ import annotations

import base64
import threading

from openpyxl.reader.excel import ExcelReader

from tests.support.catalog import IMPORT_HEADINGS
from tests.support.factories import make_county
from tests.support.graphql import gql
from tests.support.xlsx import (
    NOT_A_ZIP,
    inflated,
    with_empty_rows,
    with_far_row,
    with_sheet_xml,
    with_wide_row,
    workbook,
)

MUTATION = """mutation($input: ImportCatalogInput!) { importCatalog(input: $input) {
  imported userErrors { field code message } } }"""
ROW = ["RS-101", "就业失业登记", "公共服务", "《就业服务与就业管理规定》", "人社局", "自然人"]
ROW += ["", "申请→受理→办结", "居民身份证", "5个工作日", 2, "承诺件", "不收费", "县级", "是", ""]


async def _import(client, county, content: bytes) -> dict:
    variables = {"input": {"fileBase64": base64.b64encode(content).decode()}}
    result = await gql(client, MUTATION, variables, county.token("admin"))
    assert "errors" not in result, result  # a refusal is a userError, never a masked error
    return result["data"]["importCatalog"]


def _codes(payload: dict) -> list[str]:
    return [e["code"] for e in payload["userErrors"]]


async def test_random_bytes_are_refused(db, client):
    county = await make_county(db)
    assert _codes(await _import(client, county, NOT_A_ZIP)) == ["INVALID_FILE"]
    assert _codes(await _import(client, county, bytes(range(256)) * 40)) == ["INVALID_FILE"]


async def test_a_sheet_too_large_once_unzipped_is_refused(db, client):
    county = await make_county(db)
    bomb = inflated(workbook(IMPORT_HEADINGS, [ROW]), 21 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    assert _codes(await _import(client, county, bomb)) == ["FILE_TOO_LARGE"]


async def test_rows_columns_and_cells_beyond_the_caps_are_refused(db, client):
    county = await make_county(db)
    base = workbook(IMPORT_HEADINGS, [ROW])
    assert _codes(await _import(client, county, with_far_row(base))) == ["TOO_MANY_ROWS"]
    wide = with_wide_row(base, 3, 5_000)
    assert _codes(await _import(client, county, wide)) == ["TOO_MANY_COLUMNS"]
    # openpyxl cuts a text at Excel's 32,767 characters when it writes; a crafted file need not
    long = with_sheet_xml(base, lambda xml: xml.replace("就业失业登记", "长" * 40_000))
    assert _codes(await _import(client, county, long)) == ["CELL_TOO_LONG"]
    # a million empty rows (the 5 MB sheet) is refused before openpyxl walks them
    empty = with_empty_rows(base, 3, 1_000_000)
    assert _codes(await _import(client, county, empty)) == ["FILE_TOO_LARGE"]
    fine = await _import(client, county, base)
    assert fine["userErrors"] == [] and fine["imported"] == 1


async def test_the_workbook_is_parsed_off_the_event_loop(db, client, monkeypatch):
    county = await make_county(db)
    threads: list[threading.Thread] = []
    read = ExcelReader.read

    def reading(self, *args, **kwargs):
        threads.append(threading.current_thread())
        return read(self, *args, **kwargs)

    monkeypatch.setattr(ExcelReader, "read", reading)
    assert (await _import(client, county, workbook(IMPORT_HEADINGS, [ROW])))["imported"] == 1
    assert threads and all(t is not threading.main_thread() for t in threads)
