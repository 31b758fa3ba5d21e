"""Asking where to upload a file (a certificate scan, a roster workbook)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from api.gql.context import app_context
from api.storage import storage_for
from workforce import uploads
from workforce.schema.files import UploadTarget
from workforce.schema.inputs import RequestUploadInput
from workforce.schema.mutations.change import changed
from workforce.schema.payloads import UploadPayload


@strawberry.type
class UploadMutation:
    @strawberry.mutation(description="申请上传:返回直传地址(S3 预签名或本服务的上传接口)")
    async def request_upload(self, info: Info, input: RequestUploadInput) -> UploadPayload:
        files = storage_for(app_context(info).settings)
        upload, errors = await changed(
            info,
            UploadTarget.from_target,
            lambda session, actor: uploads.upload_target(files, actor, input.purpose),
        )
        return UploadPayload(upload=upload, user_errors=errors)
