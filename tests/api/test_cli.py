"""The ``onewindow`` command line, run as a real process on a fresh SQLite database."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import httpx


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_migrate_tenant_and_user_commands(tmp_path):
    env = {
        **os.environ,
        "ONEWINDOW_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}",
        "ONEWINDOW_DATA_DIR": str(tmp_path),
    }
    env.pop("ONEWINDOW_MIGRATION_DATABASE_URL", None)
    assert _run(env, "migrate").returncode == 0
    created = _run(
        env,
        "tenant",
        "create",
        "--code",
        "320826",
        "--name",
        "涟水县",
        "--admin",
        "boss",
        "--password",
        "boss-password-1",
    )
    assert created.returncode == 0, created.stderr
    assert "320826" in created.stdout
    duplicate = _run(env, "tenant", "create", "--code", "320826", "--name", "涟水县")
    assert duplicate.returncode == 2 and "DUPLICATE_TENANT" in duplicate.stderr
    bad = _run(env, "tenant", "create", "--code", "32082", "--name", "短码县")
    assert bad.returncode == 2 and "INVALID_DIVISION_CODE" in bad.stderr
    operator = _run(env, "user", "create", "--username", "ops", "--password", "ops-password-1")
    assert operator.returncode == 0, operator.stderr
    second_admin = _run(
        env,
        "user",
        "create",
        "--tenant",
        "320826",
        "--username",
        "deputy",
        "--password",
        "deputy-password-1",
        "--county-admin",
    )
    assert second_admin.returncode == 0, second_admin.stderr
    weak = _run(env, "user", "create", "--tenant", "320826", "--username", "w", "--password", "x")
    assert weak.returncode == 2 and "WEAK_PASSWORD" in weak.stderr

    # the accounts the commands made can sign in, with the roles they were given
    asyncio.run(_check_logins(env["ONEWINDOW_DATABASE_URL"]))


async def _check_logins(url: str) -> None:
    from api.app import create_app
    from api.settings import Settings

    app = create_app(Settings(database_url=url, secret_key="cli-test-secret-" + "x" * 20))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://t"
    ) as http:
        for username, password, tenant in (
            ("boss", "boss-password-1", "320826"),
            ("deputy", "deputy-password-1", "320826"),
            ("ops", "ops-password-1", ""),
        ):
            response = await http.post(
                "/auth/token", data={"username": username, "password": password, "tenant": tenant}
            )
            assert response.status_code == 200, (username, response.text)
            token = response.json()["access_token"]
            me = await http.post(
                "/graphql",
                json={"query": "{ me { roles { role } } }"},
                headers={"Authorization": f"Bearer {token}"},
            )
            roles = [r["role"] for r in me.json()["data"]["me"]["roles"]]
            assert roles == (["PLATFORM_OPERATOR"] if tenant == "" else ["COUNTY_ADMIN"])


def test_export_schema_matches_committed(tmp_path):
    target = tmp_path / "schema.graphql"
    result = _run(dict(os.environ), "export-schema", "--output", str(target))
    assert result.returncode == 0
    from api.schema import export_sdl

    assert target.read_text(encoding="utf-8") == export_sdl()
