"""setBaseWage over GraphQL: the county office sets a person's contract wage; a bad amount is a
user error; a township head may not."""

from __future__ import annotations

from datetime import date

from api.gql.ids import global_id
from tests.assessment.world import pinned
from tests.support.factories import make_county
from tests.support.graphql import error_code, gql
from tests.support.workforce import hire

SET = """mutation($input: SetBaseWageInput!) {
  setBaseWage(input: $input) { monthlyYuan userErrors { field code } }
}"""


async def test_set_base_wage(db, client):
    county = await make_county(db, "基本工资县")
    with pinned():
        person = await hire(county, "town_a", name="合同工资", hire_date=date(2024, 1, 2))
    staff_id = global_id("Staff", person.id)

    async def send(amount: str, who: str = "admin") -> dict:
        variables = {"input": {"staffId": staff_id, "monthlyYuan": amount}}
        return await gql(client, SET, variables, county.token(who))

    done = await send("3800")
    assert done["data"]["setBaseWage"] == {"monthlyYuan": "3800.00", "userErrors": []}
    for bad in ("abc", "3800.001", "-1", "1e9", "NaN", "Infinity", "sNaN"):
        refused = (await send(bad))["data"]["setBaseWage"]
        assert refused["monthlyYuan"] is None
        assert refused["userErrors"][0]["code"] == "INVALID_AMOUNT", bad
    assert error_code(await send("3900", "head_a")) == "FORBIDDEN"
