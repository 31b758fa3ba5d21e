"""JWT access tokens (PyJWT, HS256)."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import jwt

from api.lru import LRU
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


# Tokens whose signature was already checked, with their expiry: every authenticated request
# carries the same token again and again, and checking its HMAC and parsing its JSON each time
# cost more than the catalog page it asks for. Only valid tokens are kept, keyed by the secret
# too, and the expiry is checked on every use.
verified = LRU(4096)


def read_token(settings: Settings, token: str) -> TokenClaims | None:
    """The claims of a valid, unexpired token, or None."""
    key = (settings.secret_key, token)
    known: tuple[TokenClaims, int] | None = verified.get(key)
    if known is not None:
        if known[1] > time.time():
            return known[0]
        verified.pop(key)
    try:
        payload = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["exp", "sub", "iss"]},
        )
        tenant = payload.get("tid")
        claims = TokenClaims(uuid.UUID(payload["sub"]), uuid.UUID(tenant) if tenant else None)
        expires = int(payload["exp"])
    except (jwt.PyJWTError, ValueError, KeyError, TypeError):
        return None
    verified.put(key, (claims, expires))
    return claims
