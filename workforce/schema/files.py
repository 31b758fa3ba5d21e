"""GraphQL types of files in and out: upload targets, the roster import report, and the
background job that exports a roster."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.scalars import JSON
from strawberry.types import Info

from api import storage
from api.gql.context import app_context
from api.gql.errors import UserErrorType, to_user_errors
from api.gql.time import aware
from workers.models import BackgroundJob
from workforce import roster
from workforce.schema.enums import JobStatus


@strawberry.type(name="Job", description="后台任务(如花名册导出)")
class JobType(relay.Node):
    id: relay.NodeID[str]
    kind: str
    status: JobStatus
    error: str | None
    result_filename: str | None
    created_at: datetime
    finished_at: datetime | None
    result_key: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: BackgroundJob) -> JobType:
        return cls(
            id=str(row.id),
            kind=row.kind,
            status=row.status,
            error=row.error,
            result_filename=row.result_filename,
            created_at=aware(row.created_at),  # type: ignore[arg-type]
            finished_at=aware(row.finished_at),
            result_key=row.result_key,
        )

    @strawberry.field(description="结果文件的临时下载链接(完成后才有,15 分钟有效)")
    async def result_url(self, info: Info) -> str | None:
        if self.status is not JobStatus.SUCCEEDED or not self.result_key:
            return None
        files = storage.storage_for(app_context(info).settings)
        return await files.download_url(self.result_key, self.result_filename)


@strawberry.type(description="上传目标:向 url 以 multipart/form-data POST fields 和 file")
class UploadTarget:
    url: str
    fields: JSON
    key: str = strawberry.field(description="上传成功后在 recordCertificate / importRoster 中引用")

    @classmethod
    def from_target(cls, target: storage.UploadTarget) -> UploadTarget:
        return cls(url=target.url, fields=target.fields, key=target.key)


@strawberry.type(description="花名册导入的一行")
class RosterRowReport:
    row: int = strawberry.field(description="Excel 行号")
    name: str | None
    ok: bool
    errors: list[UserErrorType]


@strawberry.type(description="花名册导入结果:任一行有误则整份文件不导入")
class RosterImportReport:
    ok: bool
    created: int
    rows: list[RosterRowReport]

    @classmethod
    def from_report(cls, report: roster.ImportReport) -> RosterImportReport:
        return cls(
            ok=report.ok,
            created=report.created,
            rows=[
                RosterRowReport(row=r.row, name=r.name, ok=r.ok, errors=to_user_errors(r.errors))
                for r in report.rows
            ],
        )
