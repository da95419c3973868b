"""Blobs in an S3-compatible bucket: PREFIX + ab/abcd…(64 hex). One PUT per new blob."""

import base64
import hashlib
import tempfile
import threading
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO, cast

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from docket.core.errors import NotFound
from docket.storage.blobstore import CHUNK_SIZE, SHA256_RE, BlobStore, StoredBlob, check_sha256
from docket.storage.crypto import Keyring

# Uploads are spooled locally because the digest (the key) is only known after the last byte,
# and S3 has no rename; past this size the spool spills to disk instead of holding RAM.
SPOOL_MAX_BYTES = 8 * 1024 * 1024
# HEAD answers a bare 404 (no body); GET and LIST name the error.
_MISSING_CODES = {"404", "NoSuchKey", "NoSuchBucket", "NotFound"}


def _code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code"))


class S3BlobStore(BlobStore):
    def __init__(
        self, client: Any, bucket: str, *, prefix: str = "blobs/", keyring: Keyring | None = None
    ) -> None:
        self.client = client  # boto3 clients are thread-safe; one is shared by all threads
        self.bucket = bucket
        self.prefix = prefix
        if keyring is not None:
            self.keyring = keyring
        self._bucket_ready = False
        self._bucket_lock = threading.Lock()

    @classmethod
    def from_settings(cls, config: dict) -> "S3BlobStore":
        endpoint_url = config.get("S3_ENDPOINT_URL") or None
        client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=config.get("S3_REGION") or "us-east-1",
            # None falls back to boto3's usual chain (env vars, instance role, ...).
            aws_access_key_id=config.get("S3_ACCESS_KEY") or None,
            aws_secret_access_key=config.get("S3_SECRET_KEY") or None,
            # Self-hosted endpoints (MinIO, an IP address) rarely serve bucket.host names.
            config=Config(s3={"addressing_style": "path"}) if endpoint_url else None,
        )
        return cls(
            client,
            config.get("S3_BUCKET") or "docket",
            prefix=config.get("S3_PREFIX", "blobs/"),
            keyring=Keyring.from_config(config),
        )

    def key(self, sha256: str) -> str:
        check_sha256(sha256)  # never let a caller's string become an arbitrary key
        return f"{self.prefix}{sha256[:2]}/{sha256}"

    def put(self, stream: BinaryIO, *, max_bytes: int | None = None) -> StoredBlob:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES) as spool:
            # Raises TooLarge / InvalidInput before anything reaches the bucket.
            sha256, size = self.write_content(stream, cast(BinaryIO, spool), max_bytes=max_bytes)
            key = self.key(sha256)
            self._ensure_bucket()
            if self._head(key) is not None:
                return StoredBlob(sha256=sha256, size=size, created=False)
            # Encrypted, the stored bytes are not the content: S3 checks their own digest.
            stored_sha256 = sha256 if self.keyring.current is None else None
            # A single PUT is atomic: readers see the whole object or none. A concurrent identical
            # put just writes the same content again.
            self._put_spool(key, cast(BinaryIO, spool), stored_sha256)
            return StoredBlob(sha256=sha256, size=size, created=True)

    def open_stored(self, sha256: str) -> tuple[BinaryIO, int]:
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as error:
            if _code(error) in _MISSING_CODES:
                raise NotFound(f"blob {sha256} is missing from the store") from None
            raise
        # StreamingBody is an IOBase: read(n), read() and `with` all work; the caller closes it.
        return cast(BinaryIO, response["Body"]), int(response["ContentLength"])

    def read_stored_head(self, sha256: str, n: int) -> tuple[bytes, int]:
        # One ranged GET answers both: the first bytes, and the length in Content-Range.
        try:
            response = self.client.get_object(
                Bucket=self.bucket, Key=self.key(sha256), Range=f"bytes=0-{n - 1}"
            )
        except ClientError as error:
            if _code(error) in _MISSING_CODES:
                raise NotFound(f"blob {sha256} is missing from the store") from None
            if _code(error) == "InvalidRange":  # an empty object has no byte 0
                return b"", 0
            raise
        with response["Body"] as body:
            head = body.read(n)
        content_range = response.get("ContentRange") or ""  # "bytes 0-95/1234"
        total = content_range.rpartition("/")[2]
        return head, int(total) if total.isdigit() else int(response["ContentLength"])

    def replace_stored(self, sha256: str, write: Callable[[BinaryIO], object]) -> None:
        # S3 has no rename, but a PUT over a key is atomic: readers see old or new bytes.
        key = self.key(sha256)
        if self._head(key) is None:
            raise NotFound(f"blob {sha256} is missing from the store")
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_MAX_BYTES) as spool:
            write(cast(BinaryIO, spool))
            self._put_spool(key, cast(BinaryIO, spool), None)

    def exists(self, sha256: str) -> bool:
        return self._head(self.key(sha256)) is not None

    def modified_at(self, sha256: str) -> float:
        return self._head_or_raise(sha256)["LastModified"].timestamp()

    def iter_shas(self) -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        try:
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                for item in page.get("Contents", []):
                    name = item["Key"].rpartition("/")[2]
                    # Only keys in the exact layout count; anything else in the prefix is foreign.
                    if SHA256_RE.fullmatch(name) and item["Key"] == self.key(name):
                        yield name
        except ClientError as error:
            if _code(error) != "NoSuchBucket":  # a bucket not created yet holds no blobs
                raise

    def delete(self, sha256: str) -> None:
        # A missing blob is not an error (as locally); nor is a bucket not created yet.
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as error:
            if _code(error) not in _MISSING_CODES:
                raise

    def _put_spool(self, key: str, spool: BinaryIO, stored_sha256: str | None) -> None:
        """PUT the spool's bytes. The checksum makes S3 reject bytes that changed on the way,
        so a stored object always matches what was written; it is hashed here when not known."""
        size = spool.seek(0, 2)
        if stored_sha256 is None:
            spool.seek(0)
            digest = hashlib.sha256()
            while chunk := spool.read(CHUNK_SIZE):
                digest.update(chunk)
            stored_sha256 = digest.hexdigest()
        spool.seek(0)
        self.client.put_object(
            Bucket=self.bucket,
            Key=key,
            Body=spool,
            ContentLength=size,
            ChecksumSHA256=base64.b64encode(bytes.fromhex(stored_sha256)).decode("ascii"),
        )

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            return self.client.head_object(Bucket=self.bucket, Key=key)
        except ClientError as error:
            if _code(error) in _MISSING_CODES:
                return None
            raise

    def _head_or_raise(self, sha256: str) -> dict[str, Any]:
        head = self._head(self.key(sha256))
        if head is None:
            raise NotFound(f"blob {sha256} is missing from the store")
        return head

    def _ensure_bucket(self) -> None:
        # Lazily, so a fresh deployment needs no setup step; checked once per process.
        if self._bucket_ready:
            return
        with self._bucket_lock:
            if self._bucket_ready:
                return
            try:
                self.client.head_bucket(Bucket=self.bucket)
            except ClientError as error:
                if _code(error) not in _MISSING_CODES:
                    raise
                self._create_bucket()
            self._bucket_ready = True

    def _create_bucket(self) -> None:
        region = self.client.meta.region_name
        kwargs: dict[str, Any] = {"Bucket": self.bucket}
        if region and region != "us-east-1":  # us-east-1 rejects an explicit LocationConstraint
            kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
        try:
            self.client.create_bucket(**kwargs)
        except ClientError as error:
            # Another process created it between our HEAD and CREATE: that is what we wanted.
            if _code(error) != "BucketAlreadyOwnedByYou":
                raise
