"""A blob store with an encryption key, on each backend: what lands on disk or in the bucket,
reading it back, mixed stores, missing keys, damage, and crashes in the middle of a rewrite.
(The whole contract also runs encrypted: see the blob_store fixture.)"""

import hashlib
import io
import os

import pytest

from docket.demo.pdfgen import make_pdf
from docket.storage.blobstore import CHUNK_SIZE
from docket.storage.crypto import HEADER_SIZE, MAGIC, BlobCorrupt, KeyNotConfigured
from docket.storage.local import LocalBlobStore
from tests.storage.conftest import KEY, NEW_KEY, keyring

pytestmark = pytest.mark.parametrize(
    "blob_store",
    ["local-encrypted", pytest.param("s3-encrypted", marks=pytest.mark.s3)],
    indirect=True,
)

TEXT = "上海ABC贸易有限公司 合同金额 ¥128,000.00".encode()
PDF = make_pdf(["购销合同", "甲方：上海ABC贸易有限公司", "合同金额：¥128,000.00"])


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def key_id(key: str) -> str:
    return keyring(key).current.key_id.hex()


def leftover_temp_files(store) -> list[str]:
    if isinstance(store, LocalBlobStore) and store.tmp_dir.exists():
        return [p.name for p in store.tmp_dir.iterdir()]
    return []


@pytest.mark.parametrize("content", [TEXT, PDF], ids=["chinese-text", "pdf"])
def test_an_encrypted_blob_is_stored_without_its_plaintext_and_reads_back(
    blob_store, read_raw, content
):
    stored = blob_store.put(io.BytesIO(content))

    on_disk = read_raw(stored.sha256)
    assert on_disk.startswith(MAGIC)
    assert content not in on_disk
    fragments = ["上海ABC贸易".encode(), b"128,000.00", b"%PDF", b"/Type", b"/Font"]
    assert [f for f in fragments if f in content]  # each kind of content has some
    assert [f for f in fragments if f in content and f in on_disk] == []
    assert stored.sha256 == sha(content)  # named by the plaintext, as before
    assert blob_store.read_bytes(stored.sha256) == content
    assert blob_store.size(stored.sha256) == len(content)
    assert blob_store.measure(stored.sha256) == (len(content), stored.sha256)


def test_blobs_stored_before_the_key_was_set_stay_readable(blob_store, read_raw):
    with_key = blob_store.keyring
    blob_store.keyring = keyring()  # as the store was before encryption was switched on
    old = blob_store.put(io.BytesIO(TEXT))
    blob_store.keyring = with_key

    new = blob_store.put(io.BytesIO(PDF))
    again = blob_store.put(io.BytesIO(TEXT))  # dedupe: the plaintext blob is the blob

    assert read_raw(old.sha256) == TEXT and read_raw(new.sha256).startswith(MAGIC)
    assert again.created is False and read_raw(old.sha256) == TEXT
    assert blob_store.read_bytes(old.sha256) == TEXT
    assert blob_store.read_bytes(new.sha256) == PDF
    assert sorted(blob_store.iter_shas()) == sorted([old.sha256, new.sha256])


@pytest.mark.parametrize("reader_key", ["", NEW_KEY], ids=["no-key", "another-key"])
def test_a_missing_or_wrong_key_fails_naming_the_key_id(blob_store, reader_key):
    stored = blob_store.put(io.BytesIO(TEXT))
    blob_store.keyring = keyring(reader_key)

    message = f"encrypted with key id {key_id(KEY)}, which is not configured"
    with pytest.raises(KeyNotConfigured, match=message):
        blob_store.open(stored.sha256)
    with pytest.raises(KeyNotConfigured):
        blob_store.hash(stored.sha256)
    assert blob_store.size(stored.sha256) == len(TEXT)  # the header says; no key needed
    size, digest = blob_store.measure(stored.sha256)
    assert size == len(TEXT) and digest.startswith("unreadable (") and key_id(KEY) in digest


def test_an_altered_byte_of_a_one_chunk_blob_fails_at_open(blob_store, read_raw, write_raw):
    stored = blob_store.put(io.BytesIO(PDF))
    damaged = bytearray(read_raw(stored.sha256))
    damaged[HEADER_SIZE + 100] ^= 0x40
    write_raw(stored.sha256, bytes(damaged))

    with pytest.raises(BlobCorrupt, match="chunk 0 of 1 fails authentication"):
        blob_store.open(stored.sha256)
    size, digest = blob_store.measure(stored.sha256)
    assert size == len(PDF) and "fails authentication" in digest


def test_an_altered_later_chunk_fails_when_it_is_reached(blob_store, read_raw, write_raw):
    data = os.urandom(3 * CHUNK_SIZE)
    stored = blob_store.put(io.BytesIO(data))
    damaged = bytearray(read_raw(stored.sha256))
    damaged[HEADER_SIZE + 2 * (CHUNK_SIZE + 16) + 5] ^= 1
    write_raw(stored.sha256, bytes(damaged))

    with blob_store.open(stored.sha256) as f:
        assert f.read(2 * CHUNK_SIZE) == data[: 2 * CHUNK_SIZE]  # checked chunks are released
        with pytest.raises(BlobCorrupt, match="chunk 2 of 3"):
            f.read(CHUNK_SIZE)
    with pytest.raises(BlobCorrupt):
        blob_store.hash(stored.sha256)
    assert "chunk 2 of 3" in blob_store.measure(stored.sha256)[1]


@pytest.mark.parametrize(
    ("damage", "match"),
    [
        (lambda b: b[:-1], "cut short or appended to"),
        (lambda b: b[: HEADER_SIZE + 10], "cut short or appended to"),
        (lambda b: b + b"\x00", "cut short or appended to"),
        (lambda b: b"", "is empty"),
        (lambda b: b[:8] + os.urandom(len(b) - 8), "header is damaged|cut short|appended"),
        (lambda b: b[:40], "header is cut short"),
    ],
    ids=[
        "last-byte-cut",
        "cut-in-first-chunk",
        "appended",
        "empty",
        "garbage-header",
        "header-cut",
    ],
)
def test_a_truncated_empty_or_garbled_file_is_rejected_with_a_clear_error(
    blob_store, read_raw, write_raw, damage, match
):
    stored = blob_store.put(io.BytesIO(TEXT * 100))
    write_raw(stored.sha256, damage(read_raw(stored.sha256)))

    with pytest.raises(BlobCorrupt, match=match):
        blob_store.open(stored.sha256)
    assert blob_store.measure(stored.sha256)[1].startswith("unreadable (")


def test_another_blobs_file_under_this_name_is_rejected(blob_store, read_raw, write_raw):
    first = blob_store.put(io.BytesIO(TEXT))
    second = blob_store.put(io.BytesIO(PDF))
    write_raw(second.sha256, read_raw(first.sha256))

    with pytest.raises(BlobCorrupt, match="not this blob's"):
        blob_store.open(second.sha256)


def test_a_rewrite_that_fails_after_writing_its_temp_file_leaves_the_old_blob(blob_store, read_raw):
    stored = blob_store.put(io.BytesIO(TEXT))
    before = read_raw(stored.sha256)

    def write_then_crash(out) -> None:
        out.write(b"half of a new envelope")
        out.flush()
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        blob_store.replace_stored(stored.sha256, write_then_crash)

    assert read_raw(stored.sha256) == before
    assert blob_store.read_bytes(stored.sha256) == TEXT
    assert leftover_temp_files(blob_store) == []


def test_a_rewrite_replaces_the_stored_bytes(blob_store, read_raw):
    stored = blob_store.put(io.BytesIO(TEXT))
    blob_store.replace_stored(stored.sha256, lambda out: out.write(b"replaced"))

    assert read_raw(stored.sha256) == b"replaced"
    assert leftover_temp_files(blob_store) == []
