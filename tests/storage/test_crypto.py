"""The envelope format (storage/crypto.py) on its own: layout, round trips, and every way a
stored envelope can be damaged or read with the wrong key."""

import base64
import hashlib
import io
import os
import struct

import pytest
from django.core.exceptions import ImproperlyConfigured

from docket.storage import crypto
from docket.storage.crypto import (
    HEADER_SIZE,
    MAGIC,
    BlobCorrupt,
    Header,
    KeyNotConfigured,
    Sealer,
    open_plaintext,
    plaintext_size,
    rewrapped_header,
)
from tests.storage.conftest import KEY, NEW_KEY, keyring

CHUNK = 1024  # the smallest chunk a header may declare: many chunks from little data
TEXT = "上海ABC贸易有限公司 合同金额 ¥128,000.00".encode()


def seal(data: bytes, key: str = KEY, chunk_size: int = CHUNK) -> tuple[bytes, str]:
    out = io.BytesIO()
    sealer = Sealer(out, keyring(key).current, chunk_size=chunk_size)
    sealer.write(data)
    sha256 = hashlib.sha256(data).hexdigest()
    sealer.finish(sha256)
    return out.getvalue(), sha256


def unseal(stored: bytes, sha256: str, ring: crypto.Keyring | None = None) -> bytes:
    ring = ring or keyring(KEY)
    f, size = open_plaintext(io.BytesIO(stored), len(stored), keyring=ring, sha256=sha256)
    with f:
        data = f.read()
    assert len(data) == size
    return data


def chunk_offset(index: int) -> int:
    return HEADER_SIZE + index * (CHUNK + 16)


@pytest.mark.parametrize("size", [1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK, 5 * CHUNK + 3])
def test_content_round_trips_through_the_envelope(size):
    data = os.urandom(size)
    stored, sha256 = seal(data)

    assert unseal(stored, sha256) == data
    chunks = -(-size // CHUNK)
    assert len(stored) == HEADER_SIZE + size + 16 * chunks


def test_the_header_holds_magic_version_sizes_and_key_id():
    stored, sha256 = seal(TEXT)

    assert stored[:8] == MAGIC + b"\x01"
    assert struct.unpack(">IQ", stored[8:20]) == (CHUNK, len(TEXT))
    key_id = hashlib.sha256(base64.b64decode(KEY)).digest()[:8]
    assert stored[28:36] == key_id
    assert plaintext_size(stored[:HEADER_SIZE], len(stored), sha256) == len(TEXT)


def test_the_envelope_does_not_contain_the_plaintext():
    stored, _ = seal(TEXT * 50)

    assert TEXT not in stored
    assert "上海".encode() not in stored and b"128,000.00" not in stored


def test_the_same_content_sealed_twice_looks_different():
    # A fresh data key and nonce prefix per blob: equal content does not show as equal bytes.
    assert seal(TEXT)[0] != seal(TEXT)[0]


def test_writes_in_any_pieces_make_a_readable_envelope():
    data = os.urandom(3 * CHUNK + 7)
    out = io.BytesIO()
    sealer = Sealer(out, keyring(KEY).current, chunk_size=CHUNK)
    for start in range(0, len(data), 333):
        sealer.write(data[start : start + 333])
    sha256 = hashlib.sha256(data).hexdigest()
    sealer.finish(sha256)

    assert unseal(out.getvalue(), sha256) == data


def test_reads_of_a_fixed_size_return_that_many_bytes_across_chunks():
    data = os.urandom(3 * CHUNK + 7)
    stored, sha256 = seal(data)
    f, _ = open_plaintext(io.BytesIO(stored), len(stored), keyring=keyring(KEY), sha256=sha256)

    pieces = [f.read(1000) for _ in range(5)]

    assert [len(p) for p in pieces] == [1000, 1000, 1000, 79, 0]
    assert b"".join(pieces) == data and f.tell() == len(data)
    assert not f.seekable()


@pytest.mark.parametrize("chunk", [0, 2, 4])
def test_an_altered_byte_in_any_chunk_is_rejected_naming_the_chunk(chunk):
    stored, sha256 = seal(os.urandom(5 * CHUNK))
    damaged = bytearray(stored)
    damaged[chunk_offset(chunk) + 10] ^= 1

    with pytest.raises(BlobCorrupt, match=f"chunk {chunk} of 5 fails authentication"):
        unseal(bytes(damaged), sha256)


def test_chunks_swapped_or_reordered_are_rejected():
    stored, sha256 = seal(os.urandom(4 * CHUNK))
    first, second = (stored[chunk_offset(i) : chunk_offset(i + 1)] for i in (1, 2))
    swapped = stored[: chunk_offset(1)] + second + first + stored[chunk_offset(3) :]

    with pytest.raises(BlobCorrupt, match="chunk 1 of 4"):
        unseal(swapped, sha256)


def test_a_chunk_from_another_blob_is_rejected():
    stored, sha256 = seal(os.urandom(2 * CHUNK))
    other, _ = seal(os.urandom(2 * CHUNK))
    mixed = stored[: chunk_offset(1)] + other[chunk_offset(1) :]

    with pytest.raises(BlobCorrupt, match="chunk 1 of 2"):
        unseal(mixed, sha256)


@pytest.mark.parametrize(
    "cut",
    [lambda s: s[:-1], lambda s: s[: chunk_offset(2)], lambda s: s + b"\x00", lambda s: s[:200]],
    ids=["last-byte", "at-a-chunk-boundary", "appended", "inside-the-first-chunk"],
)
def test_a_file_cut_short_or_appended_to_is_rejected_before_any_byte(cut):
    stored, sha256 = seal(os.urandom(3 * CHUNK))

    with pytest.raises(BlobCorrupt, match="cut short or appended to"):
        open_plaintext(
            io.BytesIO(cut(stored)), len(cut(stored)), keyring=keyring(KEY), sha256=sha256
        )


def test_a_file_cut_at_a_chunk_boundary_with_its_size_field_lowered_is_rejected():
    # The size is covered by the wrap's associated data: lowering it breaks the unwrap.
    stored, sha256 = seal(os.urandom(3 * CHUNK))
    cut = bytearray(stored[: chunk_offset(2)])
    cut[12:20] = struct.pack(">Q", 2 * CHUNK)

    with pytest.raises(BlobCorrupt, match="data key fails authentication"):
        unseal(bytes(cut), sha256)


@pytest.mark.parametrize(
    ("offset", "error", "match"),
    [
        (7, BlobCorrupt, "format version 0 is unknown"),
        (10, BlobCorrupt, "data key fails authentication"),  # chunk size
        (22, BlobCorrupt, "data key fails authentication"),  # nonce prefix
        (30, KeyNotConfigured, "which is not configured"),  # key id
        (40, BlobCorrupt, "data key fails authentication"),  # wrap nonce
        (60, BlobCorrupt, "data key fails authentication"),  # wrapped data key
    ],
    ids=["version", "chunk-size", "nonce-prefix", "key-id", "wrap-nonce", "wrapped-key"],
)
def test_an_altered_header_is_rejected(offset, error, match):
    stored, sha256 = seal(os.urandom(CHUNK))
    damaged = bytearray(stored)
    damaged[offset] ^= 1

    with pytest.raises(error, match=match):
        unseal(bytes(damaged), sha256)


def test_another_blobs_file_under_this_name_is_rejected_at_open():
    stored, _ = seal(TEXT)
    other_name = hashlib.sha256(b"another document").hexdigest()

    with pytest.raises(BlobCorrupt, match="not this blob's"):
        open_plaintext(io.BytesIO(stored), len(stored), keyring=keyring(KEY), sha256=other_name)


@pytest.mark.parametrize(
    ("stored", "match"),
    [
        (b"", "is empty"),
        (MAGIC, "cut short"),
        (MAGIC + b"\x01" + os.urandom(40), "cut short"),
        (MAGIC + b"\x01" + os.urandom(HEADER_SIZE + 100), "header is damaged|cut short|appended"),
        (MAGIC + b"\x09" + os.urandom(HEADER_SIZE), "format version 9"),
    ],
    ids=["empty", "magic-only", "short-header", "garbage-header", "unknown-version"],
)
def test_an_empty_file_or_garbage_header_is_rejected(stored, match):
    sha256 = hashlib.sha256(b"whatever").hexdigest()

    with pytest.raises(BlobCorrupt, match=match):
        open_plaintext(io.BytesIO(stored), len(stored), keyring=keyring(KEY), sha256=sha256)


def test_a_header_with_a_huge_chunk_size_is_refused_before_allocating_it():
    header = MAGIC + b"\x01" + struct.pack(">IQ", 2**32 - 1, 10) + bytes(HEADER_SIZE - 20)

    with pytest.raises(BlobCorrupt, match="header is damaged"):
        Header.parse(header, "0" * 64)


def test_plaintext_is_returned_as_it_is():
    f, size = open_plaintext(io.BytesIO(TEXT), len(TEXT), keyring=keyring(), sha256="0" * 64)

    assert (f.read(), size) == (TEXT, len(TEXT))


def test_a_wrong_key_fails_naming_the_blobs_key_id():
    stored, sha256 = seal(TEXT, key=KEY)
    key_id = keyring(KEY).current.key_id.hex()

    with pytest.raises(KeyNotConfigured, match=f"key id {key_id}, which is not configured"):
        unseal(stored, sha256, keyring(NEW_KEY))
    with pytest.raises(KeyNotConfigured, match="configured key ids: none"):
        unseal(stored, sha256, keyring())


def test_an_old_key_is_accepted_for_reading():
    stored, sha256 = seal(TEXT, key=KEY)

    assert unseal(stored, sha256, keyring(NEW_KEY, old=f"{NEW_KEY}, {KEY}")) == TEXT


def test_rewrapping_changes_only_the_header_and_needs_only_the_new_key_afterwards():
    data = os.urandom(3 * CHUNK)
    stored, sha256 = seal(data, key=KEY)
    both = keyring(NEW_KEY, old=KEY)

    header = rewrapped_header(stored[:HEADER_SIZE], len(stored), keyring=both, sha256=sha256)
    rotated = header + stored[HEADER_SIZE:]

    assert rotated[:28] == stored[:28] and rotated[HEADER_SIZE:] == stored[HEADER_SIZE:]
    assert rotated[28:36] == keyring(NEW_KEY).current.key_id
    assert unseal(rotated, sha256, keyring(NEW_KEY)) == data
    with pytest.raises(KeyNotConfigured):
        unseal(rotated, sha256, keyring(KEY))
    assert rewrapped_header(header, len(rotated), keyring=both, sha256=sha256) is None


def test_rewrapping_a_cut_file_is_refused():
    stored, sha256 = seal(os.urandom(2 * CHUNK), key=KEY)

    with pytest.raises(BlobCorrupt, match="cut short"):
        rewrapped_header(
            stored[:HEADER_SIZE], len(stored) - 1, keyring=keyring(NEW_KEY, KEY), sha256=sha256
        )


@pytest.mark.parametrize("value", ["not base64!", base64.b64encode(b"short").decode(), " "])
def test_a_malformed_key_is_a_configuration_error_that_does_not_echo_it(value):
    with pytest.raises(ImproperlyConfigured, match="docket keys generate") as raised:
        crypto.parse_key(value, setting="DOCKET_ENCRYPTION_KEY")

    assert value.strip() == "" or value not in str(raised.value)


def test_generated_keys_are_new_32_byte_keys_in_either_base64_alphabet():
    first, second = crypto.generate_key(), crypto.generate_key()

    assert first != second and len(base64.b64decode(first)) == 32
    url_safe = base64.urlsafe_b64encode(base64.b64decode(first)).decode()
    assert crypto.parse_key(url_safe, setting="X") == crypto.parse_key(first, setting="X")


def test_no_key_means_plaintext_writes():
    assert keyring().current is None and keyring(old=KEY).current is None


def test_a_malformed_key_in_the_settings_fails_the_system_checks(settings):
    from docket.storage.apps import check_encryption_keys

    settings.BLOB_STORE = {**settings.BLOB_STORE, "ENCRYPTION_OLD_KEYS": f"{KEY},oops"}
    assert [m.id for m in check_encryption_keys()] == ["storage.E001"]
    assert "DOCKET_ENCRYPTION_OLD_KEYS" in check_encryption_keys()[0].msg

    settings.BLOB_STORE = {**settings.BLOB_STORE, "ENCRYPTION_OLD_KEYS": KEY}
    assert check_encryption_keys() == []
