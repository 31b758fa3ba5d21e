"""Settings read from ``ONEWINDOW_*`` environment variables."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATA_DIR = Path(os.environ.get("ONEWINDOW_DATA_DIR", "var"))
DEV_SECRET_KEY = "onewindow-development-secret-key-do-not-use-in-production"


class SettingsError(RuntimeError):
    """Raised when the configuration cannot run the service safely."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(f"ONEWINDOW_{name}")
    return value if value not in (None, "") else default


def _int_env(name: str, default: int, minimum: int) -> int:
    raw = _env(name, str(default))
    try:
        value = int(raw or default)
    except ValueError:
        raise SettingsError(f"ONEWINDOW_{name} must be a whole number, not {raw!r}") from None
    if value < minimum:
        raise SettingsError(f"ONEWINDOW_{name} must be at least {minimum}, not {value}")
    return value


@dataclass(frozen=True)
class Settings:
    env: str = "development"
    database_url: str = ""
    migration_database_url: str = ""
    secret_key: str = DEV_SECRET_KEY
    token_ttl_seconds: int = 8 * 3600
    redis_url: str | None = None
    data_dir: Path = field(default=DEFAULT_DATA_DIR)
    s3_endpoint_url: str | None = None
    s3_bucket: str | None = None
    s3_region: str = "us-east-1"
    max_query_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    page_cap: int = 200
    web_workers: int = 1
    # One log line per request costs about as much as serving ``{ __typename }``; a proxy in
    # front usually logs requests already, so the server's own access log is opt-in.
    access_log: bool = False
    # Connections per web worker. Resolvers each take their own session, so one request may hold
    # several at once; connections opened beyond the pool are closed again, and on PostgreSQL a
    # new connection (SCRAM authentication) costs more CPU than the request itself.
    db_pool_size: int = 20
    # How long a request waits for an inline job (embedded default) before answering with the
    # job still running; the work itself never runs on the serving event loop.
    inline_job_wait_seconds: int = 20
    # Inline jobs in processes of their own (their garbage collections never pause serving);
    # off: threads of the serving process.
    inline_jobs_in_process: bool = True
    # Anonymous callers may send only the shipped operations (``api.gql.trusted``).
    anonymous_trusted_only: bool = False
    # Trusted queries with a plan are answered by it (``api.planned``); off: field by field.
    planned_documents: bool = True
    db_max_overflow: int = 20
    # Failed sign-ins allowed per username and per client address within the window; then the
    # key is refused (429) until the window has passed since its first failure.
    login_failures_per_user: int = 5
    login_failures_per_address: int = 50
    login_window_seconds: int = 900

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def graphql_ide(self) -> bool:
        return not self.is_production

    def engine_options(self) -> dict[str, int]:
        return {"pool_size": self.db_pool_size, "max_overflow": self.db_max_overflow}

    @classmethod
    def from_env(cls) -> Settings:
        env = _env("ENV", "development") or "development"
        if env not in ("development", "production"):
            raise SettingsError(f"ONEWINDOW_ENV must be development or production, not {env!r}")
        data_dir = Path(_env("DATA_DIR", str(DEFAULT_DATA_DIR)) or "var")
        default_db = f"sqlite+aiosqlite:///{data_dir / 'onewindow.sqlite3'}"
        database_url = _env("DATABASE_URL", default_db) or default_db
        secret = _env("SECRET_KEY")
        if secret is None:
            if env == "production":
                raise SettingsError("生产环境必须设置 ONEWINDOW_SECRET_KEY")
            secret = DEV_SECRET_KEY
        elif env == "production" and secret == DEV_SECRET_KEY:
            raise SettingsError("生产环境不能使用公开的开发密钥作为 ONEWINDOW_SECRET_KEY")
        elif env == "production" and len(secret) < 32:
            raise SettingsError("ONEWINDOW_SECRET_KEY 至少需要 32 个字符")
        return cls(
            env=env,
            database_url=database_url,
            migration_database_url=_env("MIGRATION_DATABASE_URL", database_url) or database_url,
            secret_key=secret,
            token_ttl_seconds=_int_env("TOKEN_TTL_SECONDS", 28800, 60),
            redis_url=_env("REDIS_URL"),
            data_dir=data_dir,
            s3_endpoint_url=_env("S3_ENDPOINT_URL"),
            s3_bucket=_env("S3_BUCKET"),
            s3_region=_env("S3_REGION", "us-east-1") or "us-east-1",
            web_workers=_int_env("WEB_WORKERS", 1, 1),
            access_log=_env("ACCESS_LOG", "") in {"1", "true", "yes"},
            db_pool_size=_int_env("DB_POOL_SIZE", 20, 1),
            inline_job_wait_seconds=_int_env("INLINE_JOB_WAIT_SECONDS", 20, 0),
            inline_jobs_in_process=_env("INLINE_JOBS_IN_PROCESS", "1") not in {"0", "false", "no"},
            anonymous_trusted_only=_env("ANONYMOUS_TRUSTED_ONLY", "") in {"1", "true", "yes"},
            planned_documents=_env("PLANNED_DOCUMENTS", "1") not in {"0", "false", "no"},
            db_max_overflow=_int_env("DB_MAX_OVERFLOW", 20, 0),
            login_failures_per_user=_int_env("LOGIN_FAILURES_PER_USER", 5, 1),
            login_failures_per_address=_int_env("LOGIN_FAILURES_PER_ADDRESS", 50, 1),
            login_window_seconds=_int_env("LOGIN_WINDOW_SECONDS", 900, 1),
        )
