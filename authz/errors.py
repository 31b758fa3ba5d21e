"""Errors that leave the domain layer as GraphQL errors with a stable code."""

from __future__ import annotations


class Forbidden(Exception):
    """A denied action: ``extensions.code = FORBIDDEN`` naming the action and the scope."""

    code = "FORBIDDEN"

    def __init__(self, action: str, scope: str, scope_name: str | None = None) -> None:
        self.action = action
        self.scope = scope
        # People read the scope's name (无权在 涟水县高沟镇便民服务中心 执行 staff:read); the id
        # stays in ``extensions.scope`` for programs.
        where = scope_name or scope
        super().__init__(f"无权在 {where} 执行 {action}")
        # graphql-core copies ``extensions`` of the original error into the response.
        self.extensions = {"code": self.code, "action": action, "scope": scope}
        if scope_name:
            self.extensions["scopeName"] = scope_name


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


# What a person types into a search box: a name, a pinyin spelling, a few words. Anything longer
# is not a search but a payload (the probe sent 60,000 characters).
SEARCH_MAX = 100


def check_argument(
    value: str | None, argument: str, max_len: int, code: str = "BAD_REQUEST"
) -> None:
    """A query's string argument (a search, a filter, a code to look up) longer than the domain
    allows is a GraphQL error with ``code``, before anything is read."""
    if value is not None and len(value) > max_len:
        raise BadRequest(f"参数 {argument} 不能超过 {max_len} 个字符", code)


def check_search(value: str | None, argument: str = "search") -> str | None:
    """A search argument: at most :data:`SEARCH_MAX` characters (``INVALID_SEARCH``)."""
    check_argument(value, argument, SEARCH_MAX, "INVALID_SEARCH")
    return value
