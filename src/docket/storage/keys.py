"""What `docket keys` does to a store: encrypt the blobs stored before a key was set, rewrap every
blob's data key with the current key (rotation), and count blobs by key.

Both rewrites go blob by blob; each blob is replaced atomically (`BlobStore.replace_stored`:
temp file, fsync, rename; one PUT on S3) and a blob already in the wanted state is skipped, so a
run can be interrupted and started again, and reads go on meanwhile: the old keys stay
accepted until the rotation is done. The envelope is described in crypto.py.
"""

import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import BinaryIO, cast

from django.core.exceptions import ImproperlyConfigured

from docket.core.errors import DocketError, NotFound
from docket.storage import crypto
from docket.storage.blobstore import CHUNK_SIZE, BlobStore, copy_hashing
from docket.storage.streams import PrefixedReader, read_exactly

__all__ = ["KeysReport", "blob_encrypt", "blob_rewrap", "encrypt_existing", "key_status", "rotate"]

ENCRYPTED = "encrypted"
ALREADY_ENCRYPTED = "already encrypted"
REWRAPPED = "rewrapped"
ALREADY_CURRENT = "already current"
PLAINTEXT = "plaintext"  # rotate leaves these to encrypt-existing
FAILED = "failed"


@dataclass
class KeysReport:
    counts: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)  # (sha256, why)

    @property
    def ok(self) -> bool:
        return not self.failures


def _current_key(store: BlobStore) -> crypto.MasterKey:
    if store.keyring.current is None:
        raise ImproperlyConfigured(
            "DOCKET_ENCRYPTION_KEY is not set; make a key with `docket keys generate`"
        )
    return store.keyring.current


def blob_encrypt(store: BlobStore, sha256: str) -> str:
    """Encrypt one plaintext blob in place with the current key."""
    key = _current_key(store)
    raw, _ = store.open_stored(sha256)
    with raw:
        head = read_exactly(raw, len(crypto.MAGIC))
        if crypto.is_encrypted(head):
            return ALREADY_ENCRYPTED

        def write(out: BinaryIO) -> None:
            sealer = crypto.Sealer(out, key)
            content = cast(BinaryIO, PrefixedReader(head, raw))
            actual, _ = copy_hashing(content, sealer, max_bytes=None)
            if actual != sha256:
                # Sealing damaged bytes would make them look authentic: leave them for
                # `docket check` to report, unchanged.
                raise crypto.BlobCorrupt(
                    f"blob {sha256} hashes to {actual}: damaged, left unencrypted"
                )
            sealer.finish(sha256)

        store.replace_stored(sha256, write)
    return ENCRYPTED


def blob_rewrap(store: BlobStore, sha256: str) -> str:
    """Rewrap one blob's data key with the current key; its chunks are copied unchanged."""
    _current_key(store)
    raw, stored_size = store.open_stored(sha256)
    with raw:
        head = read_exactly(raw, crypto.HEADER_SIZE)
        if not crypto.is_encrypted(head):
            return PLAINTEXT
        new_header = crypto.rewrapped_header(
            head, stored_size, keyring=store.keyring, sha256=sha256
        )
        if new_header is None:
            return ALREADY_CURRENT

        def write(out: BinaryIO) -> None:
            # The header and chunks come from the same open stream: what was unwrapped is
            # what is copied, even if the blob was rewritten meanwhile.
            out.write(new_header)
            shutil.copyfileobj(raw, out, CHUNK_SIZE)

        store.replace_stored(sha256, write)
    return REWRAPPED


def _each_blob(
    store: BlobStore,
    action: Callable[[BlobStore, str], str],
    on_progress: Callable[[int], None] | None,
) -> KeysReport:
    _current_key(store)  # fail before the first blob, not on each
    report = KeysReport()
    for sha256 in store.iter_shas():
        try:
            outcome = action(store, sha256)
        except DocketError as error:  # NotFound (deleted meanwhile), BlobUnreadable
            outcome = FAILED
            report.failures.append((sha256, error.message))
        report.counts[outcome] += 1
        if on_progress:
            on_progress(report.counts.total())
    return report


def encrypt_existing(
    store: BlobStore, *, on_progress: Callable[[int], None] | None = None
) -> KeysReport:
    return _each_blob(store, blob_encrypt, on_progress)


def rotate(store: BlobStore, *, on_progress: Callable[[int], None] | None = None) -> KeysReport:
    return _each_blob(store, blob_rewrap, on_progress)


def key_status(store: BlobStore) -> Counter[str]:
    """How many blobs are plaintext, and how many each key id wraps (current, old, unknown)."""
    current = store.keyring.current.key_id if store.keyring.current else None
    old = {k.key_id for k in store.keyring.old}
    counts: Counter[str] = Counter()
    for sha256 in store.iter_shas():
        try:
            head, _ = store.read_stored_head(sha256, crypto.HEADER_SIZE)
        except NotFound:  # deleted since it was listed
            continue
        if not crypto.is_encrypted(head):
            counts[PLAINTEXT] += 1
            continue
        try:
            key_id = crypto.Header.parse(head, sha256).key_id
        except crypto.BlobCorrupt:
            counts["damaged header"] += 1
            continue
        role = "current" if key_id == current else "old" if key_id in old else "NOT CONFIGURED"
        counts[f"key {key_id.hex()} ({role})"] += 1
    return counts
