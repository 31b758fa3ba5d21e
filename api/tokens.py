"""JWT access tokens (PyJWT, HS256)."""

from __future__ import annotations

import threading
import time
import uuid
from collections import OrderedDict
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


class _VerifiedTokens:
    """Tokens whose signature was already checked, with their expiry (an LRU per process).

    Every authenticated request carries the same token again and again; checking its HMAC and
    parsing its JSON each time cost more than the catalog page it asks for. Only valid tokens
    are kept, keyed by the secret too, and the expiry is checked on every use.
    """

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, str], tuple[TokenClaims, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, secret: str, token: str) -> TokenClaims | None:
        with self._lock:
            found = self._items.get((secret, token))
            if found is None:
                return None
            if found[1] <= time.time():
                del self._items[(secret, token)]
                return None
            self._items.move_to_end((secret, token))
            return found[0]

    def put(self, secret: str, token: str, claims: TokenClaims, expires: int) -> None:
        with self._lock:
            self._items[(secret, token)] = (claims, expires)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


verified = _VerifiedTokens()


def read_token(settings: Settings, token: str) -> TokenClaims | None:
    """The claims of a valid, unexpired token, or None."""
    claims = verified.get(settings.secret_key, token)
    if claims is not None:
        return claims
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
    verified.put(settings.secret_key, token, claims, expires)
    return claims
