"""The ``onewindow`` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

import uvicorn
from sqlalchemy import select

from accounts.roles import bind
from accounts.service import new_user
from api.app import create_app
from api.demo import load_demo
from api.schema import export_sdl
from api.settings import Settings, SettingsError
from api.tenant_opening import create_tenant
from api.worker import run_worker
from authz.guard import Actor
from authz.roles import Role
from migrations.runner import upgrade
from network.tree import county_center
from tenants.database import Database
from tenants.errors import UserErrors
from tenants.models import Tenant


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        sys.exit(f"onewindow: {exc}")


def cmd_migrate(args: argparse.Namespace) -> None:
    settings = _settings()
    upgrade(settings.migration_database_url)
    print("database is at the latest revision")


def _serve(settings: Settings, host: str, port: int, workers: int | None = None) -> None:
    workers = workers or settings.web_workers
    if workers > 1:
        # Worker processes build the app from the same environment; every cache they keep is
        # keyed by database state (authz_version, release number), so they stay consistent.
        uvicorn.run(
            "api.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
            access_log=settings.access_log,
        )
    else:
        uvicorn.run(
            create_app(settings),
            host=host,
            port=port,
            log_level="info",
            access_log=settings.access_log,
        )


def cmd_serve(args: argparse.Namespace) -> None:
    _serve(_settings(), args.host, args.port, args.workers)


def cmd_demo(args: argparse.Namespace) -> None:
    settings = _settings()
    upgrade(settings.migration_database_url)

    async def load() -> bool:
        db = Database(settings.database_url, **settings.engine_options())
        try:
            return await load_demo(db)
        finally:
            await db.dispose()

    loaded = asyncio.run(load())
    print("demo data loaded" if loaded else "demo data already present, reusing it")
    print(f"serving on http://{args.host}:{args.port}/graphql  (accounts: see README)")
    _serve(settings, args.host, args.port, args.workers)


def cmd_worker(args: argparse.Namespace) -> None:
    run_worker(_settings(), burst=args.burst)


def cmd_export_schema(args: argparse.Namespace) -> None:
    target = Path(args.output)
    target.write_text(export_sdl(), encoding="utf-8")
    print(f"wrote {target}")


def cmd_tenant_create(args: argparse.Namespace) -> None:
    settings = _settings()

    async def run() -> None:
        db = Database(settings.database_url, **settings.engine_options())
        try:
            async with db.transaction(None) as session:
                opened = await create_tenant(
                    db,
                    session,
                    Actor.platform("cli"),
                    code=args.code,
                    name=args.name,
                    admin_username=args.admin,
                    admin_password=args.password,
                )
            print(f"tenant {opened.tenant.code} {opened.tenant.name} created ({opened.tenant.id})")
        finally:
            await db.dispose()

    _run_refusable(run())


def cmd_user_create(args: argparse.Namespace) -> None:
    settings = _settings()

    async def run() -> None:
        db = Database(settings.database_url, **settings.engine_options())
        try:
            tenant_id = None
            if args.tenant:
                async with db.session(None) as session:
                    tenant_id = (
                        await session.execute(select(Tenant.id).where(Tenant.code == args.tenant))
                    ).scalar_one_or_none()
                if tenant_id is None:
                    sys.exit(f"onewindow: no tenant with code {args.tenant}")
            async with db.transaction(tenant_id) as session:
                user = await new_user(
                    session,
                    "cli",
                    username=args.username,
                    password=args.password,
                    display_name=args.display_name,
                )
                await session.flush()
                if args.county_admin:
                    if tenant_id is None:
                        sys.exit("onewindow: --county-admin needs --tenant")
                    root = await county_center(session)
                    await bind(session, "cli", user, Role.COUNTY_ADMIN, root)  # type: ignore[arg-type]
            kind = "platform operator" if tenant_id is None else f"user of {args.tenant}"
            print(f"{kind} {args.username} created")
        finally:
            await db.dispose()

    _run_refusable(run())


def _run_refusable(coro) -> None:
    try:
        asyncio.run(coro)
    except UserErrors as refused:
        for error in refused.errors:
            print(f"onewindow: {error.field or ''} {error.code}: {error.message}", file=sys.stderr)
        sys.exit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="onewindow", description="OneWindow 一窗通")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("migrate", help="apply database migrations").set_defaults(func=cmd_migrate)

    for name, func, help_text in (
        ("serve", cmd_serve, "serve the API"),
        ("demo", cmd_demo, "migrate, load the demo counties and serve"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("--host", default="127.0.0.1")
        p.add_argument("--port", type=int, default=8000)
        p.add_argument(
            "--workers", type=int, help="web worker processes (default ONEWINDOW_WEB_WORKERS or 1)"
        )
        p.set_defaults(func=func)

    worker = sub.add_parser("worker", help="run the arq worker (needs ONEWINDOW_REDIS_URL)")
    worker.add_argument("--burst", action="store_true", help="stop when the queue is empty")
    worker.set_defaults(func=cmd_worker)

    export = sub.add_parser("export-schema", help="write the GraphQL SDL")
    export.add_argument("--output", default="graphql/schema.graphql")
    export.set_defaults(func=cmd_export_schema)

    tenant = sub.add_parser("tenant", help="counties").add_subparsers(dest="action", required=True)
    tc = tenant.add_parser("create", help="open a county with its first administrator")
    tc.add_argument("--code", required=True, help="6-digit division code")
    tc.add_argument("--name", required=True)
    tc.add_argument("--admin", help="username of the first county administrator")
    tc.add_argument("--password", help="password of the first county administrator")
    tc.set_defaults(func=cmd_tenant_create)

    user = sub.add_parser("user", help="accounts").add_subparsers(dest="action", required=True)
    uc = user.add_parser("create", help="create a user (a platform operator without --tenant)")
    uc.add_argument("--tenant", help="6-digit code of the county; omit for a platform operator")
    uc.add_argument("--username", required=True)
    uc.add_argument("--password", required=True)
    uc.add_argument("--display-name")
    uc.add_argument("--county-admin", action="store_true", help="bind county_admin at the root")
    uc.set_defaults(func=cmd_user_create)
    return parser


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    args = build_parser().parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
