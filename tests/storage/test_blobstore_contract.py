"""The blob store contract: every test here runs against each backend (see conftest.py)."""

import base64
import hashlib
import io
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from botocore.exceptions import ClientError

from docket.core.errors import InvalidInput, NotFound, TooLarge
from docket.storage.blobstore import CHUNK_SIZE, BlobStore, get_blob_store
from docket.storage.local import LocalBlobStore
from docket.storage.s3 import SPOOL_MAX_BYTES, S3BlobStore

CONTENT = "购销合同 2023-01-01 ¥128,000.00\n".encode() + bytes(range(256))
CONTENT_SHA = hashlib.sha256(CONTENT).hexdigest()
MISSING_SHA = hashlib.sha256(b"never stored").hexdigest()


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def leftover_temp_files(store: BlobStore) -> list[str]:
    """Temp files a local put left behind. (S3's spool is an anonymous, already-unlinked file.)"""
    if isinstance(store, LocalBlobStore) and store.tmp_dir.exists():
        return [p.name for p in store.tmp_dir.iterdir()]
    return []


def test_put_returns_the_sha256_and_size_of_the_content(blob_store):
    stored = blob_store.put(io.BytesIO(CONTENT))

    assert stored.sha256 == CONTENT_SHA
    assert stored.size == len(CONTENT)
    assert stored.created is True


def test_put_makes_the_blob_readable_under_its_sha256(blob_store):
    blob_store.put(io.BytesIO(CONTENT))

    assert blob_store.exists(CONTENT_SHA)
    assert blob_store.read_bytes(CONTENT_SHA) == CONTENT
    assert blob_store.size(CONTENT_SHA) == len(CONTENT)


def test_identical_content_is_stored_once(blob_store):
    first = blob_store.put(io.BytesIO(CONTENT))
    second = blob_store.put(io.BytesIO(CONTENT))

    assert (first.created, second.created) == (True, False)
    assert second.sha256 == first.sha256 and second.size == first.size
    assert list(blob_store.iter_shas()) == [CONTENT_SHA]


def test_concurrent_puts_of_identical_content_store_one_blob(blob_store):
    start = threading.Barrier(20)

    def put_together(_: int):
        start.wait()  # all threads race for the same name at once
        return blob_store.put(io.BytesIO(CONTENT))

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(put_together, range(20)))

    assert {r.sha256 for r in results} == {CONTENT_SHA}
    assert any(r.created for r in results)
    assert list(blob_store.iter_shas()) == [CONTENT_SHA]
    assert blob_store.read_bytes(CONTENT_SHA) == CONTENT
    assert leftover_temp_files(blob_store) == []


@pytest.mark.parametrize(
    "size",
    [1, CHUNK_SIZE, CHUNK_SIZE + 1, 3 * CHUNK_SIZE + 17, SPOOL_MAX_BYTES + 1],
    ids=["1-byte", "one-chunk", "chunk-plus-1", "3mb", "past-s3-spool-limit"],
)
def test_binary_content_round_trips_byte_for_byte(blob_store, size):
    data = os.urandom(size)

    stored = blob_store.put(io.BytesIO(data))

    assert stored.sha256 == sha(data) and stored.size == size
    assert blob_store.read_bytes(stored.sha256) == data


def test_open_returns_a_file_that_reads_in_chunks_and_closes(blob_store):
    data = os.urandom(2 * CHUNK_SIZE + 5)
    stored = blob_store.put(io.BytesIO(data))

    with blob_store.open(stored.sha256) as f:
        parts = [f.read(CHUNK_SIZE), f.read(CHUNK_SIZE), f.read(CHUNK_SIZE), f.read(CHUNK_SIZE)]

    assert [len(p) for p in parts] == [CHUNK_SIZE, CHUNK_SIZE, 5, 0]
    assert b"".join(parts) == data
    assert f.closed


def test_empty_stream_is_rejected_and_stores_nothing(blob_store):
    with pytest.raises(InvalidInput):
        blob_store.put(io.BytesIO(b""))

    assert list(blob_store.iter_shas()) == []
    assert not blob_store.exists(sha(b""))
    assert leftover_temp_files(blob_store) == []


@pytest.mark.parametrize("size", [11, CHUNK_SIZE + 1], ids=["small", "past-first-chunk"])
def test_content_over_max_bytes_is_rejected_and_stores_nothing(blob_store, size):
    data = os.urandom(size)

    with pytest.raises(TooLarge):
        blob_store.put(io.BytesIO(data), max_bytes=size - 1)

    assert list(blob_store.iter_shas()) == []
    assert not blob_store.exists(sha(data))
    assert leftover_temp_files(blob_store) == []


def test_content_of_exactly_max_bytes_is_accepted(blob_store):
    stored = blob_store.put(io.BytesIO(CONTENT), max_bytes=len(CONTENT))

    assert stored.created and blob_store.read_bytes(stored.sha256) == CONTENT


@pytest.mark.parametrize("bucket_state", ["empty-store", "store-with-other-blobs"])
@pytest.mark.parametrize("method", ["open", "read_bytes", "size", "modified_at", "hash"])
def test_reading_a_missing_blob_raises_not_found(blob_store, method, bucket_state):
    if bucket_state == "store-with-other-blobs":
        blob_store.put(io.BytesIO(CONTENT))

    with pytest.raises(NotFound):
        getattr(blob_store, method)(MISSING_SHA)


def test_exists_is_false_for_a_missing_blob(blob_store):
    assert blob_store.exists(MISSING_SHA) is False
    blob_store.put(io.BytesIO(CONTENT))
    assert blob_store.exists(MISSING_SHA) is False


MALFORMED_NAMES = ["../etc/passwd", "", "abc", CONTENT_SHA.upper(), CONTENT_SHA[:63] + "g"]


@pytest.mark.parametrize("name", MALFORMED_NAMES)
@pytest.mark.parametrize("method", ["open", "size", "modified_at", "exists", "hash", "delete"])
def test_a_malformed_name_raises_not_found_before_reaching_storage(blob_store, method, name):
    with pytest.raises(NotFound):
        getattr(blob_store, method)(name)


@pytest.mark.parametrize("name", [CONTENT_SHA.upper(), "abcd-not-a-sha256.txt"])
def test_a_malformed_name_is_not_served_even_when_bytes_sit_at_its_path(
    blob_store, write_raw, name
):
    write_raw(name, b"planted")

    with pytest.raises(NotFound):
        blob_store.read_bytes(name)
    with pytest.raises(NotFound):
        blob_store.delete(name)


def test_modified_at_is_when_the_blob_was_written(blob_store):
    before = time.time()
    blob_store.put(io.BytesIO(CONTENT))
    after = time.time()

    # S3's LastModified has whole-second resolution.
    assert before - 1 <= blob_store.modified_at(CONTENT_SHA) <= after + 1


def test_iter_shas_is_empty_for_a_new_store(blob_store):
    assert list(blob_store.iter_shas()) == []


def test_iter_shas_lists_exactly_the_stored_blobs(blob_store):
    contents = [b"one", b"two", b"three", os.urandom(1000)]
    for data in contents:
        blob_store.put(io.BytesIO(data))

    listed = list(blob_store.iter_shas())

    assert sorted(listed) == sorted(sha(d) for d in contents)


def test_iter_shas_skips_objects_that_are_not_blobs(blob_store, write_raw):
    blob_store.put(io.BytesIO(CONTENT))
    write_raw("abcd-notes.txt", b"not a blob")
    write_raw(CONTENT_SHA[:60], b"truncated name")

    assert list(blob_store.iter_shas()) == [CONTENT_SHA]


def test_delete_removes_the_blob(blob_store):
    blob_store.put(io.BytesIO(CONTENT))
    blob_store.put(io.BytesIO(b"keep me"))

    blob_store.delete(CONTENT_SHA)

    assert not blob_store.exists(CONTENT_SHA)
    assert list(blob_store.iter_shas()) == [sha(b"keep me")]
    with pytest.raises(NotFound):
        blob_store.open(CONTENT_SHA)


def test_deleting_a_missing_blob_is_not_an_error(blob_store):
    blob_store.delete(MISSING_SHA)

    assert not blob_store.exists(MISSING_SHA)


def test_a_deleted_blob_can_be_stored_again(blob_store):
    blob_store.put(io.BytesIO(CONTENT))
    blob_store.delete(CONTENT_SHA)

    again = blob_store.put(io.BytesIO(CONTENT))

    assert again.created is True
    assert blob_store.read_bytes(CONTENT_SHA) == CONTENT


def test_hash_equals_the_name_for_intact_content(blob_store):
    data = os.urandom(CHUNK_SIZE + 3)
    stored = blob_store.put(io.BytesIO(data))

    assert blob_store.hash(stored.sha256) == stored.sha256


def test_hash_differs_from_the_name_after_the_stored_bytes_change(blob_store, write_raw):
    blob_store.put(io.BytesIO(CONTENT))

    write_raw(CONTENT_SHA, CONTENT[:-1] + b"\x00")

    assert blob_store.hash(CONTENT_SHA) == sha(CONTENT[:-1] + b"\x00") != CONTENT_SHA


# S3-only behaviour, kept beside the contract so the backend has its tests in one place.


@pytest.mark.s3
def test_s3_put_sends_the_sha256_so_the_server_can_verify_the_bytes(s3_store):
    # moto accepts but does not check x-amz-checksum-sha256 (AWS does), so check what is sent.
    sent = []

    def capture(request, **kwargs):
        sent.append(request.headers.get("x-amz-checksum-sha256"))

    s3_store.client.meta.events.register("before-send.s3.PutObject", capture)

    s3_store.put(io.BytesIO(CONTENT))

    assert sent == [base64.b64encode(hashlib.sha256(CONTENT).digest())]


@pytest.mark.s3
def test_s3_put_of_an_encrypted_blob_sends_the_sha256_of_the_stored_envelope(s3_store, raw_s3):
    from tests.storage.conftest import KEY, keyring

    s3_store.keyring = keyring(KEY)
    sent = []

    def capture(request, **kwargs):
        sent.append(request.headers.get("x-amz-checksum-sha256"))

    s3_store.client.meta.events.register("before-send.s3.PutObject", capture)

    s3_store.put(io.BytesIO(CONTENT))

    stored = raw_s3.get_object(Bucket=s3_store.bucket, Key=s3_store.key(CONTENT_SHA))["Body"]
    assert sent == [base64.b64encode(hashlib.sha256(stored.read()).digest())]


@pytest.mark.s3
def test_s3_from_settings_reads_bucket_prefix_region_and_endpoint(s3_config):
    store = S3BlobStore.from_settings({**s3_config, "S3_PREFIX": "t/", "S3_REGION": "eu-west-1"})

    assert store.bucket == s3_config["S3_BUCKET"]
    assert store.prefix == "t/"
    assert store.client.meta.region_name == "eu-west-1"
    assert store.client.meta.endpoint_url == s3_config["S3_ENDPOINT_URL"]


@pytest.mark.s3
def test_s3_store_writes_into_an_existing_bucket_under_its_prefix(s3_config, raw_s3):
    raw_s3.create_bucket(Bucket=s3_config["S3_BUCKET"])
    store = S3BlobStore.from_settings({**s3_config, "S3_PREFIX": "tenant-1/blobs/"})

    assert store.put(io.BytesIO(CONTENT)).created is True

    keys = [o["Key"] for o in raw_s3.list_objects_v2(Bucket=store.bucket)["Contents"]]
    assert keys == [f"tenant-1/blobs/{CONTENT_SHA[:2]}/{CONTENT_SHA}"]


@pytest.mark.s3
def test_s3_store_creates_its_bucket_outside_us_east_1(s3_config, raw_s3):
    store = S3BlobStore.from_settings({**s3_config, "S3_REGION": "eu-west-1"})

    store.put(io.BytesIO(CONTENT))

    assert raw_s3.get_bucket_location(Bucket=store.bucket)["LocationConstraint"] == "eu-west-1"


@pytest.mark.s3
def test_s3_store_accepts_a_bucket_another_process_created_first(s3_config, raw_s3, monkeypatch):
    # Outside us-east-1, creating a bucket you own fails with BucketAlreadyOwnedByYou.
    store = S3BlobStore.from_settings({**s3_config, "S3_REGION": "eu-west-1"})
    raw_s3.create_bucket(
        Bucket=store.bucket, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )

    def bucket_not_there_yet(**kwargs):  # the other process creates it right after our HEAD
        raise ClientError({"Error": {"Code": "404", "Message": "Not Found"}}, "HeadBucket")

    monkeypatch.setattr(store.client, "head_bucket", bucket_not_there_yet)

    assert store.put(io.BytesIO(CONTENT)).created is True
    assert store.read_bytes(CONTENT_SHA) == CONTENT


@pytest.mark.s3
def test_s3_iter_shas_skips_a_sha_named_object_outside_the_layout(s3_store, raw_s3):
    s3_store.put(io.BytesIO(CONTENT))
    misfiled = hashlib.sha256(b"misfiled").hexdigest()
    raw_s3.put_object(Bucket=s3_store.bucket, Key=f"blobs/zz/{misfiled}", Body=b"misfiled")
    raw_s3.put_object(Bucket=s3_store.bucket, Key=f"blobs/{misfiled}", Body=b"misfiled")

    assert list(s3_store.iter_shas()) == [CONTENT_SHA]


@pytest.mark.s3
def test_s3_iter_shas_follows_every_page_of_the_listing(s3_store):
    contents = [f"blob {i}".encode() for i in range(5)]
    for data in contents:
        s3_store.put(io.BytesIO(data))

    def two_keys_per_page(params, **kwargs):
        params["MaxKeys"] = 2

    s3_store.client.meta.events.register(
        "before-parameter-build.s3.ListObjectsV2", two_keys_per_page
    )

    assert sorted(s3_store.iter_shas()) == sorted(sha(d) for d in contents)


@pytest.mark.s3
def test_s3_backend_in_settings_makes_get_blob_store_use_s3(settings, s3_config):
    settings.BLOB_STORE = s3_config
    get_blob_store.cache_clear()  # the autouse blob_root fixture clears it again afterwards

    store = get_blob_store()

    assert isinstance(store, S3BlobStore) and store.bucket == s3_config["S3_BUCKET"]
    assert store.read_bytes(store.put(io.BytesIO(CONTENT)).sha256) == CONTENT
