"""Trusted documents: every shipped operation is recognized as a client sends it, and with
``anonymous_trusted_only`` an anonymous caller may send nothing else."""

from __future__ import annotations

from dataclasses import replace

import pytest

from api.gql import trusted
from graphql import parse
from tests.support.factories import make_county
from tests.support.fixtures import serving
from tests.support.graphql import gql

NEARBY = """
# as the app sends it: its own spacing and comments
query NearbySites($tenant: String!, $lat: Float!, $lng: Float!, $matterCode: String, $first: Int)
{ publicSites(tenant: $tenant, near: {lat: $lat, lng: $lng}, matterCode: $matterCode,
    first: $first) { edges { node { id officialName level address distanceMeters } } } }
"""
# The same operation asking one field more: not what the app ships.
WIDENED = NEARBY.replace("distanceMeters", "distanceMeters __typename")


def test_every_shipped_operation_is_trusted_by_its_name():
    documents = trusted.load()
    texts = list(trusted.operation_texts())
    assert len(texts) >= 40 and len(documents.names) == len(texts)  # no two alike
    for name, text in texts:
        assert documents.name_of(parse(text), None) == name
    assert documents.name_of(parse(NEARBY), "NearbySites") == "public.graphql:NearbySites"
    assert documents.name_of(parse(WIDENED), None) is None
    assert documents.name_of(parse("{ __typename }"), None) is None
    # Two operations in one request: the one named is what counts.
    both = parse(NEARBY + "\nquery Other { __typename }")
    assert documents.name_of(both, "NearbySites") == "public.graphql:NearbySites"
    assert documents.name_of(both, "Other") is None
    assert documents.name_of(both, None) is None


@pytest.fixture
async def strict_client(settings, db):
    async with serving(replace(settings, anonymous_trusted_only=True), db) as client:
        yield client


async def test_anonymous_callers_send_only_shipped_operations(db, strict_client, client):
    county = await make_county(db, "受信县")
    variables = {"tenant": county.code, "lat": 33.78, "lng": 119.26, "first": 5}
    shipped = await gql(strict_client, NEARBY, variables)
    assert "errors" not in shipped, shipped
    assert "edges" in shipped["data"]["publicSites"]
    for document in (WIDENED, "{ __typename }"):
        refused = await gql(strict_client, document, variables if document == WIDENED else None)
        assert refused["errors"][0]["extensions"]["code"] == "UNTRUSTED_DOCUMENT"
        assert refused.get("data") is None
    # A signed-in caller is not restricted; without the setting nobody is.
    mine = await gql(strict_client, "{ me { username } }", token=county.token("admin"))
    assert mine["data"]["me"]["username"] == "admin"
    assert (await gql(client, WIDENED, variables)).get("data")
