"""Import of a county catalog from .xlsx: all rows or none, with a per-row report."""

from __future__ import annotations

import base64

from tests.support.catalog import by_code, effective, import_file, publish
from tests.support.factories import make_county
from tests.support.graphql import gql

GOOD = [
    [
        "MZ-101",
        "婚姻登记",
        "行政确认",
        "《婚姻登记条例》",
        "民政局",
        "自然人",
        "男女双方自愿",
        "申请\n受理\n登记",
        "居民身份证|原件|纸质|1|必要\n户口簿|原件|纸质|1|必要\n"
        "近期半身免冠合影照片|原件|纸质|2|必要",
        0,
        0,
        "即办件",
        "",
        "县级",
        "否",
        "结婚、离婚",
    ],
    [
        "RS-101",
        "就业失业登记",
        "公共服务",
        "《就业服务与就业管理规定》",
        "人社局",
        "自然人",
        "",
        "申请→受理→办结",
        "居民身份证",
        "5个工作日",
        2,
        "承诺件",
        "不收费",
        "县级、乡级、村级",
        "是",
        "",
    ],
]

MUTATION = """mutation($input: ImportCatalogInput!) { importCatalog(input: $input) {
  imported rows { row code ok errors { field code message } }
  userErrors { field code message } } }"""


async def _import(client, county, content: str, username: str = "admin"):
    result = await gql(client, MUTATION, {"input": {"fileBase64": content}}, county.token(username))
    assert "errors" not in result, result
    return result["data"]["importCatalog"]


async def test_import_all_rows(db, client):
    county = await make_county(db)
    report = await _import(client, county, import_file(GOOD))
    assert report["userErrors"] == [] and report["imported"] == 2
    assert [(r["row"], r["code"], r["ok"]) for r in report["rows"]] == [
        (2, "MZ-101", True),
        (3, "RS-101", True),
    ]
    await publish(client, county)
    catalog = by_code(await effective(client, county, "village_a1"))
    assert set(catalog) == {"MZ-101", "RS-101"}
    employment = catalog["RS-101"]
    assert (employment["legalLimitDays"], employment["promisedLimitDays"]) == (5, 2)
    assert employment["acceptedHere"] is True and employment["online"] is True
    assert employment["departmentName"] == "人社局"
    assert employment["process"] == ["申请", "受理", "办结"]
    marriage = catalog["MZ-101"]
    assert [m["copies"] for m in marriage["materials"]] == [1, 1, 2]
    assert marriage["handlingKind"] == "IMMEDIATE" and marriage["keywords"] == ["结婚", "离婚"]
    # Importing again updates the existing codes instead of refusing them.
    changed = [list(GOOD[0]), list(GOOD[1])]
    changed[1][10] = 1
    again = await _import(client, county, import_file(changed))
    assert again["imported"] == 2 and again["userErrors"] == []
    await publish(client, county)
    assert by_code(await effective(client, county, "root"))["RS-101"]["promisedLimitDays"] == 1


async def test_import_is_all_or_nothing(db, client):
    county = await make_county(db)
    bad_type = list(GOOD[1])
    bad_type[0], bad_type[2] = "RS-102", "行政征收"
    too_slow = list(GOOD[1])
    too_slow[0], too_slow[9], too_slow[10] = "RS-103", 5, 9
    duplicate = list(GOOD[0])
    report = await _import(client, county, import_file([GOOD[0], bad_type, too_slow, duplicate]))
    assert report["imported"] == 0
    assert [e["code"] for e in report["userErrors"]] == ["IMPORT_REJECTED"]
    rows = {r["row"]: r for r in report["rows"]}
    assert rows[2]["ok"] is True
    assert [e["code"] for e in rows[3]["errors"]] == ["INVALID_VALUE"]
    assert [e["code"] for e in rows[4]["errors"]] == ["PROMISED_EXCEEDS_LEGAL"]
    assert [e["code"] for e in rows[5]["errors"]] == ["DUPLICATE_CODE"]
    # Nothing at all was written: no matters, no departments, no changes.
    listed = await gql(
        client,
        "{ matters(first: 10) { totalCount } departments(first: 10) { totalCount }"
        " catalogChanges(first: 5) { totalCount } }",
        token=county.token("admin"),
    )
    assert listed["data"] == {
        "matters": {"totalCount": 0},
        "departments": {"totalCount": 0},
        "catalogChanges": {"totalCount": 0},
    }


async def test_import_bad_files(db, client):
    county = await make_county(db)
    not_xlsx = await _import(client, county, base64.b64encode(b"plain text").decode())
    assert [e["code"] for e in not_xlsx["userErrors"]] == ["INVALID_FILE"]
    not_base64 = await _import(client, county, "@@@")
    assert [e["code"] for e in not_base64["userErrors"]] == ["INVALID_FILE"]
    missing = await _import(
        client, county, import_file([["X-1", "名称"]], ["事项编码", "事项名称"])
    )
    assert [e["code"] for e in missing["userErrors"]] == ["MISSING_COLUMN"]
    empty = await _import(client, county, import_file([]))
    assert [e["code"] for e in empty["userErrors"]] == ["EMPTY_FILE"]
