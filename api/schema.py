"""The root GraphQL schema: each domain's Query / Mutation mixins combined."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import cache

import strawberry
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.extensions.disable_introspection import DisableIntrospection
from strawberry.relay import Node
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext, Info
from strawberry.utils.logging import StrawberryLogger

from accounts.schema.roles import AuthzMutation
from accounts.schema.tenant import TenantQuery
from accounts.schema.users import AccountMutation, AccountQuery, UserType
from accounts.service import use_staff_link_check
from api.gql.context import app_context
from api.gql.extend import contribute_fields
from api.gql.limits import RequestLimits
from api.gql.nodes import resolve_node
from api.gql.reads import EndRequestReads
from api.gql.trusted import AnonymousTrustedOnly
from api.gql.validation import ValidationByText
from api.planned import PlannedDocuments
from api.settings import Settings
from api.tenants_schema import TenantMutation
from assessment.schema import AssessmentMutation, AssessmentQuery, StaffAssessmentFields
from casework.schema import CaseworkMutation, CaseworkQuery
from catalog.schema import CatalogFastPath, CatalogMutation, CatalogQuery, PublicQuery
from graphql import GraphQLError
from network.schema import NetworkMutation, NetworkQuery, SiteType
from network.staffing import use_staffing
from pay.schema import PayMutation, PayQuery, StaffPayFields
from workforce.access import check_account_link
from workforce.placement import people_to_move, staffed_sites
from workforce.schema import (
    SiteWorkforceFields,
    UserWorkforceFields,
    WorkforceMutation,
    WorkforceQuery,
)
from workforce.schema.types import StaffType

log = logging.getLogger("onewindow.graphql")

# A higher domain's fields on a lower domain's type, added before any schema is built.
contribute_fields(SiteType, SiteWorkforceFields)
contribute_fields(UserType, UserWorkforceFields)  # me { staff { … } }
contribute_fields(StaffType, StaffAssessmentFields, StaffPayFields)
# Linking a new account to a staff record needs workforce's view of where the person works.
use_staff_link_check(check_account_link)
# Who works at a site today: public sites offer only staffed ones; closing waits for a move.
use_staffing(staffed_sites, people_to_move)

# Errors whose message is meant for the client; anything else is masked as an internal error.
EXPOSED_CODES = {
    "FORBIDDEN",
    "UNAUTHENTICATED",
    "BAD_REQUEST",
    "INVALID_ID",
    "INVALID_CURSOR",
    "INVALID_PAGE_SIZE",
    "PAGE_SIZE_EXCEEDED",
    "NOT_FOUND",
    "INVALID_SEARCH",
    "INVALID_LOCATION",
    "INVALID_CHARACTERS",
    "QUERY_TOO_COSTLY",
}


@strawberry.type
class Query(
    AccountQuery,
    TenantQuery,
    NetworkQuery,
    WorkforceQuery,
    CatalogQuery,
    PublicQuery,
    CaseworkQuery,
    AssessmentQuery,
    PayQuery,
):
    @strawberry.field(description="按全局 ID 取任意对象;他县对象返回 null")
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        return await resolve_node(app_context(info), id)


@strawberry.type
class Mutation(
    AccountMutation,
    TenantMutation,
    NetworkMutation,
    AuthzMutation,
    WorkforceMutation,
    CatalogMutation,
    CaseworkMutation,
    AssessmentMutation,
    PayMutation,
):
    pass


def _code(error: GraphQLError) -> str | None:
    return (getattr(error.original_error, "extensions", None) or {}).get("code")


def _should_mask(error: GraphQLError) -> bool:
    if error.original_error is None or error.path is None:
        # Parse, validation and variable-coercion errors describe the request, not the server.
        return False
    code = _code(error)
    return code not in EXPOSED_CODES


class OneWindowSchema(strawberry.Schema):
    """Refusals (FORBIDDEN, NOT_FOUND, …) are the service working as meant: one log line each,
    not a traceback; anything else is logged in full."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        for error in errors:
            code = _code(error)
            if code in EXPOSED_CODES or error.original_error is None:
                log.info("graphql %s: %s (path %s)", code or "REQUEST", error.message, error.path)
            else:
                StrawberryLogger.error(error, execution_context)


_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)


class HideSuggestions(SchemaExtension):
    """Production: no "Did you mean …?" in any error (arguments, types, enum values, input
    fields), so the schema cannot be guessed back out of error messages."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        for error in (result.errors if result else None) or ():
            error.message = _SUGGESTION.sub("", error.message)


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    extensions: list = [
        EndRequestReads,
        ParserCache(maxsize=256),
        ValidationByText,
        QueryDepthLimiter(max_depth=settings.max_query_depth),
        MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        MaxTokensLimiter(max_token_count=settings.max_tokens),
        MaskErrors(should_mask_error=_should_mask, error_message="服务器内部错误"),
        RequestLimits,
        CatalogFastPath,
    ]
    if settings.planned_documents:
        extensions.insert(-1, PlannedDocuments)
    if settings.is_production:
        extensions += [DisableIntrospection(), HideSuggestions]
    if settings.anonymous_trusted_only:
        extensions.append(AnonymousTrustedOnly)
    return OneWindowSchema(
        query=Query,
        mutation=Mutation,
        extensions=extensions,
        config=StrawberryConfig(
            auto_camel_case=True,
            disable_field_suggestions=settings.is_production,
        ),
    )


@cache
def export_sdl() -> str:
    """The schema as SDL, as committed in ``graphql/schema.graphql``."""
    return build_schema().as_str() + "\n"
