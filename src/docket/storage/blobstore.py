"""The content-addressed blob store: one interface, a backend per kind of storage.

A blob is immutable and named by the SHA-256 of its bytes, so identical content is stored once
and a fixity check is a re-hash. `put` makes a blob durable (temp name, fsync, rename; or one S3
PUT) before returning, so the row that names it can only commit after the bytes are safe.
Backends pass the same contract tests (tests/storage/test_blobstore_contract.py).

A backend keeps stored bytes (open_stored, replace_stored, ...); this class turns them into the
blob's content. With an encryption key configured the stored bytes are an envelope (crypto.py)
and the name stays the SHA-256 of the content, so callers never see the difference.
"""

import hashlib
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import BinaryIO, Protocol

from django.conf import settings
from django.utils.translation import gettext_noop as _

from docket.core.errors import InvalidInput, NotFound, TooLarge
from docket.core.notices import Notice
from docket.storage import crypto
from docket.storage.streams import read_exactly

CHUNK_SIZE = 1024 * 1024
SHA256_RE = re.compile(r"[0-9a-f]{64}")  # used with fullmatch: no trailing newline


@dataclass(frozen=True)
class StoredBlob:
    sha256: str
    size: int
    created: bool  # False when identical content was already stored


class Writable(Protocol):
    def write(self, data: bytes, /) -> int: ...


class BlobStore(ABC):
    # Keys for encryption at rest; without a current key new blobs are stored plaintext.
    keyring: crypto.Keyring = crypto.Keyring()

    @abstractmethod
    def put(self, stream: BinaryIO, *, max_bytes: int | None = None) -> StoredBlob:
        """Store the stream's bytes durably (through write_content). Raises TooLarge past
        max_bytes, InvalidInput when empty; in both cases nothing is stored."""

    @abstractmethod
    def open_stored(self, sha256: str) -> tuple[BinaryIO, int]:
        """The stored bytes as they are (an envelope when encrypted) and their length. Raises
        NotFound."""

    @abstractmethod
    def replace_stored(self, sha256: str, write: Callable[[BinaryIO], object]) -> None:
        """Replace a blob's stored bytes with what write() writes into a seekable temporary
        file, atomically: readers see the old bytes or the new, and if write() raises or the
        process dies, the old bytes stay. For `docket keys` (encrypt, rotate) only."""

    def read_stored_head(self, sha256: str, n: int) -> tuple[bytes, int]:
        """The first n stored bytes (fewer if the blob is shorter) and the stored length."""
        raw, stored_size = self.open_stored(sha256)
        with raw:
            return read_exactly(raw, n), stored_size

    @abstractmethod
    def exists(self, sha256: str) -> bool: ...

    def open(self, sha256: str) -> BinaryIO:
        """A readable binary file of the blob's content; not seekable when the blob is
        encrypted. Raises NotFound, or crypto.BlobUnreadable (a missing key, a damaged or
        altered blob; an encrypted one's chunks are each checked before they are returned)."""
        raw, stored_size = self.open_stored(sha256)
        try:
            return crypto.open_plaintext(raw, stored_size, keyring=self.keyring, sha256=sha256)[0]
        except BaseException:
            raw.close()
            raise

    def size(self, sha256: str) -> int:
        """The content's size (an encrypted blob's header records it)."""
        head, stored_size = self.read_stored_head(sha256, crypto.HEADER_SIZE)
        return crypto.plaintext_size(head, stored_size, sha256)

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
        """Re-hash the content, decrypted if need be (the fixity check)."""
        digest = hashlib.sha256()
        with self.open(sha256) as f:
            while chunk := f.read(CHUNK_SIZE):
                digest.update(chunk)
        return digest.hexdigest()

    def measure(self, sha256: str) -> tuple[int, str]:
        """(size, SHA-256) of the content, for the fixity check, with one open (its cost on many
        small blobs is per file). Raises NotFound. A blob that cannot be read (damaged, altered,
        or encrypted with a key not configured) gets, instead of a digest, "unreadable (why)":
        it never equals the name, so the check reports it as corrupt and goes on."""
        raw, stored_size = self.open_stored(sha256)
        try:
            content, size = crypto.open_plaintext(
                raw, stored_size, keyring=self.keyring, sha256=sha256
            )
        except crypto.BlobUnreadable as error:
            raw.close()
            return self._size_if_known(sha256, stored_size), f"unreadable ({error.message})"
        digest = hashlib.sha256()
        with content:
            try:
                while chunk := content.read(CHUNK_SIZE):
                    digest.update(chunk)
            except crypto.BlobUnreadable as error:
                return size, f"unreadable ({error.message})"
        return size, digest.hexdigest()

    def _size_if_known(self, sha256: str, stored_size: int) -> int:
        # An envelope's header may still tell the content size (a missing key, a cut file):
        # then the check reports why the blob is unreadable, not a size mismatch.
        try:
            return self.size(sha256)
        except crypto.BlobUnreadable:
            return stored_size

    def write_content(
        self, stream: BinaryIO, out: BinaryIO, *, max_bytes: int | None
    ) -> tuple[str, int]:
        """Copy stream into out as this store keeps content: sealed by the current key when
        there is one (out must then be seekable), as it is otherwise. Returns the content's
        (sha256, size); enforces max_bytes and non-emptiness as copy_hashing does."""
        key = self.keyring.current
        if key is None:
            return copy_hashing(stream, out, max_bytes=max_bytes)
        sealer = crypto.Sealer(out, key)
        sha256, size = copy_hashing(stream, sealer, max_bytes=max_bytes)
        sealer.finish(sha256)
        return sha256, size

    def read_bytes(self, sha256: str) -> bytes:
        with self.open(sha256) as f:
            return f.read()


def check_sha256(sha256: str) -> str:
    if not SHA256_RE.fullmatch(sha256):
        raise NotFound(Notice(_("no blob named %(name)s"), name=repr(sha256)))
    return sha256


def copy_hashing(stream: BinaryIO, out: Writable, *, max_bytes: int | None) -> tuple[str, int]:
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
        raise InvalidInput(Notice(_("the file is empty")), field="file")
    return digest.hexdigest(), size


@cache
def get_blob_store() -> BlobStore:
    config = settings.BLOB_STORE
    backend = config["BACKEND"]
    if backend == "local":
        from docket.storage.local import LocalBlobStore

        return LocalBlobStore(config["ROOT"], keyring=crypto.Keyring.from_config(config))
    if backend == "s3":
        from docket.storage.s3 import S3BlobStore

        return S3BlobStore.from_settings(config)
    raise ValueError(f"unknown DOCKET_BLOB_BACKEND {backend!r} (expected 'local' or 's3')")
