"""Blob store fixtures. `blob_store` runs a test once per backend: a LocalBlobStore in a fresh
directory and an S3BlobStore against moto's S3 server (real HTTP on 127.0.0.1, an unused port)
with a bucket of its own that the store has not created yet."""

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto.server import ThreadedMotoServer

from docket.storage.blobstore import BlobStore
from docket.storage.local import LocalBlobStore
from docket.storage.s3 import S3BlobStore

S3_REGION = "us-east-1"
S3_CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    # port=0 lets the OS pick a free port; get_host_and_port() reads the one actually bound.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_config(s3_endpoint: str) -> dict[str, Any]:
    """settings.BLOB_STORE for S3, with a bucket name no other test uses."""
    return {
        "BACKEND": "s3",
        "S3_BUCKET": f"docket-test-{uuid.uuid4().hex}",
        "S3_ENDPOINT_URL": s3_endpoint,
        "S3_REGION": S3_REGION,
        "S3_ACCESS_KEY": S3_CREDENTIALS["aws_access_key_id"],
        "S3_SECRET_KEY": S3_CREDENTIALS["aws_secret_access_key"],
        "S3_PREFIX": "blobs/",
    }


@pytest.fixture
def s3_store(s3_config: dict[str, Any]) -> S3BlobStore:
    return S3BlobStore.from_settings(s3_config)


@pytest.fixture
def raw_s3(s3_endpoint: str) -> Any:
    """A plain boto3 client on the same endpoint, for reaching around the store."""
    return boto3.client("s3", endpoint_url=s3_endpoint, region_name=S3_REGION, **S3_CREDENTIALS)


@pytest.fixture(params=["local", pytest.param("s3", marks=pytest.mark.s3)])
def blob_store(request: pytest.FixtureRequest, tmp_path) -> BlobStore:
    if request.param == "local":
        return LocalBlobStore(tmp_path / "store")
    # Looked up lazily so `-m "not s3"` never starts the moto server.
    return request.getfixturevalue("s3_store")


@pytest.fixture
def write_raw(
    blob_store: BlobStore, request: pytest.FixtureRequest
) -> Callable[[str, bytes], None]:
    """Write bytes where the backend's layout puts blob `name`, bypassing the store (as bit rot
    or an operator would). The layout is spelled out here, independently of the store's code."""
    if isinstance(blob_store, LocalBlobStore):

        def write_local(name: str, data: bytes) -> None:
            path = blob_store.root / name[:2] / name[2:4] / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

        return write_local

    assert isinstance(blob_store, S3BlobStore)
    raw = request.getfixturevalue("raw_s3")

    def write_s3(name: str, data: bytes) -> None:
        raw.create_bucket(Bucket=blob_store.bucket)  # idempotent in us-east-1
        key = f"{blob_store.prefix}{name[:2]}/{name}"
        raw.put_object(Bucket=blob_store.bucket, Key=key, Body=data)

    return write_s3
