"""Importing a folder tree: one subfolder per customer (the folder's name is the customer's
name), every file inside it, at any depth, a new document.

Per file, in order: find the customer (an unknown one is created only when asked) → read and
hash the file (unreadable, empty or too large: failed) → skip it when that customer already has
a version with the same SHA-256 (so a re-run imports only what is new) → upload it through
`document_upload`, one transaction per file, so one failure never undoes the others.

Hidden files and folders (".…"), Office lock files ("~$…") and Thumbs.db/desktop.ini are left
out. Names that are not UTF-8 (a GBK archive unpacked on Linux) are decoded as GB18030."""

import enum
import hashlib
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth.models import AbstractBaseUser

from docket.core.errors import DocketError
from docket.customers.models import Customer
from docket.customers.services import customer_create
from docket.documents.filenames import escape_original_name
from docket.documents.models import DocumentType, Version
from docket.documents.services import document_upload, max_upload_bytes

__all__ = [
    "ImportFile",
    "ImportOptions",
    "ImportReport",
    "ImportResult",
    "Status",
    "collect_files",
    "fs_name",
    "guess_type",
    "import_files",
]

JUNK_NAMES = {"thumbs.db", "desktop.ini"}


class Status(enum.StrEnum):
    IMPORTED = "imported"  # with dry_run: would be imported
    DUPLICATE = "duplicate"  # skipped: already filed for that customer
    SKIPPED = "skipped"  # skipped: no customer for it
    FAILED = "failed"


@dataclass(frozen=True)
class ImportFile:
    path: Path
    relative: str  # below the import root, "/"-separated, as shown to people
    folder: str  # its customer folder's name; "" for a file lying directly in the root


@dataclass(frozen=True)
class ImportResult:
    file: ImportFile
    status: Status
    reason: str = ""
    archive_number: str = ""
    document_type: str = ""


@dataclass
class ImportReport:
    results: list[ImportResult] = field(default_factory=list)
    created_customers: list[str] = field(default_factory=list)  # or, dry run: would create

    def count(self, *statuses: Status) -> int:
        return sum(result.status in statuses for result in self.results)

    @property
    def ok(self) -> bool:
        return self.count(Status.FAILED) == 0


@dataclass(frozen=True)
class ImportOptions:
    default_type: DocumentType  # when no type name appears in the file's name or folders
    document_type: DocumentType | None = None  # every file gets this type
    customer: Customer | None = None  # every file goes to this customer …
    customer_name: str = ""  # … or to the customer of this name (created if allowed)
    create_customers: bool = False
    dry_run: bool = False
    actor: AbstractBaseUser | None = None


def fs_name(name: str) -> str:
    """A file or folder name as a person wrote it: NFC, and GB18030 when it is not UTF-8."""
    raw = os.fsencode(name)
    for encoding in ("utf-8", "gb18030"):
        try:
            return unicodedata.normalize("NFC", raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    return unicodedata.normalize("NFC", raw.decode("utf-8", errors="replace"))


def _ignored(name: str) -> bool:
    return name.startswith((".", "~$")) or name.lower() in JUNK_NAMES


def collect_files(root: Path, *, one_customer: bool = False) -> list[ImportFile]:
    """Every importable file below root, in a stable order. In one_customer mode the top-level
    folders are ordinary folders; otherwise each names a customer."""
    files = []
    for directory, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not _ignored(d))
        for name in sorted(filenames):
            if _ignored(name):
                continue
            path = Path(directory, name)
            parts = [fs_name(part) for part in path.relative_to(root).parts]
            folder = "" if one_customer or len(parts) == 1 else " ".join(parts[0].split())
            files.append(ImportFile(path=path, relative="/".join(parts), folder=folder))
    return files


def guess_type(relative: str, types: list[DocumentType]) -> DocumentType | None:
    """The type whose name appears in the file's name, else in its nearest folder's name
    (customer folder excluded); the longest name wins (服务申请单 over a shorter one)."""
    parts = relative.split("/")
    for part in [parts[-1], *reversed(parts[1:-1])]:
        found = [t for t in types if t.name in part]
        if found:
            return max(found, key=lambda t: len(t.name))
    return None


@dataclass
class _Run:
    options: ImportOptions
    report: ImportReport = field(default_factory=ImportReport)
    types: list[DocumentType] = field(default_factory=list)
    customers: dict[str, Customer | str | None] = field(default_factory=dict)  # None: to create
    seen: set[tuple[object, str]] = field(default_factory=set)  # (customer, sha256) this run


def import_files(
    files: list[ImportFile],
    options: ImportOptions,
    *,
    on_result: Callable[[ImportResult], None] | None = None,
) -> ImportReport:
    run = _Run(options, types=list(DocumentType.objects.all()))
    for file in files:
        result = _import_file(file, run)
        run.report.results.append(result)
        if on_result is not None:
            on_result(result)
    return run.report


def _import_file(file: ImportFile, run: _Run) -> ImportResult:
    options = run.options
    name = options.customer_name or file.folder
    if options.customer is not None:
        customer: Customer | str | None = options.customer
    elif not name:
        customer = "not inside a customer folder"
    else:
        if name not in run.customers:
            run.customers[name] = _find_or_create(name, options, run.report)
        customer = run.customers[name]
    if isinstance(customer, str):
        return ImportResult(file, Status.SKIPPED, customer)
    document_type = (
        options.document_type or guess_type(file.relative, run.types) or options.default_type
    )
    return _import_one(file, customer, name, document_type, run)


def _find_or_create(
    name: str, options: ImportOptions, report: ImportReport
) -> Customer | str | None:
    found = list(Customer.objects.filter(name=name).exclude(status=Customer.Status.MERGED)[:2])
    if len(found) == 1:
        return found[0]
    if found:
        return f"more than one customer is named {name!r}"
    if not options.create_customers:
        return f"no customer named {name!r} (--create-customers creates it)"
    report.created_customers.append(name)
    if options.dry_run:
        return None
    try:
        return customer_create(actor=options.actor, name=name)
    except DocketError as exc:
        report.created_customers.remove(name)
        return f"customer {name!r} cannot be created: {exc.message}"


def _import_one(
    file: ImportFile,
    customer: Customer | None,
    customer_name: str,
    document_type: DocumentType,
    run: _Run,
) -> ImportResult:
    options, kind = run.options, document_type.name
    try:
        sha256, size = _hash(file.path)
    except OSError as exc:
        return ImportResult(file, Status.FAILED, f"cannot be read: {exc.strerror or exc}")
    if size == 0:
        return ImportResult(file, Status.FAILED, "the file is empty")
    if size > max_upload_bytes():
        return ImportResult(file, Status.FAILED, f"larger than the upload limit ({size:,} bytes)")
    key = (customer.id if customer else customer_name, sha256)
    filed = (
        Version.objects.filter(sha256=sha256, document__customer=customer)
        .values_list("document__archive_number", flat=True)
        .first()
        if customer is not None
        else None
    )
    if filed or key in run.seen:
        where = f" as {filed}" if filed else " (same content as another file here)"
        return ImportResult(file, Status.DUPLICATE, f"already filed for this customer{where}")
    run.seen.add(key)
    if options.dry_run or customer is None:
        return ImportResult(file, Status.IMPORTED, document_type=kind)
    try:
        with file.path.open("rb") as f:
            document = document_upload(
                actor=options.actor,
                file=f,
                filename=file.relative.rsplit("/", 1)[-1],
                customer=customer,
                document_type=document_type,
                notes=f"导入自 {escape_original_name(file.relative)}",
            )
    except DocketError as exc:
        return ImportResult(file, Status.FAILED, exc.message)
    except OSError as exc:
        return ImportResult(file, Status.FAILED, f"cannot be read: {exc.strerror or exc}")
    return ImportResult(
        file, Status.IMPORTED, archive_number=document.archive_number, document_type=kind
    )


def _hash(path: Path) -> tuple[str, int]:
    if not path.is_file():  # a FIFO or device would block or never end
        raise OSError(f"not a regular file: {path.name}")
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as f:
        while chunk := f.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size
