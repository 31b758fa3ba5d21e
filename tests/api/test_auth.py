"""Login, tokens, health, and production settings."""

from __future__ import annotations

import asyncio
import time

import jwt
import pytest

from api.settings import Settings, SettingsError
from tests.support.factories import PASSWORD, TEST_SECRET, make_county, next_county_code
from tests.support.graphql import gql


async def test_token_and_me(client, db):
    county = await make_county(db, "登录县", with_roles=False)
    response = await client.post(
        "/auth/token", data={"username": "admin", "password": PASSWORD, "tenant": county.code}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    me = await gql(
        client,
        "{ me { username tenant { code name } roles { role } } }",
        token=body["access_token"],
    )
    assert me["data"]["me"] == {
        "username": "admin",
        "tenant": {"code": county.code, "name": "登录县"},
        "roles": [{"role": "COUNTY_ADMIN"}],
    }


@pytest.mark.parametrize(
    "form",
    [
        {"username": "admin", "password": "wrong-password", "tenant": "{code}"},
        {"username": "nobody", "password": PASSWORD, "tenant": "{code}"},
        {"username": "admin", "password": PASSWORD, "tenant": "999999"},
        {"username": "admin", "password": PASSWORD, "tenant": ""},
        {},
    ],
)
async def test_bad_logins_are_401(client, db, form):
    county = await make_county(db, "拒登县", with_roles=False)
    data = {k: v.format(code=county.code) for k, v in form.items()}
    response = await client.post("/auth/token", data=data)
    assert response.status_code == 401
    assert "access_token" not in response.json()


async def test_same_username_in_two_counties(client, db):
    first = await make_county(db, "一县", with_roles=False)
    second = await make_county(db, "二县", with_roles=False)
    for county in (first, second):
        response = await client.post(
            "/auth/token", data={"username": "admin", "password": PASSWORD, "tenant": county.code}
        )
        token = response.json()["access_token"]
        me = await gql(client, "{ me { tenant { code } } }", token=token)
        assert me["data"]["me"]["tenant"]["code"] == county.code


async def test_expired_and_forged_tokens(client, db):
    county = await make_county(db, "过期县", with_roles=False)
    issued = 1_767_225_600  # 2026-01-01T00:00:00Z: long past; the forgery expires in 2100
    claims = {
        "iss": "onewindow",
        "sub": str(county.users["admin"].id),
        "tid": str(county.tenant_id),
    }
    expired = jwt.encode(
        {**claims, "iat": issued, "exp": issued + 90}, TEST_SECRET, algorithm="HS256"
    )
    forged = jwt.encode(
        {**claims, "iat": issued, "exp": 4_102_444_800}, "another-secret", algorithm="HS256"
    )
    for token in (expired, forged):
        result = await gql(client, "{ me { id } }", token=token)
        assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_platform_operator_creates_a_county(client, db):
    from accounts.service import new_user

    async with db.transaction(None) as session:
        await new_user(session, "test", username="op-test", password=PASSWORD, display_name="运营")
    response = await client.post(
        "/auth/token", data={"username": "op-test", "password": PASSWORD, "tenant": ""}
    )
    token = response.json()["access_token"]
    code = next_county_code()
    mutation = """mutation($input: CreateTenantInput!) { createTenant(input: $input) {
        tenant { code name } countyCenter { officialName level } admin { username }
        userErrors { field code } } }"""
    created = await gql(
        client,
        mutation,
        {
            "input": {
                "code": code,
                "name": "新开县",
                "adminUsername": "boss",
                "adminPassword": PASSWORD,
            }
        },
        token,
    )
    payload = created["data"]["createTenant"]
    assert payload["userErrors"] == []
    assert payload["countyCenter"] == {
        "officialName": "新开县政务服务中心",
        "level": "COUNTY_CENTER",
    }
    again = await gql(client, mutation, {"input": {"code": code, "name": "重复县"}}, token)
    assert again["data"]["createTenant"]["userErrors"] == [
        {"field": "code", "code": "DUPLICATE_TENANT"}
    ]
    boss = await client.post(
        "/auth/token", data={"username": "boss", "password": PASSWORD, "tenant": code}
    )
    assert boss.status_code == 200
    # a county's user is not a platform operator
    denied = await gql(
        client,
        mutation,
        {"input": {"code": "654321", "name": "越权县"}},
        boss.json()["access_token"],
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # and the operator sees no county's data without the explicit path
    me = await gql(
        client, "{ me { roles { role scope { id } } } sites { totalCount } }", token=token
    )
    assert me["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_health(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_production_refuses_to_start_without_secret(monkeypatch):
    monkeypatch.setenv("ONEWINDOW_ENV", "production")
    monkeypatch.delenv("ONEWINDOW_SECRET_KEY", raising=False)
    with pytest.raises(SettingsError):
        Settings.from_env()
    monkeypatch.setenv("ONEWINDOW_SECRET_KEY", "short")
    with pytest.raises(SettingsError):
        Settings.from_env()


def test_numeric_settings_are_checked(monkeypatch):
    monkeypatch.setenv("ONEWINDOW_DB_POOL_SIZE", "5")
    monkeypatch.setenv("ONEWINDOW_DB_MAX_OVERFLOW", "0")
    settings = Settings.from_env()
    assert settings.engine_options() == {"pool_size": 5, "max_overflow": 0}
    for name, value in (("DB_POOL_SIZE", "0"), ("WEB_WORKERS", "two"), ("TOKEN_TTL_SECONDS", "1")):
        monkeypatch.setenv(f"ONEWINDOW_{name}", value)
        with pytest.raises(SettingsError, match=name):
            Settings.from_env()
        monkeypatch.delenv(f"ONEWINDOW_{name}")


async def test_production_hides_introspection_ide_and_suggestions(db, monkeypatch):
    import httpx

    from api.app import create_app

    settings = Settings(env="production", database_url="sqlite+aiosqlite://", secret_key="x" * 40)
    app = create_app(settings, db)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        ide = await http.get("/graphql", headers={"accept": "text/html"})
        assert ide.status_code in (404, 405) or "graphiql" not in ide.text.lower()
        intro = (
            await http.post("/graphql", json={"query": "{ __schema { types { name } } }"})
        ).json()
        assert (
            intro.get("data") is None and "introspection" in intro["errors"][0]["message"].lower()
        )
        typo = (await http.post("/graphql", json={"query": "{ sitez { totalCount } }"})).json()
        assert "Did you mean" not in typo["errors"][0]["message"]


async def test_health_reports_an_unreachable_database(tmp_path):
    import httpx

    from api.app import create_app
    from tenants.database import Database

    # a directory cannot be opened as a SQLite file: the database does not answer
    directory = tmp_path / "a-directory"
    directory.mkdir()
    broken = Database(f"sqlite+aiosqlite:///{directory}")
    app = create_app(Settings(secret_key="x" * 40, database_url=broken.url), broken)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        response = await http.get("/health")
    await broken.dispose()
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


async def test_a_token_already_seen_still_expires(client, db):
    """Verified tokens are remembered per process; their expiry is checked on every use."""
    county = await make_county(db, "到期县", with_roles=False)
    now = int(time.time())  # clock-ok: the server checks expiry against the real clock
    token = jwt.encode(
        {
            "iss": "onewindow",
            "sub": str(county.users["admin"].id),
            "tid": str(county.tenant_id),
            "iat": now,
            "exp": now + 2,
        },
        TEST_SECRET,
        algorithm="HS256",
    )
    assert "errors" not in await gql(client, "{ me { id } }", token=token)
    await asyncio.sleep(max(0.0, now + 2.05 - time.time()))  # clock-ok
    result = await gql(client, "{ me { id } }", token=token)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_disabled_user_and_suspended_county_lose_access_at_once(client, db):
    """The token stays valid, but the caller is read again on every request."""
    from sqlalchemy import update

    from accounts.models import User, UserStatus
    from tenants.models import Tenant, TenantStatus

    county = await make_county(db, "停用县", with_roles=False)
    token = county.token("admin")
    public = "query($t: String!) { publicBundles(tenant: $t) { code } }"
    assert "errors" not in await gql(client, "{ me { id } }", token=token)
    assert "errors" not in await gql(client, public, {"t": county.code})

    async def set_user(status: UserStatus) -> None:
        async with db.transaction(county.tenant_id) as session:
            await session.execute(
                update(User).where(User.id == county.users["admin"].id).values(status=status)
            )

    async def set_county(status: TenantStatus) -> None:
        async with db.transaction(None) as session:
            await session.execute(
                update(Tenant).where(Tenant.id == county.tenant_id).values(status=status)
            )

    await set_user(UserStatus.DISABLED)
    result = await gql(client, "{ me { id } }", token=token)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    await set_user(UserStatus.ACTIVE)
    assert "errors" not in await gql(client, "{ me { id } }", token=token)

    await set_county(TenantStatus.SUSPENDED)
    result = await gql(client, "{ me { id } }", token=token)
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    result = await gql(client, public, {"t": county.code})
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    await set_county(TenantStatus.ACTIVE)
    assert "errors" not in await gql(client, public, {"t": county.code})
