"""REST endpoints for files: uploads (local storage), signed downloads, the roster and attendance
import templates."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any
from urllib.parse import quote

from litestar import Response, get, post
from litestar.datastructures import State, UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.status_codes import HTTP_200_OK, HTTP_400_BAD_REQUEST, HTTP_404_NOT_FOUND

from api.settings import Settings
from api.storage import (
    EXTENSIONS,
    MAX_UPLOAD_BYTES,
    XLSX,
    StorageError,
    check_content,
    read_signed,
    storage_for,
)
from assessment import attendance
from workforce.roster import template_bytes

CONTENT_TYPES = {ext: kind for kind, ext in EXTENSIONS.items()}
MULTIPART_SLACK = 64 * 1024


def _error(code: str, message: str, status: int = HTTP_400_BAD_REQUEST) -> Response[dict]:
    return Response({"code": code, "message": message}, status_code=status)


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"}


@post(
    "/uploads/{purpose:str}",
    status_code=HTTP_200_OK,
    request_max_body_size=MAX_UPLOAD_BYTES + MULTIPART_SLACK,
)
async def upload(
    state: State,
    purpose: str,
    data: Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)],
) -> Response[dict[str, str]]:
    """The local-storage counterpart of a presigned S3 POST: fields ``token`` and ``file``."""
    settings: Settings = state.settings
    token = data.get("token")
    payload = read_signed(settings.secret_key, token) if isinstance(token, str) else None
    key = payload.get("u") if payload else None
    if not isinstance(key, str) or key.split("/")[1:2] != [purpose]:
        return _error("INVALID_UPLOAD_TOKEN", "上传凭证无效或已过期")
    file = data.get("file")
    if not isinstance(file, UploadFile):
        return _error("REQUIRED", "请选择文件")
    content = await file.read(MAX_UPLOAD_BYTES + 1)
    try:
        kind = check_content(content, purpose)
    except StorageError as exc:
        return _error(exc.code, exc.message)
    await storage_for(settings).put(key, content, kind)
    return Response({"key": key})


@get("/files/{token:str}")
async def download(state: State, token: str) -> Response:
    settings: Settings = state.settings
    payload = read_signed(settings.secret_key, token)
    key = payload.get("k") if payload else None
    if not isinstance(key, str):
        return _error("INVALID_LINK", "下载链接无效或已过期", HTTP_404_NOT_FOUND)
    try:
        content = await storage_for(settings).get(key)
    except StorageError:
        content = None
    if content is None:
        return _error("NOT_FOUND", "文件不存在", HTTP_404_NOT_FOUND)
    ext = key.rsplit(".", 1)[-1]
    filename = payload.get("f") or key.rsplit("/", 1)[-1]  # type: ignore[union-attr]
    return Response(
        content,
        media_type=CONTENT_TYPES.get(ext, "application/octet-stream"),
        headers=_attachment(filename),
    )


@get("/workforce/roster-template.xlsx")
async def roster_template() -> Response[bytes]:
    content = await asyncio.to_thread(template_bytes)  # openpyxl: not on the event loop
    return Response(content, media_type=XLSX, headers=_attachment("人员花名册导入模板.xlsx"))


@get(attendance.TEMPLATE_PATH)
async def attendance_template() -> Response[bytes]:
    content = await asyncio.to_thread(attendance.template_bytes)
    return Response(content, media_type=XLSX, headers=_attachment("考勤导入模板.xlsx"))


FILE_ROUTES = [upload, download, roster_template, attendance_template]
