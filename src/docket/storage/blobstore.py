"""The content-addressed blob store: one interface, a backend per kind of storage.

A blob is immutable and named by the SHA-256 of its bytes, so identical content is stored once
and a fixity check is a re-hash. `put` makes a blob durable (temp name, fsync, rename; or one S3
PUT) before returning, so the row that names it can only commit after the bytes are safe.
Backends pass the same contract tests (tests/storage/test_blobstore_contract.py).
"""

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import BinaryIO

from django.conf import settings

from docket.core.errors import InvalidInput, NotFound, TooLarge

CHUNK_SIZE = 1024 * 1024
SHA256_RE = re.compile(r"[0-9a-f]{64}")  # used with fullmatch: no trailing newline


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    created: bool  # False when identical content was already stored


class BlobStore(ABC):
    @abstractmethod
    def put(self, stream: BinaryIO, *, max_bytes: int | None = None) -> StoredBlob:
        """Store the stream's bytes durably. Raises TooLarge past max_bytes, InvalidInput when
        empty; in both cases nothing is stored."""

    @abstractmethod
    def open(self, sha256: str) -> BinaryIO:
        """A readable binary file for the blob. Raises NotFound."""

    @abstractmethod
    def exists(self, sha256: str) -> bool: ...

    @abstractmethod
    def size(self, sha256: str) -> int: ...

    @abstractmethod
    def modified_at(self, sha256: str) -> float:
        """When the blob was written (seconds since the epoch)."""

    @abstractmethod
    def iter_shas(self) -> Iterator[str]:
        """Every stored blob's name (complete blobs only, never temporary files)."""

    @abstractmethod
    def delete(self, sha256: str) -> None:
        """Remove a blob. Only for orphans: a blob a version names is never deleted."""

    def hash(self, sha256: str) -> str:
        """Re-hash the stored bytes (the fixity check)."""
        digest = hashlib.sha256()
        with self.open(sha256) as f:
            while chunk := f.read(CHUNK_SIZE):
                digest.update(chunk)
        return digest.hexdigest()

    def measure(self, sha256: str) -> tuple[int, str]:
        """(size, SHA-256) of the stored bytes, for the fixity check. Raises NotFound."""
        return self.size(sha256), self.hash(sha256)

    def read_bytes(self, sha256: str) -> bytes:
        with self.open(sha256) as f:
            return f.read()


def check_sha256(sha256: str) -> str:
    if not SHA256_RE.fullmatch(sha256):
        raise NotFound(f"no blob named {sha256!r}")
    return sha256


def copy_hashing(stream: BinaryIO, out: BinaryIO, *, max_bytes: int | None) -> tuple[str, int]:
    """Copy stream to out, returning (sha256, size). Enforces max_bytes and non-emptiness."""
    digest = hashlib.sha256()
    size = 0
    while chunk := stream.read(CHUNK_SIZE):
        size += len(chunk)
        if max_bytes is not None and size > max_bytes:
            raise TooLarge(f"file is larger than the limit of {max_bytes // (1024 * 1024)} MB")
        digest.update(chunk)
        out.write(chunk)
    if size == 0:
        raise InvalidInput("the file is empty", field="file")
    return digest.hexdigest(), size


@cache
def get_blob_store() -> BlobStore:
    config = settings.BLOB_STORE
    backend = config["BACKEND"]
    if backend == "local":
        from docket.storage.local import LocalBlobStore

        return LocalBlobStore(config["ROOT"])
    if backend == "s3":
        from docket.storage.s3 import S3BlobStore

        return S3BlobStore.from_settings(config)
    raise ValueError(f"unknown DOCKET_BLOB_BACKEND {backend!r} (expected 'local' or 's3')")
