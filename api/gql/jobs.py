"""GraphQL types of background jobs (后台任务): a job's status, its file, an import's report."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry import relay
from strawberry.types import Info

from api import storage
from api.gql.context import app_context
from api.gql.errors import UserErrorType, to_user_errors
from api.gql.time import aware
from workers import models, reports

JobStatus = strawberry.enum(models.JobStatus, name="JobStatus")


@strawberry.type(description="导入报告的一行")
class ImportReportRow:
    row: int = strawberry.field(description="Excel 行号")
    label: str | None = strawberry.field(description="该行所指:事项编码、人员姓名等")
    ok: bool
    errors: list[UserErrorType]


@strawberry.type(description="导入任务的结果:任一行有误则整份文件不导入")
class ImportReport:
    ok: bool
    imported: int = strawberry.field(description="导入的条数(未通过时为 0)")
    rows: list[ImportReportRow]
    user_errors: list[UserErrorType] = strawberry.field(description="整份文件被拒的原因")

    @classmethod
    def from_result(cls, result: dict) -> ImportReport:
        return cls(
            ok=bool(result.get("ok")),
            imported=int(result.get("imported", 0)),
            rows=[
                ImportReportRow(
                    row=r.row, label=r.label, ok=not r.errors, errors=to_user_errors(r.errors)
                )
                for r in reports.read_rows(result)
            ],
            user_errors=to_user_errors(reports.read_errors(result.get("errors", []))),
        )


@strawberry.type(name="Job", description="后台任务(导入、导出、月度结算、工资核算等)")
class JobType(relay.Node):
    id: relay.NodeID[str]
    kind: str
    status: JobStatus
    error: str | None
    result_filename: str | None
    created_at: datetime
    finished_at: datetime | None
    result_key: strawberry.Private[str | None]
    result: strawberry.Private[dict | None]

    @classmethod
    def from_row(cls, row: models.BackgroundJob) -> JobType:
        return cls(
            id=str(row.id),
            kind=row.kind,
            status=row.status,
            error=row.error,
            result_filename=row.result_filename,
            created_at=aware(row.created_at),  # type: ignore[arg-type]
            finished_at=aware(row.finished_at),
            result_key=row.result_key,
            result=row.result,
        )

    @strawberry.field(description="结果文件的临时下载链接(完成后才有,15 分钟有效)")
    async def result_url(self, info: Info) -> str | None:
        if self.status is not models.JobStatus.SUCCEEDED or not self.result_key:
            return None
        files = storage.storage_for(app_context(info).settings)
        return await files.download_url(self.result_key, self.result_filename)

    @strawberry.field(description="导入任务的逐行报告(完成或被拒后才有)")
    def import_report(self) -> ImportReport | None:
        return self.report()

    def report(self) -> ImportReport | None:
        """An import's report, once the job has finished (or been refused)."""
        if self.result is None or "rows" not in self.result:
            return None
        return ImportReport.from_result(self.result)
