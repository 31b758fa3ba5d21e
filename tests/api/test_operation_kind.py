"""A request that runs a query is known before its first read (``api.gql.operation_kind``);
anything not surely one query is not."""

from __future__ import annotations

import json

import pytest

from api.gql.operation_kind import is_query

DOCUMENT = """
query SiteDetail($id: ID!) { node(id: $id) { id } }
mutation UpdateSite($input: UpdateSiteInput!) { updateSite(input: $input) { userErrors { code } } }
"""


def body(payload: object) -> bytes:
    return json.dumps(payload).encode()


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"query": DOCUMENT, "operationName": "SiteDetail"}, True),
        ({"query": DOCUMENT, "operationName": "UpdateSite"}, False),
        ({"query": DOCUMENT}, False),  # two operations and none chosen: strawberry refuses
        ({"query": DOCUMENT, "operationName": "Nope"}, False),
        ({"query": "{ __typename }"}, True),
        ({"query": "subscription { x }"}, False),
        ({"query": "mutation { x }", "operationName": None}, False),
        ({"query": "query {"}, False),  # does not parse
        ({"query": 5}, False),
        ({"query": "{ a }", "operationName": 5}, False),
        ([{"query": "{ a }"}], False),  # a batch
    ],
)
def test_only_a_body_that_surely_asks_one_query_is_one(payload, expected):
    assert is_query(body(payload), max_tokens=2000) is expected


def test_a_body_that_is_not_json_is_not_a_query():
    assert is_query(b"{not json", max_tokens=2000) is False


def test_a_text_over_the_token_limit_is_not_parsed_as_a_query():
    fields = " ".join(f"f{i}" for i in range(50))
    assert is_query(body({"query": f"{{ {fields} }}"}), max_tokens=2000) is True
    assert is_query(body({"query": f"{{ {fields} }} "}), max_tokens=20) is False
