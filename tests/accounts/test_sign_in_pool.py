"""A sign-in verifies its password (argon2, tens of milliseconds by design) with no database
connection held: a burst of bad logins waits for the hashing threads, not in the pool that every
request — ``/health`` included — needs."""

from __future__ import annotations

from sqlalchemy import select

from accounts import service
from accounts.models import User
from tests.support.factories import PASSWORD

COUNTY_NAME = "登录连接县"


async def test_passwords_are_verified_with_no_connection_held(db, county, monkeypatch):
    held: list[int] = []
    idle = db.engine.pool.checkedout()
    verify = service.verify_password

    async def watched(password_hash, password):
        held.append(db.engine.pool.checkedout() - idle)
        return await verify(password_hash, password)

    monkeypatch.setattr(service, "verify_password", watched)
    assert await service.authenticate(db, county.code, "admin", "wrong-password-1") is None
    assert await service.authenticate(db, county.code, "nobody", PASSWORD) is None
    assert await service.authenticate(db, "999999", "admin", PASSWORD) is None
    signed_in = await service.authenticate(db, county.code, "admin", PASSWORD)
    assert signed_in is not None
    assert held == [0, 0, 0, 0]
    async with db.session(county.tenant_id) as session:
        user = (await session.execute(select(User).where(User.username == "admin"))).scalar_one()
    assert user.last_login_at is not None
