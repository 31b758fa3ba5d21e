"""Files the workforce takes in: certificate scans and roster workbooks, uploaded straight to
storage (an S3 presigned POST or this service's own upload endpoint)."""

from __future__ import annotations

from api.storage import PURPOSES, Storage, UploadTarget, new_key
from authz.guard import Actor
from tenants.errors import refuse


async def upload_target(storage: Storage, actor: Actor, purpose: str) -> UploadTarget:
    """Where the client uploads a file for ``purpose`` (``scan`` or ``roster``)."""
    tenant_id = actor.require_tenant_user()
    if purpose not in PURPOSES:
        raise refuse("purpose", "INVALID_PURPOSE", "未知的文件用途")
    return await storage.upload_target(new_key(tenant_id, purpose))
