"""Signing in: failed attempts are throttled per username and per address, locked accounts are
unlocked by an administrator, disabled users lose their tokens at once, passwords must not be
guessable, and production refuses the published development key."""

from __future__ import annotations

import asyncio
import os
import threading
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from accounts import passwords, throttle
from accounts.passwords import check_password
from accounts.service import new_user
from api.app import create_app
from api.settings import DEV_SECRET_KEY, Settings, SettingsError
from tenants.errors import Collector
from tenants.models import AuditEvent
from tests.support.factories import PASSWORD, make_county
from tests.support.graphql import gql

START = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


class Clock:
    """The app's clock for one test: moved by hand, never the real one."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def throttled(settings, db):
    clock = Clock(START)
    strict = Settings(
        **{
            **settings.__dict__,
            "login_failures_per_user": 3,
            "login_failures_per_address": 1000,
            "login_window_seconds": 600,
        }
    )
    app = create_app(strict, db, clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http, clock


async def _login(http, county, password, username="admin"):
    return await http.post(
        "/auth/token", data={"username": username, "password": password, "tenant": county.code}
    )


async def test_repeated_failures_lock_the_account_until_the_window_passes(throttled, db):
    http, clock = throttled
    county = await make_county(db, "锁定县", with_roles=False)
    for _ in range(3):
        assert (await _login(http, county, "wrong-password")).status_code == 401
    locked = await _login(http, county, PASSWORD)  # even the right password
    assert locked.status_code == 429
    assert 0 < int(locked.headers["retry-after"]) <= 600
    clock.now = START + timedelta(seconds=601)
    assert (await _login(http, county, PASSWORD)).status_code == 200


async def test_a_county_admin_unlocks_a_locked_account(throttled, db):
    http, _clock = throttled
    county = await make_county(db, "解锁县", with_roles=False)
    await county.add_user("clerk")
    for _ in range(3):
        await _login(http, county, "wrong-password", "clerk")
    assert (await _login(http, county, PASSWORD, "clerk")).status_code == 429
    answer = await gql(
        http,
        "mutation($i: UserIdInput!) {"
        " unlockUser(input: $i) { user { username } userErrors { code } } }",
        {"i": {"userId": county.user_gid("clerk")}},
        token=county.token("admin"),
    )
    assert answer["data"]["unlockUser"] == {"user": {"username": "clerk"}, "userErrors": []}
    assert (await _login(http, county, PASSWORD, "clerk")).status_code == 200


async def test_success_clears_the_count(throttled, db):
    http, _clock = throttled
    county = await make_county(db, "清零县", with_roles=False)
    for _ in range(2):
        await _login(http, county, "wrong-password")
    assert (await _login(http, county, PASSWORD)).status_code == 200
    for _ in range(2):
        assert (await _login(http, county, "wrong-password")).status_code == 401
    assert (await _login(http, county, PASSWORD)).status_code == 200


async def test_concurrent_failures_are_all_counted(settings, db):
    attempt = throttle.Attempt.of(settings, "999001", "racer", "10.0.0.7")
    await asyncio.gather(*(throttle.record_failure(db, attempt, START) for _ in range(12)))
    async with db.session(None) as session:
        row = await session.get(throttle.LoginThrottle, attempt.user)
        assert row.failures == 12
        await throttle.clear(session, attempt.user)
        await throttle.clear(session, attempt.address)
        await session.commit()


async def test_a_disabled_user_loses_their_token_at_once(client, db):
    county = await make_county(db, "停用县")
    token = county.token("head_a")
    assert (await gql(client, "{ me { username } }", token=token))["data"]["me"]
    mutation = (
        "mutation($i: UserIdInput!) { %s(input: $i) { user { status } userErrors { code } } }"
    )
    variables = {"i": {"userId": county.user_gid("head_a")}}
    refused = await gql(client, mutation % "disableUser", variables, token=county.token("dept"))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    done = await gql(client, mutation % "disableUser", variables, token=county.token("admin"))
    assert done["data"]["disableUser"] == {"user": {"status": "DISABLED"}, "userErrors": []}
    after = await gql(client, "{ me { username } }", token=token)
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    again = await gql(client, mutation % "enableUser", variables, token=county.token("admin"))
    assert again["data"]["enableUser"]["user"] == {"status": "ACTIVE"}
    assert (await gql(client, "{ me { username } }", token=token))["data"]["me"]


async def test_a_platform_operator_disables_a_user_of_any_county_it_names(client, db):
    county = await make_county(db, "运营停用县")
    other = await make_county(db, "运营旁县")
    async with db.transaction(None) as session:
        await new_user(
            session, "test", username="op-disable", password=PASSWORD, display_name="运营"
        )
    signed_in = await client.post(
        "/auth/token", data={"username": "op-disable", "password": PASSWORD, "tenant": ""}
    )
    operator = signed_in.json()["access_token"]
    token = county.token("head_a")
    mutation = (
        "mutation($i: UserIdInput!) { %s(input: $i) { user { status } userErrors { field code } } }"
    )
    user = county.user_gid("head_a")

    async def send(name: str, **given) -> dict:
        body = await gql(client, mutation % name, {"i": {"userId": user, **given}}, operator)
        return body["data"][name]

    # An operator has no county of its own: it names the county, which must exist and hold
    # the account.
    assert (await send("disableUser"))["userErrors"] == [{"field": "tenant", "code": "REQUIRED"}]
    assert (await send("disableUser", tenant="999999"))["userErrors"] == [
        {"field": "tenant", "code": "NOT_FOUND"}
    ]
    assert (await send("disableUser", tenant=other.code))["userErrors"] == [
        {"field": "userId", "code": "NOT_FOUND"}
    ]
    assert (await gql(client, "{ me { username } }", token=token))["data"]["me"]
    assert await send("disableUser", tenant=county.code) == {
        "user": {"status": "DISABLED"},
        "userErrors": [],
    }
    after = await gql(client, "{ me { username } }", token=token)
    assert after["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await send("enableUser", tenant=county.code))["user"] == {"status": "ACTIVE"}
    assert (await send("unlockUser", tenant=county.code))["userErrors"] == []
    assert (await gql(client, "{ me { username } }", token=token))["data"]["me"]
    async with db.session(county.tenant_id) as session:
        verbs = (
            await session.execute(
                select(AuditEvent.action, AuditEvent.actor).where(
                    AuditEvent.object_id == str(county.users["head_a"].id)
                )
            )
        ).all()
    assert {("user.disable", "op-disable"), ("user.enable", "op-disable")} <= {
        (verb, actor.split("(")[0]) for verb, actor in verbs
    }


@pytest.mark.parametrize(
    ("password", "username", "accepted"),
    [
        ("password", "clerk", False),  # on every list
        ("qwerty123", "clerk", False),
        ("clerk-2026", "clerk-2026", False),  # the username itself
        ("abcdefghij", "clerk", False),  # one class, shorter than 12
        ("abcdefghijkl", "clerk", True),  # one class, 12 long
        ("lianshui-7788", "clerk", True),
        ("short1", "clerk", False),
    ],
)
def test_password_rules(password, username, accepted):
    errors = Collector()
    check_password(errors, password, username)
    assert (not errors.errors) is accepted, errors.errors


def test_production_refuses_the_published_development_key(monkeypatch):
    monkeypatch.setenv("ONEWINDOW_ENV", "production")
    monkeypatch.setenv("ONEWINDOW_SECRET_KEY", DEV_SECRET_KEY)
    with pytest.raises(SettingsError):
        Settings.from_env()


async def test_production_suggests_nothing(settings, db):
    production = Settings(**{**settings.__dict__, "env": "production", "secret_key": "x" * 40})
    app = create_app(production, db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        for query in (
            '{ publicSites(tenat: "320826") { totalCount } }',
            "query($x: Sit) { __typename }",
        ):
            answer = (await http.post("/graphql", json={"query": query})).json()
            messages = " ".join(e["message"] for e in answer["errors"])
            assert "Did you mean" not in messages, messages


@pytest.mark.skipif(not hasattr(os, "setpriority"), reason="thread priorities are Linux's")
def test_hashing_threads_yield_to_serving():
    """argon2 runs on threads below the serving thread's priority (their lanes inherit it)."""

    def niceness() -> int:
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    assert passwords._hashing.submit(niceness).result() >= niceness() + passwords.HASH_NICENESS
