"""Importing the county's catalog from a spreadsheet: all rows or none, reported row by row."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.gql.errors import UserErrorType, mutate, to_user_errors
from catalog import importer
from catalog.schema.inputs import ImportCatalogInput


@strawberry.type(name="ImportRow", description="导入报告的一行")
class ImportRowType:
    row: int
    code: str | None
    ok: bool
    errors: list[UserErrorType]


@strawberry.type
class ImportCatalogPayload:
    imported: int = strawberry.field(description="导入的事项数(失败时为 0)")
    rows: list[ImportRowType]
    user_errors: list[UserErrorType]

    @classmethod
    def of(
        cls, report: importer.ImportReport | None, errors: list[UserErrorType]
    ) -> ImportCatalogPayload:
        return cls(
            imported=report.imported if report and not errors else 0,
            rows=[
                ImportRowType(
                    row=r.row, code=r.code, ok=not r.errors, errors=to_user_errors(r.errors)
                )
                for r in (report.rows if report else [])
            ],
            user_errors=errors,
        )


@strawberry.type
class ImportMutation:
    @strawberry.mutation(description="从 .xlsx 导入县级目录:全部成功才导入,并逐行报告")
    async def import_catalog(self, info: Info, input: ImportCatalogInput) -> ImportCatalogPayload:
        refused: list[importer.ImportReport] = []  # the report of a rolled-back import

        async def change(session, actor):
            try:
                return await importer.import_catalog(session, actor, input.content())
            except importer.ImportRefused as refusal:
                refused.append(refusal.report)
                raise

        report, errors = await mutate(info, change)
        return ImportCatalogPayload.of(report or next(iter(refused), None), errors)
