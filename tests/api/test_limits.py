"""Request limits: control characters refused in one place, cursors bounded, and a cost budget
that refuses a query multiplying lists down the tree while every client operation passes."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from api.gql.limits import COST_BUDGET, operation_cost
from api.schema import build_schema
from graphql import OperationDefinitionNode, parse
from tests.support.factories import make_county
from tests.support.graphql import gql

OPERATIONS = sorted((Path(__file__).parents[2] / "graphql" / "operations").glob("*.graphql"))


def _worst_case_variables(operation: OperationDefinitionNode) -> dict[str, int]:
    # Every page-size variable at the page cap: what a client may send at most.
    return {
        v.variable.name.value: 200
        for v in operation.variable_definitions or ()
        if v.variable.name.value in ("first", "last")
    }


@pytest.mark.parametrize("path", OPERATIONS, ids=lambda p: p.stem)
def test_every_client_operation_is_within_budget(path):
    schema = build_schema()._schema
    document = parse(path.read_text())
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            name = definition.name.value if definition.name else None
            cost = operation_cost(schema, document, name, _worst_case_variables(definition))
            assert cost <= COST_BUDGET, (name, cost)


BIG = """
{ sites(first: 200) { edges { node { ancestors { name }
    assignmentsOn(first: 200) { edges { node { staff {
      assignments { site { name } } certificates { number } } } } } } } } }
"""


def test_the_many_lists_query_is_over_budget():
    schema = build_schema()._schema
    assert operation_cost(schema, parse(BIG), None, {}) > COST_BUDGET


async def test_over_budget_is_refused_before_it_runs(client, db):
    county = await make_county(db, "预算县")
    answer = await gql(client, BIG, token=county.token("admin"))
    assert answer["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert answer.get("data") is None


@pytest.mark.parametrize("text", ["李\x1b四", "nul\x00byte", "\u202eevil", "del\x7f"])
async def test_control_characters_are_refused_everywhere(client, db, text):
    county = await make_county(db, "字符县")
    as_variable = await gql(
        client,
        "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { userErrors { code } } }",
        {"i": {"id": county.site_gid("village_a1"), "name": text}},
        token=county.token("admin"),
    )
    assert as_variable["errors"][0]["extensions"]["code"] == "INVALID_CHARACTERS"
    anonymous = await gql(
        client,
        "query($t: String!) { publicSites(tenant: $t) { totalCount } }",
        {"t": text},
    )
    assert anonymous["errors"][0]["extensions"]["code"] == "INVALID_CHARACTERS"


async def test_newlines_and_tabs_pass(client, db):
    county = await make_county(db, "换行县")
    answer = await gql(
        client,
        "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { userErrors { code } } }",
        {"i": {"id": county.site_gid("village_a1"), "openingHours": "周一至周五\n9:00-17:00\t"}},
        token=county.token("admin"),
    )
    assert answer["data"]["updateSite"]["userErrors"] == []


async def test_an_overflowing_cursor_is_a_typed_error(client, db):
    county = await make_county(db, "游标县")
    cursor = base64.b64encode(b"offset:99999999999999999999999").decode()
    answer = await gql(
        client,
        "query($a: String) { sites(first: 5, after: $a) { totalCount } }",
        {"a": cursor},
        token=county.token("admin"),
    )
    assert answer["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


@pytest.mark.parametrize("body", ['"x"', "5", "null", "true"])
async def test_a_body_that_is_not_a_request_object_is_400(client, body):
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == 400


async def test_control_characters_in_literals_are_refused(client):
    answer = await gql(client, '{ publicSites(tenant: "32\\u001b0826") { totalCount } }')
    assert answer["errors"][0]["extensions"]["code"] == "INVALID_CHARACTERS"


async def test_verdicts_kept_per_query_text_still_follow_the_variables(client, db):
    """The literal and cost verdicts are remembered per query text; the page size and the
    variables' text are still judged on every request."""
    county = await make_county(db, "缓存县")
    token = county.token("admin")
    query = """query($n: Int) { sites(first: $n) { edges { node {
        assignmentsOn(first: $n) { edges { node { staff { certificates { number } } } } }
      } } } }"""
    small = await gql(client, query, {"n": 5}, token=token)
    assert "errors" not in small, small
    big = await gql(client, query, {"n": 200}, token=token)
    assert big["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert await gql(client, query, {"n": 5}, token=token) == small
    rename = "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { userErrors { code } } }"
    for name, code in (("新村", None), ("新\x1b村", "INVALID_CHARACTERS"), ("新二村", None)):
        answer = await gql(
            client, rename, {"i": {"id": county.site_gid("village_a1"), "name": name}}, token=token
        )
        assert (answer["errors"][0]["extensions"]["code"] if "errors" in answer else None) == code
    for _ in range(2):  # refused the first time (walked) and the second (remembered)
        literal = await gql(client, '{ publicSites(tenant: "32\\u001b0826") { totalCount } }')
        assert literal["errors"][0]["extensions"]["code"] == "INVALID_CHARACTERS"
