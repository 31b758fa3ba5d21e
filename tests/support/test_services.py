"""The test-suite services work as production expects: the app role is neither superuser,
BYPASSRLS nor table owner, yet can use the owner's tables; Redis answers; S3 presigns."""

import asyncio
import urllib.request
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.support import services


@pytest.fixture
def database():
    services.require_or_skip(services.postgres_available(), "PostgreSQL")
    db = services.create_test_database()
    try:
        yield db
    finally:
        db.drop()


def test_app_role_uses_owner_tables_without_owning_them(database):
    async def check() -> None:
        owner = create_async_engine(database.owner_url)
        app = create_async_engine(database.app_url)
        try:
            async with owner.begin() as conn:
                await conn.execute(
                    text("create table probe (id serial primary key, note text not null)")
                )

            async with app.begin() as conn:
                who = (
                    await conn.execute(
                        text(
                            "select current_user, rolsuper, rolbypassrls"
                            " from pg_roles where rolname = current_user"
                        )
                    )
                ).one()
                assert tuple(who) == (services.POSTGRES_APP_USER, False, False)

                await conn.execute(text("insert into probe (note) values ('from app')"))
                notes = (await conn.execute(text("select note from probe"))).scalars().all()
                assert notes == ["from app"]

                table_owner = (
                    await conn.execute(
                        text("select tableowner from pg_tables where tablename = 'probe'")
                    )
                ).scalar_one()
                assert table_owner == "onewindow_owner"

                # Not the owner: DDL on the table is refused.
                with pytest.raises(Exception, match="must be owner"):
                    async with conn.begin_nested():
                        await conn.execute(text("alter table probe add column x int"))
        finally:
            await app.dispose()
            await owner.dispose()

    asyncio.run(check())


def test_drop_removes_database_even_with_open_sessions():
    services.require_or_skip(services.postgres_available(), "PostgreSQL")
    db = services.create_test_database()

    async def open_session_then_drop() -> bool:
        engine = create_async_engine(db.app_url)
        try:
            async with engine.connect() as conn:
                await conn.execute(text("select 1"))
                db.drop()  # the app session is still open: WITH (FORCE) ends it
        except Exception:
            pass  # the terminated connection may complain on close
        finally:
            await engine.dispose()
        return True

    try:
        asyncio.run(open_session_then_drop())
        db.drop()  # a second drop is harmless

        async def exists() -> bool:
            import asyncpg

            conn = await asyncpg.connect(services._asyncpg_dsn(services._admin_url()))
            try:
                return bool(
                    await conn.fetchval("select 1 from pg_database where datname = $1", db.name)
                )
            finally:
                await conn.close()

        assert not asyncio.run(exists())
    finally:
        db.drop()


def test_redis_round_trip():
    services.require_or_skip(services.redis_available(), "Redis")
    import redis

    key = f"onewindow-test-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(services.REDIS_URL)
    try:
        client.set(key, "1")
        assert client.get(key) == b"1"
        services.flush_redis_db(services.REDIS_URL)
        assert client.dbsize() == 0
    finally:
        client.close()


def test_redis_unavailable_is_reported():
    assert services.redis_available("redis://127.0.0.1:1/0") is False


def test_moto_s3_server_presigned_get():
    import boto3

    with services.MotoS3Server() as s3:
        assert s3.endpoint_url.startswith("http://127.0.0.1:")
        client = boto3.client("s3", endpoint_url=s3.endpoint_url, **s3.client_kwargs)
        client.create_bucket(Bucket="onewindow-test")
        client.put_object(Bucket="onewindow-test", Key="a/b.txt", Body=b"hello")
        url = client.generate_presigned_url(
            "get_object", Params={"Bucket": "onewindow-test", "Key": "a/b.txt"}, ExpiresIn=60
        )
        assert url.startswith(s3.endpoint_url)
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read() == b"hello"

        s3.reset()
        assert client.list_buckets()["Buckets"] == []


def test_require_or_skip(monkeypatch):
    services.require_or_skip(True, "anything")  # no-op

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="Widget is required when CI=true"):
        services.require_or_skip(False, "Widget")

    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception):
        services.require_or_skip(False, "Widget")
