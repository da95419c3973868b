"""Encryption at rest for the blob store: the envelope format, and the streams that write it and
read it back.

Why: a copied disk, backup or bucket must not reveal customers' documents. With
DOCKET_ENCRYPTION_KEY set (base64 of 32 random bytes, made by `docket keys generate`), every new
blob is stored in the envelope below; blobs stored before stay plaintext and stay readable (the
magic bytes tell the two apart; `docket keys encrypt-existing` converts them). A blob's name is
still the SHA-256 of its PLAINTEXT, so dedupe, the rows that name blobs and `docket check` work
unchanged. Each blob has its own random data key, wrapped by the master key: rotating the master
key (`docket keys rotate`) rewrites a 96-byte header, never re-encrypts content.

On-disk format, version 1 (integers big-endian):

    offset size  field
    0      7     magic b"\\x89DKTENC" (0x89 starts no text file; PNG uses it for the same reason)
    7      1     format version: 1
    8      4     C, the chunk size: plaintext bytes per chunk (1 MiB)
    12     8     P, the plaintext size (> 0)
    20     8     nonce prefix, random per blob
    28     8     key id: the first 8 bytes of SHA-256(master key)
    36     12    wrap nonce, random at every (re)wrap
    48     48    the wrapped data key: AES-256-GCM(master key, wrap nonce, 32-byte data key,
                 associated data = bytes 0-35 + the blob's name as 32 raw bytes) = 32 + 16-byte tag
    96     ...   ceil(P / C) chunks: AES-256-GCM(data key, nonce prefix + u32 chunk index,
                 plaintext chunk, associated data = u64 chunk index + u8 last-chunk flag);
                 each chunk holds C plaintext bytes (the last 1..C) + a 16-byte tag

What is detected, and where:
- at open, before a byte is returned: a length other than 96 + P + 16 * ceil(P / C) (truncated
  or appended to), an unknown key id (KeyNotConfigured names it), and — because the wrap's
  associated data covers the header and the blob's name — an altered header, a wrong key with a
  colliding id, or another blob's file put under this name;
- while reading, chunk by chunk (each is checked before it is released): altered, reordered or
  swapped chunks (the index is in the nonce and the associated data) and a file cut at a chunk
  boundary (the last-chunk flag).
Errors are BlobUnreadable subclasses; plaintext is never returned unauthenticated.
"""

import base64
import binascii
import hashlib
import os
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import BinaryIO, cast

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.exceptions import ImproperlyConfigured

from docket.core.errors import DocketError
from docket.storage.streams import PieceReader, PrefixedReader, read_exactly

__all__ = [
    "CHUNK_BYTES",
    "HEADER_SIZE",
    "MAGIC",
    "TAG_SIZE",
    "BlobCorrupt",
    "BlobUnreadable",
    "Header",
    "KeyNotConfigured",
    "Keyring",
    "MasterKey",
    "Sealer",
    "generate_key",
    "is_encrypted",
    "open_plaintext",
    "parse_key",
    "plaintext_size",
    "rewrapped_header",
]

MAGIC = b"\x89DKTENC"
VERSION = 1
CHUNK_BYTES = 1024 * 1024
HEADER_SIZE = 96
TAG_SIZE = 16
# magic, version, chunk size, plaintext size, nonce prefix, key id: the part the wrap covers.
_FIXED = struct.Struct(">7sBIQ8s8s")
# Bounds on a header's chunk size, so a damaged header cannot make a reader allocate gigabytes.
_MIN_CHUNK, _MAX_CHUNK = 1024, 64 * 1024 * 1024


class BlobUnreadable(DocketError):
    """Stored bytes that cannot be turned back into the blob's content."""

    status_code = 500
    code = "blob_unreadable"


class BlobCorrupt(BlobUnreadable):
    code = "blob_corrupt"


class KeyNotConfigured(BlobUnreadable):
    code = "encryption_key_missing"


@dataclass(frozen=True)
class MasterKey:
    secret: bytes = field(repr=False)

    @property
    def key_id(self) -> bytes:
        return hashlib.sha256(self.secret).digest()[:8]


def generate_key() -> str:
    """A new master key, as DOCKET_ENCRYPTION_KEY takes it."""
    return base64.b64encode(os.urandom(32)).decode("ascii")


def parse_key(text: str, *, setting: str) -> MasterKey:
    try:
        # Both alphabets: a key pasted from a URL-safe generator works too.
        secret = base64.b64decode(text.strip().replace("-", "+").replace("_", "/"), validate=True)
    except binascii.Error:
        secret = b""
    if len(secret) != 32:
        # Never echo the value: it is (or is meant to be) a secret.
        raise ImproperlyConfigured(
            f"{setting} must be base64 of 32 random bytes; make one with `docket keys generate`"
        )
    return MasterKey(secret)


class Keyring:
    """The current key (wraps new blobs; None: new blobs are stored plaintext) and the old keys
    still accepted for reading while `docket keys rotate` rewraps their blobs."""

    def __init__(self, current: MasterKey | None = None, old: Sequence[MasterKey] = ()) -> None:
        self.current = current
        self.old = [k for k in old if current is None or k.key_id != current.key_id]
        self._by_id = {k.key_id: k for k in [*self.old, *([current] if current else [])]}

    @classmethod
    def from_config(cls, config: Mapping[str, str]) -> "Keyring":
        current = (config.get("ENCRYPTION_KEY") or "").strip()
        old = (config.get("ENCRYPTION_OLD_KEYS") or "").split(",")
        return cls(
            parse_key(current, setting="DOCKET_ENCRYPTION_KEY") if current else None,
            [parse_key(t, setting="DOCKET_ENCRYPTION_OLD_KEYS") for t in old if t.strip()],
        )

    def find(self, key_id: bytes, sha256: str) -> MasterKey:
        if key := self._by_id.get(key_id):
            return key
        configured = ", ".join(k.key_id.hex() for k in self._by_id.values()) or "none"
        raise KeyNotConfigured(
            f"blob {sha256} is encrypted with key id {key_id.hex()}, which is not configured "
            f"(configured key ids: {configured}); put that key in DOCKET_ENCRYPTION_KEY or "
            "DOCKET_ENCRYPTION_OLD_KEYS"
        )


@dataclass(frozen=True)
class Header:
    chunk_size: int
    size: int
    nonce_prefix: bytes
    key_id: bytes
    wrap_nonce: bytes = b""
    wrapped_key: bytes = b""

    @property
    def chunks(self) -> int:
        return -(-self.size // self.chunk_size)

    @property
    def stored_size(self) -> int:
        return HEADER_SIZE + self.size + TAG_SIZE * self.chunks

    def to_bytes(self) -> bytes:
        return self._fixed() + self.wrap_nonce + self.wrapped_key

    @classmethod
    def parse(cls, data: bytes, sha256: str) -> "Header":
        if len(data) < HEADER_SIZE:
            raise BlobCorrupt(
                f"blob {sha256}: its encryption header is cut short "
                f"({len(data)} of {HEADER_SIZE} bytes)"
            )
        magic, version, chunk_size, size, prefix, key_id = _FIXED.unpack_from(data)
        if magic != MAGIC:
            raise BlobCorrupt(f"blob {sha256} is not encrypted")
        if version != VERSION:
            raise BlobCorrupt(
                f"blob {sha256}: encryption format version {version} is unknown "
                f"(this Docket reads version {VERSION}); the header may be damaged"
            )
        if not _MIN_CHUNK <= chunk_size <= _MAX_CHUNK or size == 0:
            raise BlobCorrupt(f"blob {sha256}: its encryption header is damaged")
        return cls(chunk_size, size, prefix, key_id, data[36:48], data[48:HEADER_SIZE])

    def unwrap(self, keyring: Keyring, sha256: str) -> bytes:
        """The blob's data key. Raises KeyNotConfigured, or BlobCorrupt when it fails
        authentication (an altered header, or a file that is not this blob's)."""
        master = keyring.find(self.key_id, sha256)
        try:
            return AESGCM(master.secret).decrypt(
                self.wrap_nonce, self.wrapped_key, self._wrap_aad(sha256)
            )
        except InvalidTag:
            raise BlobCorrupt(
                f"blob {sha256}: its data key fails authentication under key id "
                f"{self.key_id.hex()}: the header was altered or the file is not this blob's"
            ) from None

    def wrapped_by(self, master: MasterKey, data_key: bytes, sha256: str) -> "Header":
        header = replace(self, key_id=master.key_id)
        nonce = os.urandom(12)
        wrapped = AESGCM(master.secret).encrypt(nonce, data_key, header._wrap_aad(sha256))
        return replace(header, wrap_nonce=nonce, wrapped_key=wrapped)

    def _fixed(self) -> bytes:
        return _FIXED.pack(
            MAGIC, VERSION, self.chunk_size, self.size, self.nonce_prefix, self.key_id
        )

    def _wrap_aad(self, sha256: str) -> bytes:
        return self._fixed() + bytes.fromhex(sha256)


def _chunk_nonce(prefix: bytes, index: int) -> bytes:
    return prefix + struct.pack(">I", index)


def _chunk_aad(index: int, last: bool) -> bytes:
    return struct.pack(">QB", index, last)


def is_encrypted(head: bytes) -> bool:
    return head[: len(MAGIC)] == MAGIC


class Sealer:
    """A write-only file that encrypts what is written into `out` (seekable: the header, which
    needs the blob's name and size, is written last over a placeholder). Writing is streamed:
    at most two chunks are held, whatever the blob's size."""

    def __init__(self, out: BinaryIO, key: MasterKey, *, chunk_size: int = CHUNK_BYTES) -> None:
        self._out, self._key, self._chunk_size = out, key, chunk_size
        self._start = out.tell()
        out.write(bytes(HEADER_SIZE))
        self._data_key = AESGCM.generate_key(bit_length=256)
        self._aead = AESGCM(self._data_key)
        self._prefix = os.urandom(8)
        self._buffer = bytearray()
        self._index = 0
        self._size = 0

    def write(self, data: bytes) -> int:
        self._buffer += data
        self._size += len(data)
        # Strictly more than one chunk: the last chunk is only known at finish().
        while len(self._buffer) > self._chunk_size:
            self._seal(bytes(self._buffer[: self._chunk_size]), last=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def finish(self, sha256: str) -> None:
        """Seal the last chunk and write the header; sha256 is the plaintext's, the blob's
        name. Leaves `out` positioned at its end."""
        if not self._buffer:
            raise ValueError("an empty blob cannot be sealed")
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()
        header = Header(self._chunk_size, self._size, self._prefix, self._key.key_id)
        header = header.wrapped_by(self._key, self._data_key, sha256)
        end = self._out.tell()
        self._out.seek(self._start)
        self._out.write(header.to_bytes())
        self._out.seek(end)

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        if self._index >= 2**32:  # the nonce's counter; 4 PiB at 1 MiB chunks
            raise ValueError("blob too large to encrypt")
        nonce = _chunk_nonce(self._prefix, self._index)
        self._out.write(self._aead.encrypt(nonce, chunk, _chunk_aad(self._index, last)))
        self._index += 1


class DecryptingReader(PieceReader):
    def __init__(self, raw: BinaryIO, header: Header, data_key: bytes, sha256: str) -> None:
        super().__init__(raw)
        self._header, self._sha256 = header, sha256
        self._aead = AESGCM(data_key)
        self._index = 0
        # Check the first chunk now: a blob of up to one chunk (most documents) that was altered
        # fails at open, before a download has sent its headers.
        self._piece = memoryview(self._next_piece())

    def _next_piece(self) -> bytes:
        header, index = self._header, self._index
        if index == header.chunks:
            return b""
        last = index == header.chunks - 1
        plain_size = header.size - index * header.chunk_size if last else header.chunk_size
        sealed = read_exactly(self._raw, plain_size + TAG_SIZE)
        if len(sealed) < plain_size + TAG_SIZE:
            raise BlobCorrupt(f"blob {self._sha256} is cut short in chunk {index}")
        try:
            plain = self._aead.decrypt(
                _chunk_nonce(header.nonce_prefix, index), sealed, _chunk_aad(index, last)
            )
        except InvalidTag:
            raise BlobCorrupt(
                f"blob {self._sha256}: chunk {index} of {header.chunks} fails authentication "
                "(the encrypted file was altered, reordered or cut)"
            ) from None
        if last and self._raw.read(1):
            raise BlobCorrupt(f"blob {self._sha256} has bytes after its last chunk")
        self._index += 1
        return plain


def open_plaintext(
    raw: BinaryIO, stored_size: int, *, keyring: Keyring, sha256: str
) -> tuple[BinaryIO, int]:
    """(a readable file of the blob's content, its size), from the stored bytes positioned at
    their start: decrypted when they are an envelope, as they are when plaintext. Raises
    BlobUnreadable; on success the returned file owns `raw` (closing one closes the other)."""
    head = read_exactly(raw, len(MAGIC))
    if not is_encrypted(head):
        if stored_size == 0:
            # put() refuses empty content, so an empty stored object is damage.
            raise BlobCorrupt(f"blob {sha256} is empty: its stored file was truncated")
        if raw.seekable():
            raw.seek(0)
            return raw, stored_size
        return cast(BinaryIO, PrefixedReader(head, raw)), stored_size
    header = Header.parse(head + read_exactly(raw, HEADER_SIZE - len(MAGIC)), sha256)
    _check_length(header, stored_size, sha256)
    data_key = header.unwrap(keyring, sha256)
    return cast(BinaryIO, DecryptingReader(raw, header, data_key, sha256)), header.size


def _check_length(header: Header, stored_size: int, sha256: str) -> None:
    if header.stored_size != stored_size:
        raise BlobCorrupt(
            f"blob {sha256} is {stored_size} bytes where its encryption header says "
            f"{header.stored_size}: the file was cut short or appended to"
        )


def plaintext_size(head: bytes, stored_size: int, sha256: str) -> int:
    """The blob's content size from its first HEADER_SIZE stored bytes (no key needed)."""
    if not is_encrypted(head):
        return stored_size
    return Header.parse(head, sha256).size


def rewrapped_header(
    head: bytes, stored_size: int, *, keyring: Keyring, sha256: str
) -> bytes | None:
    """The header re-wrapped by the current key, or None when the current key already wraps it.
    The chunks after it stay valid: the data key does not change."""
    current = keyring.current
    if current is None:
        raise ImproperlyConfigured("DOCKET_ENCRYPTION_KEY is not set: there is no key to wrap with")
    header = Header.parse(head, sha256)
    if header.key_id == current.key_id:
        return None
    _check_length(header, stored_size, sha256)  # do not carry damage over to a new key
    return header.wrapped_by(current, header.unwrap(keyring, sha256), sha256).to_bytes()
