"""Blob store fixtures. `blob_store` runs a test once per backend and per mode: a LocalBlobStore
in a fresh directory and an S3BlobStore against moto's S3 server (real HTTP on 127.0.0.1, an
unused port) with a bucket of its own that the store has not created yet; each storing plaintext
and, "-encrypted", with an encryption key (storage/crypto.py)."""

import base64
from collections.abc import Callable
from typing import Any

import pytest

from docket.storage.blobstore import BlobStore
from docket.storage.crypto import Keyring
from docket.storage.local import LocalBlobStore
from docket.storage.s3 import S3BlobStore

# Fixed test keys, as DOCKET_ENCRYPTION_KEY takes them (base64 of 32 bytes).
KEY = base64.b64encode(bytes(range(32))).decode()
NEW_KEY = base64.b64encode(bytes(range(100, 132))).decode()


def keyring(current: str = "", old: str = "") -> Keyring:
    return Keyring.from_config({"ENCRYPTION_KEY": current, "ENCRYPTION_OLD_KEYS": old})


@pytest.fixture
def s3_store(s3_config: dict[str, Any]) -> S3BlobStore:
    return S3BlobStore.from_settings(s3_config)


@pytest.fixture(
    params=[
        "local",
        "local-encrypted",
        pytest.param("s3", marks=pytest.mark.s3),
        pytest.param("s3-encrypted", marks=pytest.mark.s3),
    ]
)
def blob_store(request: pytest.FixtureRequest, tmp_path) -> BlobStore:
    backend, _, mode = request.param.partition("-")
    store: BlobStore
    if backend == "local":
        store = LocalBlobStore(tmp_path / "store")
    else:
        # Looked up lazily so `-m "not s3"` never starts the moto server.
        store = request.getfixturevalue("s3_store")
    if mode == "encrypted":
        store.keyring = keyring(KEY)
    return store


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


@pytest.fixture
def read_raw(blob_store: BlobStore, request: pytest.FixtureRequest) -> Callable[[str], bytes]:
    """The bytes stored for blob `name`, read around the store (the twin of write_raw)."""
    if isinstance(blob_store, LocalBlobStore):
        return lambda name: (blob_store.root / name[:2] / name[2:4] / name).read_bytes()

    assert isinstance(blob_store, S3BlobStore)
    raw = request.getfixturevalue("raw_s3")

    def read_s3(name: str) -> bytes:
        key = f"{blob_store.prefix}{name[:2]}/{name}"
        return raw.get_object(Bucket=blob_store.bucket, Key=key)["Body"].read()

    return read_s3
