"""Blobs in a local directory: ROOT/ab/cd/abcd…(64 hex). Writes go to ROOT/tmp first."""

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from docket.core.errors import NotFound
from docket.storage.blobstore import SHA256_RE, BlobStore, StoredBlob, check_sha256
from docket.storage.crypto import Keyring


class LocalBlobStore(BlobStore):
    def __init__(self, root: str | Path, *, keyring: Keyring | None = None) -> None:
        self.root = Path(root)
        self.tmp_dir = self.root / "tmp"
        if keyring is not None:
            self.keyring = keyring

    def path(self, sha256: str) -> Path:
        check_sha256(sha256)
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, stream: BinaryIO, *, max_bytes: int | None = None) -> StoredBlob:
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp_dir, prefix="upload-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as out:
                sha256, size = self.write_content(stream, out, max_bytes=max_bytes)
                out.flush()
                os.fsync(out.fileno())
            final = self.path(sha256)
            if final.exists():
                os.unlink(tmp_name)
                return StoredBlob(sha256=sha256, size=size, created=False)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, final)  # atomic; a concurrent identical put is harmless
            _fsync_dir(final.parent)
            return StoredBlob(sha256=sha256, size=size, created=True)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise

    def open_stored(self, sha256: str) -> tuple[BinaryIO, int]:
        try:
            f = open(self.path(sha256), "rb")  # noqa: SIM115 (the caller closes it)
        except FileNotFoundError:
            raise NotFound(f"blob {sha256} is missing from the store") from None
        return f, os.fstat(f.fileno()).st_size

    def replace_stored(self, sha256: str, write: Callable[[BinaryIO], object]) -> None:
        final = self.path(sha256)
        try:
            mtime = final.stat().st_mtime
        except FileNotFoundError:
            raise NotFound(f"blob {sha256} is missing from the store") from None
        self.tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=self.tmp_dir, prefix="rewrite-", suffix=".part")
        try:
            with os.fdopen(fd, "w+b") as out:
                write(out)
                out.flush()
                os.fsync(out.fileno())
            # modified_at is when the content was stored; orphan cleanup goes by it.
            os.utime(tmp_name, (mtime, mtime))
            os.replace(tmp_name, final)
            _fsync_dir(final.parent)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp_name)
            raise

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def modified_at(self, sha256: str) -> float:
        try:
            return self.path(sha256).stat().st_mtime
        except FileNotFoundError:
            raise NotFound(f"blob {sha256} is missing from the store") from None

    def iter_shas(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        # os.scandir, not Path.iterdir: the check walks every blob, and per-entry cost adds up.
        # Each in `with`: a caller that stops early (an interrupted `docket keys`) closes them.
        with os.scandir(self.root) as firsts:
            for first in firsts:
                if first.name == "tmp" or not first.is_dir():
                    continue
                with os.scandir(first.path) as seconds:
                    for second in seconds:
                        if not second.is_dir():
                            continue  # a stray file is not a blob
                        with os.scandir(second.path) as blobs:
                            for blob in blobs:
                                if SHA256_RE.fullmatch(blob.name) and blob.is_file():
                                    yield blob.name

    def delete(self, sha256: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(sha256).unlink()

    def stale_temp_files(self, older_than_seconds: float = 3600) -> list[Path]:
        """Temporary files left by a writer that died mid-upload; never part of a blob."""
        if not self.tmp_dir.is_dir():
            return []
        cutoff = time.time() - older_than_seconds
        return [p for p in self.tmp_dir.iterdir() if p.stat().st_mtime < cutoff]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
