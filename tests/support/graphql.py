"""Talking to the API as a client does: GraphQL documents, the client contract's named
operations, demo sign-in."""

from __future__ import annotations

from pathlib import Path

import httpx

from api.gql.ids import global_id as gid

__all__ = ["OPERATIONS_DIR", "error_code", "gid", "gql", "login", "operation", "run_operation"]

OPERATIONS_DIR = Path(__file__).resolve().parents[2] / "graphql" / "operations"


def operation(name: str) -> str:
    """The text of ``graphql/operations/<name>.graphql`` (a client contract document)."""
    return (OPERATIONS_DIR / f"{name}.graphql").read_text(encoding="utf-8")


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict | None = None,
    token: str | None = None,
    *,
    operation_name: str | None = None,
) -> dict:
    """POST one GraphQL document; the whole response body (``data`` and ``errors``)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    body: dict = {"query": query, "variables": variables or {}}
    if operation_name is not None:
        body["operationName"] = operation_name
    response = await client.post("/graphql", json=body, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def run_operation(
    client: httpx.AsyncClient,
    document: str,
    name: str,
    variables: dict | None = None,
    token: str | None = None,
) -> dict:
    """Run the operation ``name`` of ``document`` as written; its ``data`` (errors fail)."""
    body = await gql(client, document, variables, token, operation_name=name)
    assert "errors" not in body, body
    return body["data"]


def error_code(result: dict) -> str | None:
    """The ``extensions.code`` of a response's first error (``None`` without errors)."""
    errors = result.get("errors") or []
    return errors[0].get("extensions", {}).get("code") if errors else None


async def login(client: httpx.AsyncClient, username: str, tenant: str = "320826") -> str:
    """A demo user's token (the demo county 涟水县 unless ``tenant`` says otherwise)."""
    from api.demo import DEMO_PASSWORD

    response = await client.post(
        "/auth/token", data={"username": username, "password": DEMO_PASSWORD, "tenant": tenant}
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]
