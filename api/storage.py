"""File storage: S3 through boto3 (presigned URLs) when ``ONEWINDOW_S3_BUCKET`` is set, a local
directory (``settings.data_dir / "files"``) otherwise.

Keys are ``<tenant id>/<purpose>/<uuid>.<ext>``: a key names its county, and services refuse a
key of another county. Uploaded content is checked by its bytes, not its name.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from api.settings import Settings

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
URL_TTL_SECONDS = 15 * 60

# Sniffed content types and the extension a stored file gets.
PDF, JPEG, PNG, XLSX = (
    "application/pdf",
    "image/jpeg",
    "image/png",
    ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
)
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png", XLSX: "xlsx"}
SCAN_TYPES = frozenset({PDF, JPEG, PNG})
ROSTER_TYPES = frozenset({XLSX})
PURPOSES: dict[str, frozenset[str]] = {"scan": SCAN_TYPES, "roster": ROSTER_TYPES}


class StorageError(Exception):
    """A file that is refused: wrong kind, too large, missing. ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sniff(head: bytes) -> str | None:
    """The content type from the first bytes: PDF, JPEG, PNG or XLSX (a ZIP with xl/ inside)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return XLSX
    return None


def check_content(data: bytes, purpose: str) -> str:
    """The content type of an upload, or StorageError when it may not be stored."""
    allowed = PURPOSES.get(purpose)
    if allowed is None:
        raise StorageError("INVALID_PURPOSE", "未知的文件用途")
    if len(data) == 0:
        raise StorageError("EMPTY_FILE", "文件为空")
    if len(data) > MAX_UPLOAD_BYTES:
        raise StorageError("FILE_TOO_LARGE", "文件不能超过 10 MB")
    kind = sniff(data[:16])
    if kind == XLSX and b"xl/" not in data[:65536] and b"[Content_Types].xml" not in data:
        kind = None
    if kind not in allowed:
        names = "PDF、JPEG 或 PNG" if purpose == "scan" else "Excel(.xlsx)"
        raise StorageError("UNSUPPORTED_FILE_TYPE", f"只接受 {names} 文件(按内容识别)")
    return kind  # type: ignore[return-value]


def new_key(tenant_id: uuid.UUID, purpose: str, content_type: str | None = None) -> str:
    ext = EXTENSIONS.get(content_type or "", "bin")
    return f"{tenant_id}/{purpose}/{uuid.uuid4().hex}.{ext}"


def key_belongs_to(key: str, tenant_id: uuid.UUID, purpose: str) -> bool:
    parts = key.split("/")
    return (
        len(parts) == 3 and parts[0] == str(tenant_id) and parts[1] == purpose and ".." not in key
    )


@dataclass(frozen=True)
class UploadTarget:
    """Where a client sends a file: a presigned S3 POST, or this API's own upload endpoint."""

    url: str
    fields: dict[str, str]
    key: str


class Storage(Protocol):
    async def put(self, key: str, data: bytes, content_type: str) -> None: ...
    async def get(self, key: str) -> bytes | None: ...
    async def delete(self, key: str) -> None: ...
    async def download_url(self, key: str, filename: str | None = None) -> str: ...
    async def upload_target(self, key: str) -> UploadTarget: ...


def _sign(secret: str, payload: dict[str, Any]) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()
    mac = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:32]
    return f"{body}.{mac}"


def read_signed(secret: str, token: str) -> dict[str, Any] | None:
    """The payload of a link this server signed, or None (bad signature or expired)."""
    body, _, mac = token.rpartition(".")
    if not body:
        return None
    expected = hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:32]
    if not hmac.compare_digest(mac, expected):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(body.encode()))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or payload.get("exp", 0) < time.time():
        return None
    return payload


class LocalStorage:
    """Files under a directory; links are signed, expiring ``/files/<token>`` URLs."""

    def __init__(self, root: Path, secret: str) -> None:
        self.root = root
        self.secret = secret

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise StorageError("INVALID_KEY", "文件键无效")
        return path

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)

        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.write_bytes(data)
            tmp.replace(path)

        await asyncio.to_thread(write)

    async def get(self, key: str) -> bytes | None:
        path = self._path(key)
        return await asyncio.to_thread(lambda: path.read_bytes() if path.is_file() else None)

    async def delete(self, key: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(lambda: path.unlink(missing_ok=True))

    async def download_url(self, key: str, filename: str | None = None) -> str:
        token = _sign(
            self.secret, {"k": key, "f": filename, "exp": int(time.time()) + URL_TTL_SECONDS}
        )
        return f"/files/{token}"

    async def upload_target(self, key: str) -> UploadTarget:
        purpose = key.split("/")[1]
        token = _sign(self.secret, {"u": key, "exp": int(time.time()) + URL_TTL_SECONDS})
        return UploadTarget(url=f"/uploads/{purpose}", fields={"token": token}, key=key)


class S3Storage:
    """An S3 bucket (any S3-compatible store) through boto3; links are presigned."""

    def __init__(self, settings: Settings, client: Any | None = None) -> None:
        # boto3 takes ~0.3 s to import; the embedded default (local files) never needs it.
        import boto3
        from botocore.config import Config

        self.bucket = settings.s3_bucket or ""
        self.client = client or boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint_url,
            region_name=settings.s3_region,
            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
        )

    async def ensure_bucket(self) -> None:
        def create() -> None:
            try:
                self.client.head_bucket(Bucket=self.bucket)
            except self.client.exceptions.ClientError:
                self.client.create_bucket(Bucket=self.bucket)

        await asyncio.to_thread(create)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object, Bucket=self.bucket, Key=key, Body=data, ContentType=content_type
        )

    async def get(self, key: str) -> bytes | None:
        def read() -> bytes | None:
            try:
                obj = self.client.get_object(Bucket=self.bucket, Key=key)
            except self.client.exceptions.NoSuchKey:
                return None
            except self.client.exceptions.ClientError as exc:
                if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey"):
                    return None
                raise
            body = obj["Body"].read(MAX_UPLOAD_BYTES + 1)
            return body

        return await asyncio.to_thread(read)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.delete_object, Bucket=self.bucket, Key=key)

    async def download_url(self, key: str, filename: str | None = None) -> str:
        params: dict[str, str] = {"Bucket": self.bucket, "Key": key}
        if filename:
            params["ResponseContentDisposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return await asyncio.to_thread(
            self.client.generate_presigned_url,
            "get_object",
            Params=params,
            ExpiresIn=URL_TTL_SECONDS,
        )

    async def upload_target(self, key: str) -> UploadTarget:
        post = await asyncio.to_thread(
            self.client.generate_presigned_post,
            Bucket=self.bucket,
            Key=key,
            Conditions=[["content-length-range", 1, MAX_UPLOAD_BYTES]],
            ExpiresIn=URL_TTL_SECONDS,
        )
        return UploadTarget(url=post["url"], fields=dict(post["fields"]), key=key)


@cache
def _storage_for(settings: Settings) -> Storage:
    if settings.s3_bucket:
        return S3Storage(settings)
    return LocalStorage(Path(settings.data_dir) / "files", settings.secret_key)


def storage_for(settings: Settings) -> Storage:
    """The storage this deployment uses (one per settings object)."""
    return _storage_for(settings)


async def read_checked(storage: Storage, key: str, purpose: str) -> tuple[bytes, str]:
    """Fetch an uploaded file and check its content again (a presigned S3 upload bypasses the
    API): a refused file is deleted."""
    data = await storage.get(key)
    if data is None:
        raise StorageError("UPLOAD_NOT_FOUND", "未找到上传的文件,请重新上传")
    try:
        return data, check_content(data, purpose)
    except StorageError:
        await storage.delete(key)
        raise
