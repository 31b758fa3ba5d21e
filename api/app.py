"""The Litestar application: token, health and the GraphQL endpoint."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, nullcontext
from datetime import datetime
from typing import Annotated, Any, ClassVar

import msgspec
from cross_web import HTTPException
from litestar import Litestar, Request, Response, get, post
from litestar.background_tasks import BackgroundTasks
from litestar.datastructures import State
from litestar.di import Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.status_codes import (
    HTTP_200_OK,
    HTTP_401_UNAUTHORIZED,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from msgspec import Struct
from strawberry.litestar import make_graphql_controller

from accounts import throttle
from accounts.service import authenticate, load_actor
from accounts.tokens import issue_token, read_token
from api.files import FILE_ROUTES
from api.gql.context import AppContext
from api.gql.operation_kind import is_query
from api.planned import PlannedDocuments, direct
from api.schema import build_schema
from api.settings import Settings
from api.worker import JOB_MODULES
from authz.guard import Actor
from casework.jobs import inline_alerts
from tenants.base import utcnow
from tenants.database import Database
from workers.queue import stop_inline_jobs, use_job_modules, warm_inline_jobs

log = logging.getLogger("onewindow")
# gen0 allocations, gen0 runs per gen1 run, gen1 runs per full run (CPython's: 700, 10, 10)
GC_THRESHOLDS = (20_000, 20, 50)


class TokenForm(Struct):
    username: str = ""
    password: str = ""
    tenant: str = ""


@post("/auth/token", status_code=HTTP_200_OK)
async def token(
    request: Request,
    state: State,
    data: Annotated[TokenForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
) -> Response[dict[str, Any]]:
    """OAuth2-style password login: ``username``, ``password``, ``tenant`` (6-digit code)."""
    settings: Settings = state.settings
    tenant_code = data.tenant.strip() or None
    address = request.client.host if request.client else None
    attempt = throttle.Attempt.of(settings, tenant_code, data.username, address)
    now = state.clock()
    wait = await throttle.retry_after(state.db, attempt, now)
    if wait:
        return Response(
            {"error": "too_many_attempts", "error_description": "登录失败次数过多,请稍后再试"},
            status_code=HTTP_429_TOO_MANY_REQUESTS,
            headers={"Retry-After": str(wait)},
        )
    user = await authenticate(state.db, tenant_code, data.username, data.password)
    if user is None:
        await throttle.record_failure(state.db, attempt, now)
        return Response(
            {"error": "invalid_grant", "error_description": "用户名、密码或县代码错误"},
            status_code=HTTP_401_UNAUTHORIZED,
        )
    async with state.db.transaction(None) as session:
        await throttle.clear(session, attempt.user)
    return Response(
        {
            "access_token": issue_token(settings, user.id, user.tenant_id),
            "token_type": "bearer",
            "expires_in": settings.token_ttl_seconds,
        }
    )


@get("/health")
async def health(state: State) -> Response[dict[str, str]]:
    try:
        await state.db.ping()
    except Exception as exc:  # the point of a health check is to report any failure
        log.warning("health check failed: %s", exc)
        return Response({"status": "unavailable"}, status_code=HTTP_503_SERVICE_UNAVAILABLE)
    return Response({"status": "ok", "database": state.db.dialect})


async def graphql_context(
    request: Request, response: Response
) -> AsyncIterator[dict[str, AppContext]]:
    """The request's context. The caller is read on the request's own read connection, which
    its reads then go on using (``api.gql.reads``); it is closed when the request ends, also
    when the operation never ran (a body that is not a GraphQL request).

    ``response`` is not used here: asking for it orders this dependency after it (see
    ``GraphQLController.dependencies``).
    """
    state = request.app.state
    context = AppContext(
        db=state.db,
        settings=state.settings,
        actor=Actor.anonymous(),
        raw_json=True,
    )
    # A JSON body only (an upload's multipart body is left for strawberry to stream).
    if request.headers.get("content-type", "").lower().startswith("application/json"):
        context.snapshot = is_query(await request.body(), state.settings.max_tokens)
    try:
        header = request.headers.get("authorization")
        if header:
            scheme, _, credentials = header.partition(" ")
            claims = (
                read_token(state.settings, credentials.strip())
                if scheme.lower() == "bearer"
                else None
            )
            signed_in = None
            if claims is not None:
                async with context.connection(claims.tenant_id) as connection:
                    signed_in = await load_actor(
                        state.db, claims.user_id, claims.tenant_id, connection
                    )
            if signed_in is None:
                context.auth_failed = True
                await context.close()  # nothing of this county may be read on it
            else:
                context.actor = signed_in.actor
                if signed_in.actor.tenant_id is not None:
                    context.counters[signed_in.actor.tenant_id] = signed_in.counters
        yield {"app": context}
    finally:
        await context.close()


async def sub_response() -> Response:
    """The response whose headers and cookies a resolver may set. Strawberry provides it with
    ``sync_to_thread``: a hop to a worker thread and back on every request, for a constructor."""
    return Response({}, background=BackgroundTasks([]))


async def no_root_value(custom_context: Any) -> None:
    """The operation's root value (none); asks for the context only to come after it."""
    return None


async def http_context(
    custom_context: dict[str, AppContext], root_value: None, request: Request, response: Response
) -> dict[str, Any]:
    """Strawberry's context for an HTTP request: the request, the sub-response and ours."""
    return {"request": request, "response": response, **custom_context}


def create_app(
    settings: Settings | None = None,
    db: Database | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Litestar:
    settings = settings or Settings.from_env()
    use_job_modules(*JOB_MODULES)
    database = db or Database(settings.database_url, **settings.engine_options())
    schema = build_schema(settings)
    base_controller = make_graphql_controller(
        schema,
        path="/graphql",
        graphql_ide="graphiql" if settings.graphql_ide else None,
        allow_queries_via_get=False,
        context_getter=graphql_context,
    )

    class GraphQLController(base_controller):  # type: ignore[valid-type,misc]
        # One dependency per level — sub-response, our context, root value, strawberry's
        # context — because Litestar resolves two or more at one level in an anyio task group
        # (a task each) on every request.
        dependencies: ClassVar[dict[str, Provide]] = {
            **base_controller.dependencies,
            "response": Provide(sub_response),
            "custom_context": Provide(graphql_context),
            "root_value": Provide(no_root_value),
            "context": Provide(http_context),
        }

        def parse_json(self, data: str | bytes) -> Any:
            # A body of "x", 5 or null is valid JSON but not a GraphQL request: 400, not 500.
            parsed = super().parse_json(data)
            if not isinstance(parsed, dict | list):
                raise HTTPException(400, "请求体必须是 GraphQL 请求对象(JSON object)")
            return parsed

        async def execute_request(
            self, request: Request, context: Any, root_value: Any
        ) -> Response:
            # A trusted operation already validated and planned is answered by its plan here,
            # before strawberry's execution (``api.planned.direct``); anything else, and any
            # plan that steps aside, goes on to strawberry.
            app_context = context.get("app") if isinstance(context, dict) else None
            if (
                app_context is not None
                and PlannedDocuments.enabled
                and settings.planned_documents
                and request.headers.get("content-type", "").lower().startswith("application/json")
            ):
                try:
                    body = msgspec.json.decode(await request.body())
                except msgspec.DecodeError:
                    body = None
                answered = await direct.answer(app_context, body) if body is not None else None
                if answered is not None:
                    return self.create_response(answered, self.temporal_response)
            return await super().execute_request(request, context, root_value)

        def encode_json(self, data: object) -> bytes:
            # msgspec writes UTF-8 directly and is several times faster than json.dumps
            return msgspec.json.encode(data)

    @asynccontextmanager
    async def lifespan(app: Litestar):
        # Everything loaded so far (modules, the schema) lives as long as the process. Moved
        # out of the collector's sight, it no longer makes every full collection walk some
        # 350,000 objects (~130 ms, a pause felt by whichever request is running).
        gc.collect()
        gc.freeze()
        # Young collections less often, full ones rarely: a burst of requests (40 sign-ins at
        # once) otherwise set off full collections that paused every request for ~90 ms.
        gc.set_threshold(*GC_THRESHOLDS)
        # Without Redis (the embedded default) the periodic jobs run here, inline.
        periodic = inline_alerts(settings, clock) if not settings.redis_url else nullcontext()
        # The inline job process starts now, not when the first import waits for it.
        warming = (
            asyncio.create_task(warm_inline_jobs(settings)) if not settings.redis_url else None
        )
        try:
            async with periodic:
                yield
        finally:
            if warming is not None:
                await asyncio.gather(warming, return_exceptions=True)
            await stop_inline_jobs()  # a started import or export finishes before we stop
            if db is None:
                await database.dispose()

    return Litestar(
        route_handlers=[token, health, GraphQLController, *FILE_ROUTES],
        state=State({"settings": settings, "db": database, "clock": clock}),
        lifespan=[lifespan],
        debug=False,
    )
