"""What the casework's mutations answer: the changed object, or ``userErrors``."""

from __future__ import annotations

import strawberry

from api.gql.errors import UserErrorType
from casework.schema.types import CaseType, NoticeType, WindowType


@strawberry.type
class WindowPayload:
    window: WindowType | None
    user_errors: list[UserErrorType]


@strawberry.type
class CasePayload:
    case: CaseType | None
    user_errors: list[UserErrorType]


@strawberry.type
class NoticePayload:
    notice: NoticeType | None
    user_errors: list[UserErrorType]
