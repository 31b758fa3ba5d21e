"""Bad input to the assessment's and pay's operations is a GraphQL error with a code or a user
error — never a 500, never half applied."""

from __future__ import annotations

import uuid

import pytest

from api.gql.ids import global_id
from tests.support.factories import make_county
from tests.support.graphql import error_code, gql

INTERNAL = "服务器内部错误"
QUERIES = {
    'query { assessmentMonth(month: "2026-13") { status } }': "BAD_REQUEST",
    'query { assessmentMonth(month: "x") { status } }': "BAD_REQUEST",
    'query { payroll(month: "1900-01") { status } }': "BAD_REQUEST",
    "query { annualAssessment(year: 99999) { status } }": "BAD_REQUEST",
    "query { staffingBudget(year: -1) { headcount } }": "BAD_REQUEST",
    'query { assessmentMonth(month: "2026-01") { scores(first: 201) { totalCount } } }': (
        "PAGE_SIZE_EXCEEDED"
    ),
    'query { assessmentMonth(month: "2026-01") { scores(siteId: "nope") { totalCount } } }': (
        "INVALID_ID"
    ),
    'query { assessmentRubric(on: "0001-01-01") { version } }': "BAD_REQUEST",
}
RECORD = """mutation($input: RecordAssessmentEventInput!) {
  recordAssessmentEvent(input: $input) { event { id } userErrors { field code } }
}"""
RUBRIC = """mutation($input: UpdateAssessmentRubricInput!) {
  updateAssessmentRubric(input: $input) { rubric { version } userErrors { field code } }
}"""


@pytest.fixture(scope="module")
async def county(db):
    return await make_county(db, "考核界限县")


@pytest.mark.parametrize("query", list(QUERIES))
async def test_bad_query_arguments(client, county, query):
    result = await gql(client, query, token=county.token("admin"))
    assert error_code(result) == QUERIES[query], result
    assert INTERNAL not in str(result)


async def test_bad_mutation_input(client, county):
    token = county.token("admin")
    base = {"staffId": "nope", "itemCode": "1.1", "occurredOn": "2026-01-05"}
    result = await gql(client, RECORD, {"input": base}, token)
    errors = result["data"]["recordAssessmentEvent"]["userErrors"]
    assert [e["code"] for e in errors] == ["INVALID_ID"]
    long_note = {
        **base,
        "staffId": global_id("Staff", uuid.uuid4()),
        "note": "长" * 501,
        "count": 99,
    }
    result = await gql(client, RECORD, {"input": long_note}, token)
    codes = {e["code"] for e in result["data"]["recordAssessmentEvent"]["userErrors"]}
    assert codes == {"TOO_LONG", "INVALID_COUNT"}, result

    item = {"code": "1.1", "description": "x", "points": -5}
    categories = [
        {"code": str(c), "name": "类", "maxPoints": 10, "items": [item] * 60 if c == 1 else []}
        for c in range(1, 7)
    ]
    result = await gql(
        client, RUBRIC, {"input": {"effectiveFrom": "2027-01-01", "categories": categories}}, token
    )
    payload = result["data"]["updateAssessmentRubric"]
    assert payload["rubric"] is None
    assert [e["code"] for e in payload["userErrors"]] == ["TOO_MANY"]
    categories[0]["items"] = [{**item, "points": 2_000_000_000}]
    result = await gql(
        client, RUBRIC, {"input": {"effectiveFrom": "2027-01-01", "categories": categories}}, token
    )
    assert [e["code"] for e in result["data"]["updateAssessmentRubric"]["userErrors"]] == [
        "INVALID_POINTS"
    ]
