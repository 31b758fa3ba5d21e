"""Errors that leave the domain layer as GraphQL errors with a stable code."""

from __future__ import annotations


class Forbidden(Exception):
    """A denied action: ``extensions.code = FORBIDDEN`` naming the action and the scope."""

    code = "FORBIDDEN"

    def __init__(self, action: str, scope: str, scope_name: str | None = None) -> None:
        self.action = action
        self.scope = scope
        where = f"「{scope_name}」" if scope_name else scope
        super().__init__(f"无权在{where}执行 {action}")
        # graphql-core copies ``extensions`` of the original error into the response.
        self.extensions = {"code": self.code, "action": action, "scope": scope}


class Unauthenticated(Exception):
    code = "UNAUTHENTICATED"

    def __init__(self, message: str = "未登录或登录已过期") -> None:
        super().__init__(message)
        self.extensions = {"code": self.code}


class BadRequest(Exception):
    """Malformed arguments that are not a business rule (page size, cursors, IDs in queries)."""

    def __init__(self, message: str, code: str = "BAD_REQUEST") -> None:
        super().__init__(message)
        self.code = code
        self.extensions = {"code": code}
