"""The root GraphQL schema: each domain's Query / Mutation mixins combined."""

from __future__ import annotations

from functools import cache

import strawberry
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.extensions.disable_introspection import DisableIntrospection
from strawberry.relay import Node
from strawberry.schema.config import StrawberryConfig
from strawberry.types import Info

from accounts.schema.roles import AuthzMutation
from accounts.schema.tenant import TenantQuery
from accounts.schema.users import AccountMutation, AccountQuery
from api.gql.context import app_context
from api.gql.extend import contribute_fields
from api.gql.nodes import resolve_node
from api.settings import Settings
from api.tenants_schema import TenantMutation
from catalog.fastpath import CatalogFastPath
from catalog.public_schema import PublicQuery
from catalog.schema import CatalogMutation, CatalogQuery
from graphql import GraphQLError
from network.schema import NetworkMutation, NetworkQuery, SiteType
from workforce.schema import SiteWorkforceFields, WorkforceMutation, WorkforceQuery

# A higher domain's fields on a lower domain's type, added before any schema is built.
contribute_fields(SiteType, SiteWorkforceFields)

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
}


@strawberry.type
class Query(AccountQuery, TenantQuery, NetworkQuery, WorkforceQuery, CatalogQuery, PublicQuery):
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
):
    pass


def _should_mask(error: GraphQLError) -> bool:
    original = error.original_error
    if original is None or error.path is None:
        # Parse, validation and variable-coercion errors describe the request, not the server.
        return False
    code = (getattr(original, "extensions", None) or {}).get("code")
    return code not in EXPOSED_CODES


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    settings = settings or Settings()
    extensions: list = [
        ParserCache(maxsize=256),
        ValidationCache(maxsize=256),
        QueryDepthLimiter(max_depth=settings.max_query_depth),
        MaxAliasesLimiter(max_alias_count=settings.max_aliases),
        MaxTokensLimiter(max_token_count=settings.max_tokens),
        MaskErrors(should_mask_error=_should_mask, error_message="服务器内部错误"),
        CatalogFastPath,
    ]
    if settings.is_production:
        extensions.append(DisableIntrospection())
    return strawberry.Schema(
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
