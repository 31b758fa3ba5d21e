"""What the differential tests of the planned path (``tests/api/test_planned*.py``) share."""

from __future__ import annotations

import httpx

from api.planned import PlannedDocuments


async def response_body(
    client: httpx.AsyncClient, document: str, variables: dict, token: str | None, planned: bool
) -> bytes:
    """The response body of ``document``, with the planned path on or off (off: strawberry's
    normal execution only)."""
    PlannedDocuments.enabled = planned
    headers = {"authorization": f"Bearer {token}"} if token is not None else {}
    try:
        response = await client.post(
            "/graphql", json={"query": document, "variables": variables}, headers=headers
        )
    finally:
        PlannedDocuments.enabled = True
    assert response.status_code == 200
    return response.content
