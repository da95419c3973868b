"""The watched folder: scanners and people drop files in; Docket files them.

ROOT/<customer name or code>/…/file files into that customer, and ROOT/<customer>/<type>/…/file
also sets the document type (合同, 发票 …); a file directly in ROOT (or in a folder that names
no customer or type) goes through the pipeline's suggestions. A source file is
removed only once its job is DONE, i.e. once its document (or the identical one it
duplicates) has committed; a file whose job failed stays where it is and waits in the inbox.
"""

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Q

from docket.customers.models import Customer
from docket.documents.models import DocumentType
from docket.ingest.models import IngestJob
from docket.ingest.services import ingest_submit

# A file is complete once it has not changed for this long (a scanner may still be writing).
STABLE_SECONDS = 2.0
IGNORED_PREFIXES = (".", "~$", "~")
IGNORED_SUFFIXES = (".part", ".tmp", ".crdownload", ".partial")
IGNORED_NAMES = {"Thumbs.db", "desktop.ini"}


@dataclass
class ScanReport:
    submitted: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)  # in progress or in the inbox
    errors: list[str] = field(default_factory=list)


def scan_folder(
    root: Path, *, stable_seconds: float = STABLE_SECONDS, now: float | None = None
) -> ScanReport:
    import time

    now = time.time() if now is None else now
    report = ScanReport()
    _remove_filed(root, report)
    for path in sorted(root.rglob("*")):
        if not path.is_file() or _ignored(path, root):
            continue
        try:
            if now - path.stat().st_mtime < stable_seconds:
                continue  # still being written
            _submit_if_new(path, root, report)
        except OSError as exc:
            report.errors.append(f"{path}: {exc.strerror or exc}")
    return report


def _ignored(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    return (
        any(part.startswith(IGNORED_PREFIXES) for part in parts)
        or path.name.endswith(IGNORED_SUFFIXES)
        or path.name in IGNORED_NAMES
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def _remove_filed(root: Path, report: ScanReport) -> None:
    """Delete source files whose documents have committed (and only if unchanged since)."""
    done = IngestJob.objects.filter(
        source=IngestJob.Source.FOLDER,
        state=IngestJob.State.DONE,
        source_ref__startswith=str(root),
    ).values_list("source_ref", "sha256", "fields")
    for source_ref, sha256, fields in done:
        path = Path(source_ref)
        if not path.is_file():
            continue
        submitted = {sha256, (fields or {}).get("encrypted_original_sha256")}
        if _sha256(path) in submitted:
            path.unlink()
            report.removed.append(str(path))


def _submit_if_new(path: Path, root: Path, report: ScanReport) -> None:
    latest = IngestJob.objects.filter(source_ref=str(path)).order_by("-created_at").first()
    if latest is not None and latest.state != IngestJob.State.DONE:
        report.waiting.append(str(path))
        return
    # DONE and still here: replaced by new content since (else _remove_filed took it).
    with path.open("rb") as f:
        job = ingest_submit(
            actor=None,
            file=f,
            filename=path.name,
            source=IngestJob.Source.FOLDER,
            source_ref=str(path),
            customer=_customer_for(path, root),
            document_type=_type_for(path, root),
        )
    report.submitted.append(f"{path} → {job.id}")


def _customer_for(path: Path, root: Path) -> Customer | None:
    parts = path.relative_to(root).parts
    if len(parts) < 2:
        return None
    folder = parts[0].strip()
    return (
        Customer.objects.filter(Q(name=folder) | Q(code=folder))
        .exclude(status=Customer.Status.MERGED)
        .first()
    )


def _type_for(path: Path, root: Path) -> DocumentType | None:
    parts = path.relative_to(root).parts
    if len(parts) < 3:
        return None
    return DocumentType.objects.filter(name=parts[1].strip()).first()
