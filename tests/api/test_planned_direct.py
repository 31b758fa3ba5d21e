"""Planned answers before strawberry (``api.planned.direct``): a text strawberry validated and
planned is answered from the HTTP view on its next request, with the same bytes; what depends
on the request is checked again (control characters, a cost not computed yet), and a plan that
steps aside there is not run a second time."""

from __future__ import annotations

import uuid

import pytest

from api.gql import trusted
from api.planned import PlannedDocuments
from api.planned.direct import Admitted
from tests.support.factories import make_county

DOCUMENTS = dict(trusted.operation_texts())
SITE_DETAIL = DOCUMENTS["network.graphql:SiteDetail"]
# the file as a client ships it: several operations, one chosen by name
NETWORK_FILE = (trusted.OPERATIONS_DIR / "network.graphql").read_text(encoding="utf-8")


async def _post(client, body: dict, token: str | None) -> bytes:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await client.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200
    return response.content


@pytest.fixture
async def county(db):
    return await make_county(db, "直答县")


def _fresh() -> str:
    """A comment that makes a text no earlier request has sent (admission is per text)."""
    return f"\n# {uuid.uuid4()}"


async def _counts() -> tuple[int, int]:
    return PlannedDocuments.served, Admitted.answered


async def test_a_validated_text_is_answered_before_strawberry(client, county):
    token = county.token("admin")
    body = {"query": SITE_DETAIL + _fresh(), "variables": {"id": county.site_gid("town_a")}}
    first_served, first_answered = await _counts()
    first = await _post(client, body, token)
    assert await _counts() == (first_served + 1, first_answered)  # strawberry ran the plan
    again = await _post(client, body, token)
    assert await _counts() == (first_served + 1, first_answered + 1)  # answered directly
    PlannedDocuments.enabled = False
    try:
        executed = await _post(client, body, token)
    finally:
        PlannedDocuments.enabled = True
    assert first == again == executed
    # the operation chosen by name from the whole file: admitted under that name
    named = {
        "query": NETWORK_FILE + _fresh(),
        "operationName": "SiteDetail",
        "variables": body["variables"],
    }
    assert await _post(client, named, token) == executed
    before = await _counts()
    assert await _post(client, named, token) == executed
    assert await _counts() == (before[0], before[1] + 1)


async def test_what_depends_on_the_request_is_checked_again(client, county):
    token = county.token("admin")
    query = DOCUMENTS["network.graphql:SiteChildren"] + _fresh()
    root = county.site_gid("root")
    await _post(client, {"query": query, "variables": {"parentId": root, "first": 2}}, token)
    # a page size not costed yet: strawberry costs it (and the plan answers there) …
    before = await _counts()
    await _post(client, {"query": query, "variables": {"parentId": root, "first": 3}}, token)
    assert await _counts() == (before[0] + 1, before[1])
    # … then it is answered directly
    await _post(client, {"query": query, "variables": {"parentId": root, "first": 3}}, token)
    assert await _counts() == (before[0] + 1, before[1] + 1)
    # a control character in a variable: refused by the request limits, as always
    refused = await _post(
        client, {"query": query, "variables": {"parentId": root, "after": "a\x00b"}}, token
    )
    assert b"INVALID_CHARACTERS" in refused
    # a body strawberry reads otherwise (extensions): strawberry answers
    before = await _counts()
    await _post(
        client,
        {"query": query, "variables": {"parentId": root, "first": 3}, "extensions": {}},
        token,
    )
    assert await _counts() == (before[0] + 1, before[1])


async def test_a_plan_that_steps_aside_runs_once(client, county, monkeypatch):
    """A plan that steps aside before strawberry is not run again by strawberry's extension:
    normal execution answers (here: another type behind the id, and an anonymous caller)."""
    token = county.token("admin")
    query = SITE_DETAIL + _fresh()
    await _post(client, {"query": query, "variables": {"id": county.site_gid("root")}}, token)
    from api import planned

    runs = []
    real = planned.PLANS["network.graphql:SiteDetail"]

    async def counted(ctx, variables):
        runs.append(variables)
        return await real(ctx, variables)

    monkeypatch.setitem(Admitted.plans._items, (query, None), (counted, "SiteDetail"))
    before = await _counts()
    answer = await _post(client, {"query": query, "variables": {"id": "garbage"}}, token)
    anonymous = await _post(
        client, {"query": query, "variables": {"id": county.site_gid("root")}}, None
    )
    assert len(runs) == 2  # once each, before strawberry
    assert await _counts() == before
    assert b"INVALID_ID" in answer
    assert b"UNAUTHENTICATED" in anonymous
