"""Exporting documents to a folder tree: each live document's current version at
DIR/<customer>/<name from the type's naming rule>, plus DIR/manifest.csv describing every file.

Names are made safe for every common file system (`safe_filename`); two files that would get
the same name (compared case-insensitively, as Windows and macOS do) get _2, _3 … suffixes.
Every file, the manifest included, is written to a temporary name, checked against its SHA-256,
and renamed into place, so an interrupted export never leaves a half-written file under a final
name. The manifest is UTF-8 with a BOM, so Excel shows the Chinese correctly."""

import csv
import hashlib
import io
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_noop as _

from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.core.errors import Conflict, DocketError, InvalidInput
from docket.core.notices import Notice
from docket.customers.models import Customer
from docket.documents.filenames import MAX_NAME_BYTES, safe_filename
from docket.documents.models import Document, Version
from docket.documents.naming import download_name
from docket.storage.blobstore import CHUNK_SIZE, get_blob_store

__all__ = [
    "MANIFEST_COLUMNS",
    "MANIFEST_NAME",
    "ExportReport",
    "ExportedFile",
    "documents_to_export",
    "export_tree",
]

MANIFEST_NAME = "manifest.csv"
MANIFEST_COLUMNS = [
    "archive_number",
    "customer",
    "type",
    "title",
    "date",
    "version",
    "sha256",
    "size",
    "mime",
    "path",
]


@dataclass(frozen=True)
class ExportedFile:
    document: Document
    version: Version
    path: str  # relative to the export directory, "/"-separated


@dataclass
class ExportReport:
    files: list[ExportedFile] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # "archive number: what went wrong"

    @property
    def ok(self) -> bool:
        return not self.failures


def export_tree(
    *,
    root: Path,
    customer: Customer | None = None,
    force: bool = False,
    on_progress: Callable[[int, int], None] | None = None,
) -> ExportReport:
    """Write the export. Refuses a non-empty directory unless force (then files of the same
    name are replaced and others left alone)."""
    if root.exists() and not root.is_dir():
        raise InvalidInput(Notice(_("%(path)s exists and is not a directory"), path=str(root)))
    if root.is_dir() and any(root.iterdir()) and not force:
        raise Conflict(
            Notice(_("%(path)s is not empty (--force writes into it anyway)"), path=str(root))
        )
    root.mkdir(parents=True, exist_ok=True)
    report = ExportReport()
    folders: dict[int, str] = {}  # customer id → folder name
    taken = {f"/{MANIFEST_NAME}"}  # casefolded "folder/name" paths, folders as "/name"
    todo = documents_to_export(customer=customer)
    for done, (document, version) in enumerate(todo, 1):
        if document.customer_id not in folders:
            folders[document.customer_id] = _unique(
                _folder_name(document.customer), taken, parent=""
            )
        folder = folders[document.customer_id]
        name = download_name(document, original_name=version.original_name)
        path = f"{folder}/{_unique(name, taken, parent=folder)}"
        try:
            _write_blob(root / path, version.sha256)
        except (DocketError, OSError) as exc:
            report.failures.append(f"{document.archive_number}: {getattr(exc, 'message', exc)}")
        else:
            report.files.append(ExportedFile(document, version, path))
        if on_progress is not None:
            on_progress(done, len(todo))
    _write_manifest(root / MANIFEST_NAME, report.files)
    audit_record(  # the CLI's export (actor: the system), one event for the whole tree
        action=AuditEvent.Action.EXPORT,
        customer_id=customer.pk if customer is not None else None,
        details={"folder": str(root), "files": len(report.files), "failures": len(report.failures)},
    )
    return report


def documents_to_export(*, customer: Customer | None = None) -> list[tuple[Document, Version]]:
    """Live documents with their current versions, by customer, date and archive number."""
    documents = Document.objects.select_related("customer", "document_type")
    if customer is not None:
        documents = documents.filter(customer=customer)
    documents = documents.order_by(
        "customer__name", "customer_id", "document_date", "archive_number"
    )
    latest = Version.objects.filter(document=OuterRef("document")).order_by("-number")
    current = {
        v.document_id: v
        for v in Version.objects.filter(
            document__in=documents, number=Subquery(latest.values("number")[:1])
        ).defer("text")
    }
    return [(d, current[d.id]) for d in documents if d.id in current]


def _folder_name(customer: Customer) -> str:
    """The customer's name made safe; a slash in it is replaced, not taken as a path."""
    name = customer.name.replace("/", "_").replace("\\", "_")
    return safe_filename(name, fallback=customer.code)


def _unique(name: str, taken: set[str], *, parent: str) -> str:
    stem, dot, ext = name.rpartition(".")
    if not (dot and stem and parent):  # a folder's name has no extension
        stem, ext = name, ""
    suffix, n = f".{ext}" if ext else "", 1
    candidate = name
    while f"{parent}/{candidate}".casefold() in taken:
        n += 1
        tail = f"_{n}{suffix}"
        room = MAX_NAME_BYTES - len(tail.encode())
        candidate = stem.encode()[:room].decode(errors="ignore") + tail
    taken.add(f"{parent}/{candidate}".casefold())
    return candidate


def _write_blob(target: Path, sha256: str) -> None:
    with get_blob_store().open(sha256) as source:
        _write_atomically(target, iter(lambda: source.read(CHUNK_SIZE), b""), sha256=sha256)


def _write_atomically(target: Path, chunks: Iterable[bytes], *, sha256: str = "") -> None:
    """Write to a temporary file beside target, fsync, and rename it into place; when sha256
    is given, bytes that do not match it are never renamed into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=".export-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if sha256 and digest.hexdigest() != sha256:
            raise Conflict(
                Notice(
                    _("the stored file does not match its SHA-256 %(sha256)s (docket check)"),
                    sha256=sha256,
                )
            )
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _write_manifest(target: Path, files: list[ExportedFile]) -> None:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(MANIFEST_COLUMNS)
    for item in files:
        document, version = item.document, item.version
        writer.writerow(
            [
                document.archive_number,
                document.customer.name,
                document.document_type.name,
                document.title,
                document.document_date.isoformat() if document.document_date else "",
                version.number,
                version.sha256,
                version.size,
                version.mime_type,
                item.path,
            ]
        )
    _write_atomically(target, [text.getvalue().encode("utf-8-sig")])
