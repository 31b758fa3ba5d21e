"""What a workload sees: the server's address, tokens, a GraphQL helper and its own state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from bench.operations import decode_id

SETUP_TIMEOUT = 30.0


class SetupError(RuntimeError):
    """A workload could not find what it needs (a GraphQL error, a missing demo object)."""


@dataclass
class Ctx:
    """One workload on one backend.

    ``state`` is the workload's own: ``setup`` fills it, ``request``/``call``/``sql_floor`` read
    it. It is pickled into the load-generating processes, so keep it to plain data (strings,
    numbers, UUIDs, dicts and lists of them).
    """

    backend: str  # "sqlite" or "postgresql"
    base_url: str  # http://127.0.0.1:<port>
    database: dict[str, str]  # {"sqlite_path": …} or {"postgres_dsn": … (the app role)}
    state: dict[str, Any] = field(default_factory=dict)
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)
    _http: httpx.AsyncClient | None = field(default=None, repr=False, compare=False)

    def __getstate__(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["_http"] = None
        return data

    @property
    def http(self) -> httpx.AsyncClient:
        if self._http is None:
            self._http = httpx.AsyncClient(base_url=self.base_url, timeout=SETUP_TIMEOUT)
        return self._http

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    async def token(self, username: str, tenant: str = "") -> str:
        """A bearer token from ``POST /auth/token`` (cached per account for the whole run)."""
        key = (tenant, username)
        if key not in self.tokens:
            from api.demo import DEMO_PASSWORD

            response = await self.http.post(
                "/auth/token",
                data={"username": username, "password": DEMO_PASSWORD, "tenant": tenant},
            )
            if response.status_code != 200:
                raise SetupError(f"login {username}@{tenant or 'platform'}: {response.text}")
            self.tokens[key] = response.json()["access_token"]
        return self.tokens[key]

    async def auth_headers(self, username: str, tenant: str = "") -> dict[str, str]:
        return {"authorization": f"Bearer {await self.token(username, tenant)}"}

    async def graphql(
        self,
        document: str,
        variables: dict[str, Any] | None = None,
        *,
        username: str,
        tenant: str = "",
    ) -> dict[str, Any]:
        """``data`` of one GraphQL call as ``username``; any GraphQL error is a SetupError."""
        response = await self.http.post(
            "/graphql",
            json={"query": document, "variables": variables or {}},
            headers=await self.auth_headers(username, tenant),
        )
        payload = response.json() if response.content else {}
        if response.status_code != 200 or payload.get("errors"):
            raise SetupError(f"GraphQL {response.status_code}: {payload or response.text}")
        return payload["data"]

    @staticmethod
    def decode_id(global_id: str):
        """``(type name, uuid)`` of a Relay global ID."""
        return decode_id(global_id)
