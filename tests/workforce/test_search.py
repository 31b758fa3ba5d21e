"""Finding people (issue 10): by pinyin (全拼, 首字母) and by the full resident ID number,
matched through its lookup hash and never shown; the county's lists are paginated."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.factories import make_county
from tests.support.graphql import gid, gql
from tests.support.workforce import hire, id_number, pin_today
from workforce import listing
from workforce.models import name_keys
from workforce.search import search_condition


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    pin_today(monkeypatch, date(2026, 3, 2))


SEARCH = """query($q: String) { staff(search: $q, first: 20) { totalCount
  edges { node { id name maskedIdNumber } } } }"""


def test_name_keys():
    assert name_keys("张三") == ("zhangsan", "zs")
    assert name_keys("吕 丽") == ("lvli", "ll")


async def test_staff_by_pinyin_and_by_full_id_number(db, client):
    county = await make_county(db, "检索县")
    number = id_number(date(1991, 7, 8))
    zhang = await hire(county, "town_a", name="张三丰", number=number)
    await hire(county, "town_b", name="李四", hire_date=date(2025, 2, 3))
    token = county.token("admin")

    async def names(query: str) -> list[str]:
        result = await gql(client, SEARCH, {"q": query}, token)
        assert "errors" not in result, result
        return [e["node"]["name"] for e in result["data"]["staff"]["edges"]]

    assert await names("zhangsan") == ["张三丰"]
    assert await names("ZSF") == ["张三丰"]
    assert await names("li") == ["李四"]
    assert await names("三丰") == ["张三丰"]
    found = await gql(client, SEARCH, {"q": number}, token)
    (edge,) = found["data"]["staff"]["edges"]
    assert edge["node"]["id"] == gid("Staff", zhang.id)
    assert number not in str(found)  # only the masked form goes out
    assert edge["node"]["maskedIdNumber"] == number[:6] + "********" + number[-4:]
    assert await names(number[:17]) == []  # a part of a number finds nothing
    # Without the cipher (no key), a number is just text: it matches no name.
    async with db.session(county.tenant_id) as session:
        rows, total = await listing.list_staff(
            session, site_ids=None, status=None, search=number, offset=0, limit=10
        )
    assert total == 0 and rows == []
    assert search_condition("abc", None) is not None


async def test_county_lists_are_connections(db, client):
    county = await make_county(db, "分页县")
    for i in range(3):
        await hire(county, "town_a", name=f"无证{i}", hire_date=date(2020, 1, 6))
    result = await gql(
        client,
        "{ certificateWarnings(first: 2) { totalCount pageInfo { hasNextPage endCursor } "
        "edges { node { level staff { name } } } } "
        "trainingNoncompliance(year: 2025, quarter: 4, first: 1) { totalCount "
        "edges { node { name } } } }",
        token=county.token("admin"),
    )
    assert "errors" not in result, result
    warnings = result["data"]["certificateWarnings"]
    assert warnings["totalCount"] == 3 and warnings["pageInfo"]["hasNextPage"] is True
    assert {e["node"]["level"] for e in warnings["edges"]} == {"OVERDUE"}
    after = await gql(
        client,
        "query($a: String) { certificateWarnings(first: 2, after: $a) { edges { node { "
        "staff { name } } } } }",
        {"a": warnings["pageInfo"]["endCursor"]},
        county.token("admin"),
    )
    assert len(after["data"]["certificateWarnings"]["edges"]) == 1
    noncompliance = result["data"]["trainingNoncompliance"]
    assert noncompliance["totalCount"] == 3 and len(noncompliance["edges"]) == 1
