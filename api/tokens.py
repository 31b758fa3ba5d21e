"""JWT access tokens (PyJWT, HS256)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import jwt

from api.settings import Settings

ALGORITHM = "HS256"
ISSUER = "onewindow"


@dataclass(frozen=True)
class TokenClaims:
    user_id: uuid.UUID
    tenant_id: uuid.UUID | None


def issue_token(settings: Settings, user_id: uuid.UUID, tenant_id: uuid.UUID | None) -> str:
    now = int(time.time())
    payload = {
        "iss": ISSUER,
        "sub": str(user_id),
        "tid": str(tenant_id) if tenant_id else None,
        "iat": now,
        "exp": now + settings.token_ttl_seconds,
    }
    return jwt.encode(payload, settings.secret_key, algorithm=ALGORITHM)


def read_token(settings: Settings, token: str) -> TokenClaims | None:
    """The claims of a valid, unexpired token, or None."""
    try:
        payload = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "sub", "iss"]},
        )
        tenant = payload.get("tid")
        return TokenClaims(uuid.UUID(payload["sub"]), uuid.UUID(tenant) if tenant else None)
    except (jwt.PyJWTError, ValueError, KeyError, TypeError):
        return None
