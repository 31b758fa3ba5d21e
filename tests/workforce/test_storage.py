"""The storage layer: content sniffing, the local directory, and S3 (moto's server over HTTP)."""

from __future__ import annotations

import uuid

import httpx
import pytest

from api.settings import Settings
from api.storage import (
    MAX_UPLOAD_BYTES,
    PDF,
    PNG,
    LocalStorage,
    S3Storage,
    StorageError,
    check_content,
    key_belongs_to,
    new_key,
    read_checked,
)
from tests.support.factories import make_county
from tests.support.graphql import gid, gql
from tests.support.services import MotoS3Server
from tests.support.workforce import hire

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64
UPLOAD_SCAN = 'mutation { requestUpload(input: {purpose: "scan"}) { upload { url fields key } } }'


@pytest.mark.parametrize(("data", "kind"), [(PDF_BYTES, PDF), (PNG_BYTES, PNG)])
def test_scans_are_recognised_by_content(data, kind):
    assert check_content(data, "scan") == kind
    assert check_content(JPEG_BYTES, "scan") == "image/jpeg"


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"just text, named scan.pdf", "UNSUPPORTED_FILE_TYPE"),
        (b"GIF89a" + b"\x00" * 20, "UNSUPPORTED_FILE_TYPE"),
        (b"", "EMPTY_FILE"),
        (b"%PDF-" + b"\x00" * MAX_UPLOAD_BYTES, "FILE_TOO_LARGE"),
    ],
)
def test_other_content_is_refused(data, code):
    with pytest.raises(StorageError) as caught:
        check_content(data, "scan")
    assert caught.value.code == code


def test_keys_belong_to_one_county():
    tenant = uuid.uuid4()
    key = new_key(tenant, "scan", PDF)
    assert key.endswith(".pdf") and key_belongs_to(key, tenant, "scan")
    assert not key_belongs_to(key, uuid.uuid4(), "scan")
    assert not key_belongs_to(key, tenant, "roster")
    assert not key_belongs_to(f"{tenant}/scan/../../etc", tenant, "scan")


async def test_local_storage_round_trip(tmp_path):
    storage = LocalStorage(tmp_path, "secret")
    key = new_key(uuid.uuid4(), "scan", PDF)
    await storage.put(key, PDF_BYTES, PDF)
    assert await storage.get(key) == PDF_BYTES
    assert (await read_checked(storage, key, "scan"))[1] == PDF
    assert (await storage.download_url(key)).startswith("/files/")
    bad = new_key(uuid.uuid4(), "scan")
    await storage.put(bad, b"not a scan", "text/plain")
    with pytest.raises(StorageError):
        await read_checked(storage, bad, "scan")
    assert await storage.get(bad) is None  # a refused upload is deleted
    with pytest.raises(StorageError):
        await storage.get("../../etc/passwd")


async def test_upload_and_download_through_the_api(db, client):
    county = await make_county(db, "上传县")
    token = county.token("admin")
    result = await gql(
        client,
        'mutation { requestUpload(input: {purpose: "scan"}) { upload { url fields key } '
        "userErrors { code } } }",
        token=token,
    )
    upload = result["data"]["requestUpload"]["upload"]
    assert upload["key"].startswith(f"{county.tenant_id}/scan/")
    refused = await client.post(
        upload["url"], data=upload["fields"], files={"file": ("scan.pdf", b"hello", "text/plain")}
    )
    assert refused.status_code == 400 and refused.json()["code"] == "UNSUPPORTED_FILE_TYPE"
    forged = await client.post(
        upload["url"], data={"token": "x.y"}, files={"file": ("a.pdf", PDF_BYTES, PDF)}
    )
    assert forged.status_code == 400 and forged.json()["code"] == "INVALID_UPLOAD_TOKEN"
    stored = await client.post(
        upload["url"], data=upload["fields"], files={"file": ("scan.pdf", PDF_BYTES, PDF)}
    )
    assert stored.status_code == 200 and stored.json() == {"key": upload["key"]}
    bad_purpose = await gql(
        client,
        'mutation { requestUpload(input: {purpose: "exe"}) { upload { key } '
        "userErrors { code } } }",
        token=token,
    )
    assert bad_purpose["data"]["requestUpload"]["userErrors"] == [{"code": "INVALID_PURPOSE"}]
    assert (await client.get("/files/not-a-token")).status_code == 404


@pytest.fixture(scope="module")
def moto_s3():
    with MotoS3Server() as server:
        yield server


async def test_s3_storage_with_presigned_urls_over_http(moto_s3):
    import boto3

    settings = Settings(
        s3_bucket="onewindow-test", s3_endpoint_url=moto_s3.endpoint_url, secret_key="x" * 40
    )
    client = boto3.client("s3", endpoint_url=moto_s3.endpoint_url, **moto_s3.client_kwargs)
    storage = S3Storage(settings, client=client)
    await storage.ensure_bucket()
    tenant = uuid.uuid4()

    key = new_key(tenant, "scan", PDF)
    await storage.put(key, PDF_BYTES, PDF)
    assert await storage.get(key) == PDF_BYTES
    assert await storage.get(new_key(tenant, "scan", PDF)) is None

    # A client uploads straight to S3 with the presigned POST, then the server checks content.
    target = await storage.upload_target(new_key(tenant, "scan"))
    async with httpx.AsyncClient() as http:
        posted = await http.post(
            target.url, data=target.fields, files={"file": ("scan.png", PNG_BYTES, PNG)}
        )
        assert posted.status_code in (200, 201, 204), posted.text
        assert (await read_checked(storage, target.key, "scan"))[1] == PNG
        url = await storage.download_url(target.key, "证书.png")
        assert "Signature=" in url
        downloaded = await http.get(url)
        assert downloaded.status_code == 200 and downloaded.content == PNG_BYTES

        sneaky = await storage.upload_target(new_key(tenant, "scan"))
        await http.post(
            sneaky.url, data=sneaky.fields, files={"file": ("x.pdf", b"MZ\x90\x00exe", PDF)}
        )
    with pytest.raises(StorageError) as caught:
        await read_checked(storage, sneaky.key, "scan")
    assert caught.value.code == "UNSUPPORTED_FILE_TYPE"
    assert await storage.get(sneaky.key) is None
    await storage.delete(key)
    assert await storage.get(key) is None


async def test_certificate_scan_goes_through_storage(db, client):
    county = await make_county(db, "扫描县")
    person = await hire(county, "town_a")
    token = county.token("admin")
    target = (
        await gql(
            client,
            'mutation { requestUpload(input: {purpose: "scan"}) { upload { url fields key } } }',
            token=token,
        )
    )["data"]["requestUpload"]["upload"]
    await client.post(target["url"], data=target["fields"], files={"file": ("s.jpg", JPEG_BYTES)})
    doc = """mutation($input: RecordCertificateInput!) { recordCertificate(input: $input) {
      staff { skillLevel certificates { number scanUrl } } userErrors { field code } } }"""
    result = await gql(
        client,
        doc,
        {
            "input": {
                "staffId": gid("Staff", person.id),
                "level": "LEVEL_5",
                "number": f"SCAN-{county.code}",
                "issuedOn": "2025-05-05",
                "scanUploadKey": target["key"],
            }
        },
        token,
    )
    payload = result["data"]["recordCertificate"]
    assert payload["userErrors"] == []
    url = payload["staff"]["certificates"][0]["scanUrl"]
    downloaded = await client.get(url)
    assert downloaded.status_code == 200 and downloaded.content == JPEG_BYTES
    missing = await gql(
        client,
        doc,
        {
            "input": {
                "staffId": gid("Staff", person.id),
                "level": "LEVEL_4",
                "number": f"SCAN2-{county.code}",
                "issuedOn": "2025-05-05",
                "scanUploadKey": f"{county.tenant_id}/scan/nothing.pdf",
            }
        },
        token,
    )
    assert missing["data"]["recordCertificate"]["userErrors"] == [
        {"field": "scanUploadKey", "code": "UPLOAD_NOT_FOUND"}
    ]


async def test_the_api_with_s3_configured(db, settings, moto_s3, monkeypatch):
    """With ONEWINDOW_S3_* set the API hands out presigned S3 URLs (moto over HTTP)."""
    from dataclasses import replace

    from api.app import create_app
    from api.storage import storage_for

    for name, value in (
        ("AWS_ACCESS_KEY_ID", moto_s3.access_key_id),
        ("AWS_SECRET_ACCESS_KEY", moto_s3.secret_access_key),
        ("AWS_DEFAULT_REGION", moto_s3.region),
    ):
        monkeypatch.setenv(name, value)
    s3_settings = replace(
        settings, s3_bucket=f"ow-{uuid.uuid4().hex[:8]}", s3_endpoint_url=moto_s3.endpoint_url
    )
    storage = storage_for(s3_settings)
    assert isinstance(storage, S3Storage)
    await storage.ensure_bucket()
    county = await make_county(db, "云存储县")
    person = await hire(county, "town_a")
    token = county.token("admin")
    app = create_app(s3_settings, db)
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as api,
        httpx.AsyncClient() as outside,
    ):
        upload = (
            await gql(
                api,
                UPLOAD_SCAN,
                token=token,
            )
        )["data"]["requestUpload"]["upload"]
        assert upload["url"].startswith(moto_s3.endpoint_url)
        posted = await outside.post(
            upload["url"], data=upload["fields"], files={"file": ("s.pdf", PDF_BYTES, PDF)}
        )
        assert posted.status_code in (200, 201, 204), posted.text
        result = await gql(
            api,
            """mutation($input: RecordCertificateInput!) { recordCertificate(input: $input) {
              staff { certificates { scanUrl } } userErrors { field code } } }""",
            {
                "input": {
                    "staffId": gid("Staff", person.id),
                    "level": "LEVEL_5",
                    "number": f"S3-{county.code}",
                    "issuedOn": "2025-05-05",
                    "scanUploadKey": upload["key"],
                }
            },
            token,
        )
        payload = result["data"]["recordCertificate"]
        assert payload["userErrors"] == []
        url = payload["staff"]["certificates"][0]["scanUrl"]
        assert url.startswith(moto_s3.endpoint_url) and "Signature" in url
        downloaded = await outside.get(url)
        assert downloaded.status_code == 200 and downloaded.content == PDF_BYTES
