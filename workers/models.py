"""Background jobs (后台任务) of a county: status and result, queryable by whoever asked."""

from __future__ import annotations

import enum
import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Enum, String, Text, UniqueConstraint, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from tenants.base import Base, Timestamped, UUIDPrimaryKey
from tenants.models import TenantScoped


class JobStatus(enum.StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    REFUSED = "REFUSED"  # the job's input was refused (an import's bad rows): nothing changed


class BackgroundJob(UUIDPrimaryKey, TenantScoped, Timestamped, Base):
    """One request for background work. ``job_key`` makes a repeated request the same job."""

    __tablename__ = "background_jobs"
    __table_args__ = (UniqueConstraint("tenant_id", "job_key"),)

    job_key: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[JobStatus] = mapped_column(
        Enum(JobStatus, native_enum=False, length=16, validate_strings=True),
        default=JobStatus.QUEUED,
    )
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    requested_by: Mapped[str] = mapped_column(String(128))
    requested_by_user_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    result_key: Mapped[str | None] = mapped_column(String(300))
    result_filename: Mapped[str | None] = mapped_column(String(200))
    # what a job reports besides a file (an import's row-by-row report)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
