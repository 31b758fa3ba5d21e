"""GraphQL types of files in and out: upload targets and the roster import report (the Job
type is ``api.gql.jobs.JobType``, re-exported here for the domains that import it from here)."""

from __future__ import annotations

import strawberry
from strawberry.scalars import JSON

from api import storage
from api.gql.errors import UserErrorType, to_user_errors
from api.gql.jobs import JobType
from tenants.errors import UserError
from workers.models import JobStatus
from workers.reports import read_errors, read_rows
from workforce import roster

__all__ = ["JobType", "RosterImportReport", "RosterRowReport", "UploadTarget"]


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
    def from_result(cls, result: dict) -> RosterImportReport:
        """From the import job's result (``workforce.jobs.import_result_of``)."""
        return cls(
            ok=bool(result.get("ok")),
            created=int(result.get("imported", 0)),
            rows=[
                RosterRowReport(
                    row=r.row, name=r.label, ok=not r.errors, errors=to_user_errors(r.errors)
                )
                for r in read_rows(result)
            ],
        )

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


def report_of_job(job: JobType) -> tuple[RosterImportReport | None, list[UserErrorType]]:
    """A roster-shaped import job's report and userErrors (the file's and every row's), as the
    import mutations answer them; (None, []) while the job runs."""
    if job.status is JobStatus.FAILED:
        failed = UserError("uploadKey", "IMPORT_FAILED", "导入任务失败,请稍后重试")
        return None, to_user_errors([failed])
    if job.result is None:
        return None, []
    errors = read_errors(job.result.get("errors", [])) + [
        e for r in read_rows(job.result) for e in r.errors
    ]
    return RosterImportReport.from_result(job.result), to_user_errors(errors)
