"""`docket check`: does every version's blob exist, with the bytes its SHA-256 names?

Rows and blobs are compared both ways: a version whose blob is missing or altered is data
loss; a blob no version names (an orphan) is waste, left by an upload that died between
writing its bytes and committing its row. Hashing runs on all cores (hashlib releases the GIL).
"""

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from docket.core.errors import NotFound
from docket.documents.models import Document, Version
from docket.storage.blobstore import BlobStore, get_blob_store

PARALLEL_MIN_AVERAGE_BYTES = 256 * 1024


@dataclass
class Problem:
    sha256: str
    kind: str  # missing | corrupt | wrong_size
    detail: str
    versions: list[str]  # "HT-2023-0001 v2"


@dataclass
class CheckReport:
    blobs_checked: int = 0
    bytes_checked: int = 0
    problems: list[Problem] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    documents_without_versions: list[str] = field(default_factory=list)
    stale_temp_files: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.problems or self.orphans or self.documents_without_versions)


def _expected_blobs() -> dict[str, tuple[int | None, list[str]]]:
    """Every blob something names: versions, files waiting in the ingest inbox (and containers
    such as a zip, kept after their members were filed), and thumbnails. size None: unknown
    (a thumbnail), so only the hash is checked."""
    from docket.ingest.models import IngestJob

    expected: dict[str, tuple[int | None, list[str]]] = {}
    rows = Version.objects.values_list("sha256", "size", "document__archive_number", "number")
    for sha256, size, archive_number, number in rows.iterator(chunk_size=5000):
        _, refs = expected.setdefault(sha256, (size, []))
        refs.append(f"{archive_number} v{number}")
    jobs = IngestJob.objects.values_list("sha256", "size", "original_name", "fields")
    for sha256, size, name, fields in jobs.iterator(chunk_size=5000):
        expected.setdefault(sha256, (size, []))[1].append(f"ingest job {name}")
        if original := (fields or {}).get("encrypted_original_sha256"):
            expected.setdefault(original, (None, []))[1].append(f"ingest job {name} (locked)")
    thumbnails = Version.objects.exclude(thumbnail_sha256="").values_list(
        "thumbnail_sha256", "document__archive_number", "number"
    )
    for sha256, archive_number, number in thumbnails.iterator(chunk_size=5000):
        expected.setdefault(sha256, (None, []))[1].append(f"{archive_number} v{number} thumbnail")
    return expected


def _check_one(store: BlobStore, sha256: str, size: int | None) -> tuple[str, str] | None:
    try:
        actual_size, actual = store.measure(sha256)
    except NotFound:
        return "missing", "no such blob in the store"
    if size is not None and actual_size != size:
        return "wrong_size", f"{actual_size} bytes stored, {size} recorded"
    if actual != sha256:
        return "corrupt", f"content hashes to {actual}"
    return None


def run_check(
    *, store: BlobStore | None = None, on_progress: Callable[[int, int], None] | None = None
) -> CheckReport:
    """on_progress(blobs_done, blobs_total) is called as each blob finishes."""
    store = store or get_blob_store()
    report = CheckReport()
    expected = _expected_blobs()
    total_bytes = sum(size or 0 for size, _ in expected.values())
    # hashlib releases the GIL only while it hashes a large buffer: threads pay off for big
    # blobs and cost more than they save on small ones (measured: 1,000 × 2.6 kB took 3.6x
    # longer in a 2-thread pool than in one thread).
    big = expected and total_bytes / len(expected) >= PARALLEL_MIN_AVERAGE_BYTES
    items = list(expected.items())
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        check = lambda item: (item[0], _check_one(store, item[0], item[1][0]))  # noqa: E731
        results = pool.map(check, items) if big else map(check, items)
        for sha256, outcome in results:
            size, refs = expected[sha256]
            report.blobs_checked += 1
            report.bytes_checked += size or 0
            if outcome is not None:
                report.problems.append(Problem(sha256, outcome[0], outcome[1], refs))
            if on_progress:
                on_progress(report.blobs_checked, len(expected))
    report.orphans = sorted(sha for sha in store.iter_shas() if sha not in expected)
    report.documents_without_versions = list(
        Document.all_objects.filter(versions__isnull=True).values_list("archive_number", flat=True)
    )
    stale = getattr(store, "stale_temp_files", None)
    if stale is not None:
        report.stale_temp_files = [str(p) for p in stale()]
    return report


def delete_orphans(
    report: CheckReport, *, store: BlobStore | None = None, min_age_seconds: float = 3600
) -> list[str]:
    """Delete orphan blobs older than min_age_seconds (younger ones may belong to an upload
    that is committing right now) and stale temporary files. Returns what was deleted."""
    store = store or get_blob_store()
    cutoff = time.time() - min_age_seconds
    still_named = set(_expected_blobs()) & set(report.orphans)  # named since the check ran
    deleted = []
    for sha256 in report.orphans:
        if sha256 not in still_named and store.modified_at(sha256) < cutoff:
            store.delete(sha256)
            deleted.append(sha256)
    for path in report.stale_temp_files:
        os.unlink(path)
        deleted.append(path)
    return deleted
