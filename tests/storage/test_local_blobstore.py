"""LocalBlobStore behaviour beyond the shared contract: on-disk layout and temp-file hygiene."""

import hashlib
import io
import os
import time

import pytest

from docket.storage.blobstore import CHUNK_SIZE
from docket.storage.local import LocalBlobStore

CONTENT = b"%PDF-1.4 contract \xe5\x90\x88\xe5\x90\x8c\n"
CONTENT_SHA = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def store(tmp_path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "store")


class BreaksAfterFirstChunk(io.RawIOBase):
    """A client upload whose connection drops after the first chunk."""

    def __init__(self) -> None:
        self.reads = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        self.reads += 1
        if self.reads == 1:
            return b"x" * CHUNK_SIZE
        raise ConnectionResetError("client went away")


def test_a_blob_lives_at_root_first_two_hex_next_two_hex_sha256(store, tmp_path):
    store.put(io.BytesIO(CONTENT))

    path = tmp_path / "store" / CONTENT_SHA[:2] / CONTENT_SHA[2:4] / CONTENT_SHA
    assert path.read_bytes() == CONTENT
    assert store.path(CONTENT_SHA) == path


def test_a_put_leaves_nothing_in_the_temp_directory(store):
    store.put(io.BytesIO(CONTENT))
    store.put(io.BytesIO(CONTENT))

    assert list(store.tmp_dir.iterdir()) == []


def test_storing_identical_content_again_does_not_rewrite_the_file(store):
    store.put(io.BytesIO(CONTENT))
    path = store.path(CONTENT_SHA)
    os.utime(path, (1_000_000_000, 1_000_000_000))

    store.put(io.BytesIO(CONTENT))

    assert path.stat().st_mtime == 1_000_000_000


def test_a_stream_failing_midway_leaves_no_temp_file_and_no_blob(store):
    stream = BreaksAfterFirstChunk()

    with pytest.raises(ConnectionResetError):
        store.put(stream)

    assert stream.reads == 2  # the first chunk really was written before the failure
    assert list(store.tmp_dir.iterdir()) == []
    assert list(store.iter_shas()) == []


def test_files_being_uploaded_are_never_listed_as_blobs(store):
    store.put(io.BytesIO(CONTENT))
    (store.tmp_dir / "upload-abc.part").write_bytes(b"half an upl")
    (store.tmp_dir / CONTENT_SHA[:2]).mkdir()
    (store.tmp_dir / CONTENT_SHA[:2] / hashlib.sha256(b"other").hexdigest()).write_bytes(b"x")

    assert list(store.iter_shas()) == [CONTENT_SHA]


def test_iter_shas_of_a_store_whose_root_does_not_exist_yet_is_empty(tmp_path):
    store = LocalBlobStore(tmp_path / "not-created")

    assert list(store.iter_shas()) == []
    assert not (tmp_path / "not-created").exists()


def test_stale_temp_files_lists_only_temp_files_older_than_the_cutoff(store):
    store.tmp_dir.mkdir(parents=True)
    old = store.tmp_dir / "upload-old.part"
    fresh = store.tmp_dir / "upload-fresh.part"
    old.write_bytes(b"abandoned")
    fresh.write_bytes(b"in progress")
    now = time.time()
    os.utime(old, (now - 7200, now - 7200))
    os.utime(fresh, (now - 60, now - 60))

    assert store.stale_temp_files() == [old]  # the default cutoff is one hour
    assert sorted(store.stale_temp_files(older_than_seconds=30)) == sorted([old, fresh])


def test_stale_temp_files_never_lists_blobs(store):
    store.put(io.BytesIO(CONTENT))
    path = store.path(CONTENT_SHA)
    os.utime(path, (1_000_000_000, 1_000_000_000))

    assert store.stale_temp_files() == []


def test_stale_temp_files_is_empty_before_the_first_upload(store):
    assert store.stale_temp_files() == []


def test_stray_files_in_the_blob_tree_are_not_blobs_and_do_not_break_listing(tmp_path):
    import io

    from docket.storage.local import LocalBlobStore

    store = LocalBlobStore(tmp_path)
    blob = store.put(io.BytesIO("合同正文".encode()))
    (tmp_path / blob.sha256[:2] / "stray.txt").write_text("x")
    (tmp_path / "ab").mkdir(exist_ok=True)
    (tmp_path / "ab" / "notes").write_text("x")
    assert list(store.iter_shas()) == [blob.sha256]


def test_a_name_with_a_trailing_newline_is_not_a_blob_name(tmp_path):
    import io

    import pytest

    from docket.core.errors import NotFound
    from docket.storage.local import LocalBlobStore

    store = LocalBlobStore(tmp_path)
    blob = store.put(io.BytesIO(b"data"))
    with pytest.raises(NotFound):
        store.open(blob.sha256 + "\n")


def test_an_encrypted_store_streams_a_large_blob_in_bounded_memory(tmp_path):
    import tracemalloc

    from tests.storage.conftest import KEY, keyring

    store = LocalBlobStore(tmp_path / "store", keyring=keyring(KEY))
    size = 40 * CHUNK_SIZE + 123
    digest = hashlib.sha256()

    class Generated(io.RawIOBase):  # 40 MB that never exist in memory at once
        sent = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            n = min(len(buffer), size - self.sent, 256 * 1024)
            piece = os.urandom(n)
            buffer[:n] = piece
            digest.update(piece)
            self.sent += n
            return n

    tracemalloc.start()
    try:
        stored = store.put(io.BufferedReader(Generated()))
        write_peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        measured = store.measure(stored.sha256)
        read_peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert stored.sha256 == digest.hexdigest() and measured == (size, stored.sha256)
    assert write_peak < 8 * CHUNK_SIZE and read_peak < 8 * CHUNK_SIZE
