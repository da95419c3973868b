"""Every write to documents, versions, tags, types and check-outs.

Order of work in an upload: validate → write the blob (durable before any row names it) → in
one transaction, the document and its version rows → on commit, queue text extraction. A crash
before the commit leaves at most an orphan blob (which `docket check` lists), never a row
without its bytes.
"""

import datetime
from typing import Any, BinaryIO

import magic
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from docket.core.errors import Conflict, Forbidden, InvalidInput, Locked, NotFound
from docket.customers.models import Customer
from docket.documents.filenames import escape_original_name
from docket.documents.models import (
    ArchiveCounter,
    Checkout,
    Document,
    DocumentType,
    Tag,
    Version,
)
from docket.storage.blobstore import StoredBlob, get_blob_store

DOCUMENT_EDITABLE_FIELDS = (
    "title",
    "document_date",
    "status",
    "notes",
    "customer",
    "document_type",
)


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def _store_file(file: BinaryIO) -> tuple[StoredBlob, str]:
    """Write the bytes to the blob store and sniff their type from the content, not the name."""
    stored = get_blob_store().put(file, max_bytes=max_upload_bytes())
    with get_blob_store().open(stored.sha256) as f:
        head = f.read(8192)
    return stored, magic.from_buffer(head, mime=True) or "application/octet-stream"


def next_archive_number(document_type: DocumentType, year: int) -> str:
    """Issue the next number for this type and year. The UPDATE takes the row lock first (on
    SQLite, the database write lock), so two uploads never get the same sequence number."""
    ArchiveCounter.objects.get_or_create(document_type=document_type, year=year)
    ArchiveCounter.objects.filter(document_type=document_type, year=year).update(last=F("last") + 1)
    seq = ArchiveCounter.objects.get(document_type=document_type, year=year).last
    return document_type.number_pattern.format(code=document_type.code, year=year, seq=seq)


def document_upload(
    *,
    actor: AbstractBaseUser | None,
    file: BinaryIO,
    filename: str,
    customer: Customer,
    document_type: DocumentType,
    title: str = "",
    document_date: datetime.date | None = None,
    tags: list[Tag] | None = None,
    notes: str = "",
    comment: str = "",
) -> Document:
    if customer.status == Customer.Status.MERGED:
        raise InvalidInput(
            "this customer was merged into another; file under that one", field="customer"
        )
    stored, mime_type = _store_file(file)
    original_name = escape_original_name(filename or "")
    with transaction.atomic():
        year = (document_date or timezone.localdate()).year
        document = Document.objects.create(
            customer=customer,
            document_type=document_type,
            title=(title or "").strip() or _title_from(original_name),
            document_date=document_date,
            notes=notes,
            archive_number=next_archive_number(document_type, year),
            created_by=_user(actor),
        )
        if tags:
            document.tags.set(tags)
        version = _version_create(
            actor=actor,
            document=document,
            stored=stored,
            mime_type=mime_type,
            original_name=original_name,
            comment=comment,
        )
        _queue_text_extraction(version)
    return document


def _title_from(original_name: str) -> str:
    stem = original_name.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()
    return stem[:300] or "未命名文档"


def _user(actor: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return actor if actor is not None and actor.is_authenticated else None


def _version_create(
    *,
    actor: AbstractBaseUser | None,
    document: Document,
    stored: StoredBlob,
    mime_type: str,
    original_name: str,
    comment: str,
    restored_from: int | None = None,
) -> Version:
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    try:
        with transaction.atomic():
            return Version.objects.create(
                document=document,
                number=last + 1,
                sha256=stored.sha256,
                size=stored.size,
                mime_type=mime_type,
                original_name=original_name,
                author=_user(actor),
                comment=comment,
                restored_from=restored_from,
            )
    except IntegrityError as exc:
        raise Conflict("another version was added at the same moment; try again") from exc


def _queue_text_extraction(version: Version) -> None:
    """Queue inside the caller's transaction: the task row lives in the same database, so it
    commits with the version (no worker sees one without the other, and no job is lost if the
    process dies right after the commit)."""
    from docket.documents.tasks import extract_version_text

    result = extract_version_text.enqueue(version.id)
    version.text_task_id = str(result.id)
    version.save(update_fields=["text_task_id"])


def _check_not_locked_by_other(document: Document, actor: AbstractBaseUser | None) -> None:
    lock = active_checkout(document)
    if lock is not None and (actor is None or lock.user_id != actor.pk):
        raise Locked(f"checked out by {lock.user} until {lock.expires_at:%Y-%m-%d %H:%M}")


def version_add(
    *,
    actor: AbstractBaseUser | None,
    document: Document,
    file: BinaryIO,
    filename: str,
    comment: str = "",
) -> Version:
    _check_not_locked_by_other(document, actor)
    stored, mime_type = _store_file(file)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        _check_not_locked_by_other(document, actor)
        version = _version_create(
            actor=actor,
            document=document,
            stored=stored,
            mime_type=mime_type,
            original_name=escape_original_name(filename or ""),
            comment=comment,
        )
        Document.objects.filter(pk=document.pk).update(updated_at=timezone.now())
        _queue_text_extraction(version)
    return version


@transaction.atomic
def version_restore(
    *, actor: AbstractBaseUser | None, document: Document, number: int, comment: str = ""
) -> Version:
    """Make an old version current again by adding it as a new version (history stays)."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    _check_not_locked_by_other(document, actor)
    old = document.versions.filter(number=number).first()
    if old is None:
        raise NotFound(f"document {document.archive_number} has no version {number}")
    if not get_blob_store().exists(old.sha256):
        raise Conflict(f"the file of version {number} is missing from the blob store")
    version = _version_create(
        actor=actor,
        document=document,
        stored=StoredBlob(sha256=old.sha256, size=old.size, created=False),
        mime_type=old.mime_type,
        original_name=old.original_name,
        comment=comment or f"restored from version {number}",
        restored_from=number,
    )
    # The text is the same bytes' text: copy it rather than extract it again.
    Version.objects.filter(pk=version.pk).update(
        text=old.text, text_state=old.text_state, text_task_id=old.text_task_id
    )
    version.refresh_from_db()
    return version


@transaction.atomic
def document_update(
    *, actor: AbstractBaseUser | None, document: Document, **fields: Any
) -> Document:
    unknown = set(fields) - set(DOCUMENT_EDITABLE_FIELDS) - {"tags"}
    if unknown:
        raise InvalidInput(f"these fields cannot be edited: {', '.join(sorted(unknown))}")
    tags = fields.pop("tags", None)
    if "title" in fields and not (fields["title"] or "").strip():
        raise InvalidInput("a document needs a title", field="title")
    for key, value in fields.items():
        setattr(document, key, value)
    document.save()
    if tags is not None:
        document.tags.set(tags)
    return document


@transaction.atomic
def document_delete(*, actor: AbstractBaseUser | None, document: Document) -> Document:
    """Move a document to the trash. Its versions and blobs stay until a later purge."""
    _check_not_locked_by_other(document, actor)
    document.deleted_at = timezone.now()
    document.deleted_by = _user(actor)
    document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    Checkout.objects.filter(document=document).delete()
    return document


@transaction.atomic
def document_restore_from_trash(*, actor: AbstractBaseUser | None, document: Document) -> Document:
    if document.deleted_at is None:
        raise Conflict("this document is not in the trash")
    document.deleted_at = None
    document.deleted_by = None
    document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    return document


def active_checkout(document: Document) -> Checkout | None:
    return (
        Checkout.objects.select_related("user")
        .filter(document=document, expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def document_checkout(
    *, actor: AbstractBaseUser, document: Document, hours: float | None = None, note: str = ""
) -> Checkout:
    hours = settings.CHECKOUT_DEFAULT_HOURS if hours is None else hours
    if not 0 < hours <= 24 * 30:
        raise InvalidInput("a check-out lasts between a minute and 30 days", field="hours")
    Document.objects.select_for_update().filter(pk=document.pk).first()
    lock = active_checkout(document)
    if lock is not None and lock.user_id != actor.pk:
        raise Locked(f"already checked out by {lock.user} until {lock.expires_at:%Y-%m-%d %H:%M}")
    Checkout.objects.filter(document=document).delete()  # an expired lock, or renewing one's own
    return Checkout.objects.create(
        document=document,
        user=actor,
        note=note,
        expires_at=timezone.now() + datetime.timedelta(hours=hours),
    )


@transaction.atomic
def document_checkin(*, actor: AbstractBaseUser, document: Document, force: bool = False) -> None:
    lock = active_checkout(document)
    if lock is None:
        raise Conflict("this document is not checked out")
    if lock.user_id != actor.pk:
        if not force:
            raise Locked(f"checked out by {lock.user}; only they can check it in")
        if not actor.has_perm("documents.force_checkin"):
            raise Forbidden("you may not force a check-in")
    lock.delete()


DOCUMENT_TYPE_FIELDS = ("name", "code", "number_pattern", "naming_template")


def _validate_document_type(document_type: DocumentType) -> None:
    from docket.documents.naming import validate_template

    try:
        validate_template(document_type.naming_template)
    except ValueError as exc:
        raise InvalidInput(str(exc), field="naming_template") from exc
    pattern = document_type.number_pattern
    if "{seq" not in pattern:
        raise InvalidInput("an archive number pattern needs {seq}", field="number_pattern")
    try:
        pattern.format(code=document_type.code, year=2023, seq=1)
    except (KeyError, ValueError, IndexError) as exc:
        raise InvalidInput(
            f"the pattern does not format: {exc} (fields: code, year, seq)", field="number_pattern"
        ) from exc
    clash = DocumentType.objects.filter(name=document_type.name) | DocumentType.objects.filter(
        code=document_type.code
    )
    if clash.exclude(pk=document_type.pk).exists():
        raise Conflict(
            f"a document type named {document_type.name!r} or coded {document_type.code!r} exists"
        )


@transaction.atomic
def document_type_create(
    *, actor: AbstractBaseUser | None, name: str, code: str, **fields: Any
) -> DocumentType:
    document_type = DocumentType(name=name.strip(), code=code.strip(), **fields)
    _validate_document_type(document_type)
    document_type.save()
    return document_type


@transaction.atomic
def document_type_update(
    *, actor: AbstractBaseUser | None, document_type: DocumentType, **fields: Any
) -> DocumentType:
    """Edit a type. Archive numbers already issued keep the pattern they were made with."""
    unknown = set(fields) - set(DOCUMENT_TYPE_FIELDS)
    if unknown:
        raise InvalidInput(f"unknown document type fields: {', '.join(sorted(unknown))}")
    for key, value in fields.items():
        setattr(document_type, key, value.strip() if isinstance(value, str) else value)
    _validate_document_type(document_type)
    document_type.save()
    return document_type


def tag_get_or_create(*, actor: AbstractBaseUser | None, name: str, color: str = "") -> Tag:
    name = name.strip()
    if not name:
        raise InvalidInput("a tag needs a name", field="tags")
    tag, _ = Tag.objects.get_or_create(name=name, defaults={"color": color or "#3b82f6"})
    return tag
