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
from django.utils.translation import gettext_noop as _

from docket.access.models import Permission
from docket.access.rules import check_customer
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.core.errors import Conflict, InvalidInput, Locked, NotFound
from docket.core.notices import Notice
from docket.customers.models import Customer
from docket.documents.edit_changes import edit_changes, edit_snapshot, tag_changes, tag_names
from docket.documents.filenames import escape_original_name
from docket.documents.models import (
    ArchiveCounter,
    Checkout,
    Document,
    DocumentType,
    Tag,
    Version,
)
from docket.documents.naming import assign_file_stem
from docket.search.indexer import index_documents
from docket.storage.blobstore import StoredBlob, get_blob_store

NAMING_FIELDS = {"title", "document_date", "customer", "document_type"}
Action = AuditEvent.Action
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
    _check_upload_to(actor, customer)
    stored, mime_type = _store_file(file)
    return document_create_from_blob(
        actor=actor,
        blob=stored,
        mime_type=mime_type,
        filename=filename,
        customer=customer,
        document_type=document_type,
        title=title,
        document_date=document_date,
        tags=tags,
        notes=notes,
        comment=comment,
    )


def _check_upload_to(actor: AbstractBaseUser | None, customer: Customer) -> None:
    check_customer(actor, Permission.UPLOAD, customer)
    if customer.status == Customer.Status.MERGED:
        raise InvalidInput(
            Notice(_("this customer was merged into another; file under that one")),
            field="customer",
        )


def document_create_from_blob(
    *,
    actor: AbstractBaseUser | None,
    blob: StoredBlob,
    mime_type: str,
    filename: str,
    customer: Customer,
    document_type: DocumentType,
    title: str = "",
    document_date: datetime.date | None = None,
    tags: list[Tag] | None = None,
    notes: str = "",
    comment: str = "",
    text: str | None = None,
) -> Document:
    """The document and its first version, for bytes already in the blob store. With `text`
    (the ingest pipeline extracted it) the version is complete; without, extraction is queued."""
    _check_upload_to(actor, customer)
    original_name = escape_original_name(filename or "")
    with transaction.atomic():
        year = (document_date or timezone.localdate()).year
        document = Document.objects.create(
            customer=customer,
            document_type=document_type,
            title=(title or "").strip()[:300] or _title_from(original_name),
            document_date=document_date,
            notes=notes,
            archive_number=next_archive_number(document_type, year),
            created_by=_user(actor),
        )
        if tags:
            document.tags.set(tags)
        assign_file_stem(document)
        version = _version_create(
            actor=actor,
            document=document,
            stored=blob,
            mime_type=mime_type,
            original_name=original_name,
            comment=comment,
        )
        _set_text_or_queue(version, text)
        record(Action.UPLOAD, actor, document, file=original_name, size=blob.size)
    return document


def record(action: str, actor: AbstractBaseUser | None, document: Document, **details: Any) -> None:
    """The audit event of a change to a document, in the change's transaction."""
    audit_record(
        action=action,
        actor=actor,
        document_id=document.pk,
        customer_id=document.customer_id,
        details=details or None,
    )


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
        raise Conflict(
            Notice(_("another version was added at the same moment; try again"))
        ) from exc


def _set_text_or_queue(version: Version, text: str | None) -> None:
    """Store the text already extracted, or queue its extraction inside the caller's
    transaction: the task row lives in the same database, so it commits with the version (no
    worker sees one without the other, and no job is lost if the process dies right after)."""
    if text is not None:
        version.text = text
        version.text_state = Version.TextState.DONE if text else Version.TextState.NONE
        version.save(update_fields=["text", "text_state"])
    else:
        from docket.documents.tasks import extract_version_text

        result = extract_version_text.enqueue(version.id)
        version.text_task_id = str(result.id)
        version.save(update_fields=["text_task_id"])
    index_documents([version.document_id])  # the new current version, with its text or none yet


def _check_not_locked_by_other(document: Document, actor: AbstractBaseUser | None) -> None:
    """While someone holds the check-out, only they change the document: its versions, its
    details and tags, its place in the trash (a forced check-in frees it for others)."""
    from docket.documents.checkout import active_checkout, holder

    lock = active_checkout(document)
    if lock is not None and (actor is None or lock.user_id != actor.pk):
        raise Locked(Notice(_("checked out by %(user)s until %(until)s"), **holder(lock)))


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
    return version_add_from_blob(
        actor=actor,
        document=document,
        blob=stored,
        mime_type=mime_type,
        filename=filename,
        comment=comment,
    )


def version_add_from_blob(
    *,
    actor: AbstractBaseUser | None,
    document: Document,
    blob: StoredBlob,
    mime_type: str,
    filename: str,
    comment: str = "",
    text: str | None = None,
) -> Version:
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        _check_not_locked_by_other(document, actor)
        version = _version_create(
            actor=actor,
            document=document,
            stored=blob,
            mime_type=mime_type,
            original_name=escape_original_name(filename or ""),
            comment=comment,
        )
        Document.objects.filter(pk=document.pk).update(updated_at=timezone.now())
        _set_text_or_queue(version, text)
        record(Action.NEW_VERSION, actor, document, version=version.number, size=blob.size)
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
        raise Conflict(
            Notice(
                _("the file of version %(number)s is missing from the blob store"), number=number
            )
        )
    version = _version_create(
        actor=actor,
        document=document,
        stored=StoredBlob(sha256=old.sha256, size=old.size, created=False),
        mime_type=old.mime_type,
        original_name=old.original_name,
        comment=comment,  # what the user typed; restored_from says the rest, in any language
        restored_from=number,
    )
    # The text is the same bytes' text: copy it rather than extract it again.
    Version.objects.filter(pk=version.pk).update(
        text=old.text, text_state=old.text_state, text_task_id=old.text_task_id
    )
    version.refresh_from_db()
    index_documents([document.id])
    record(Action.RESTORE_VERSION, actor, document, restored=number, version=version.number)
    return version


@transaction.atomic
def document_update(
    *, actor: AbstractBaseUser | None, document: Document, renumber: bool = False, **fields: Any
) -> Document:
    """Change a document's details and tags, recorded as one edit naming the fields changed.
    `renumber` is for correcting how a document was just filed (ingest.correction): a new
    type then gives it that type's next archive number, as filing it so would have (the old
    number is retired, never reused). A filed record's number otherwise stays."""
    unknown = set(fields) - set(DOCUMENT_EDITABLE_FIELDS) - {"tags"}
    if unknown:
        raise InvalidInput(
            Notice(
                _("these fields cannot be edited: %(fields)s"), fields=", ".join(sorted(unknown))
            )
        )
    Document.objects.select_for_update().filter(pk=document.pk).first()  # as check-out does
    # The row as it is now, under the lock: a copy read before it may be another edit behind,
    # and saving it whole would undo that edit (its type, its new archive number).
    document.refresh_from_db()
    _check_not_locked_by_other(document, actor)
    tags = fields.pop("tags", None)
    if "title" in fields and not (fields["title"] or "").strip():
        raise InvalidInput(Notice(_("a document needs a title")), field="title")
    old_type_id, old_number = document.document_type_id, document.archive_number
    before = edit_snapshot(document, fields)
    old_tags = tag_names(document) if tags is not None else []
    for key, value in fields.items():
        setattr(document, key, value)
    renumbered = {}
    if renumber and document.document_type_id != old_type_id:
        filed = document.document_date or timezone.localtime(document.created_at).date()
        document.archive_number = next_archive_number(document.document_type, filed.year)
        renumbered = {"archive_number": {"from": old_number, "to": document.archive_number}}
    document.save()
    if NAMING_FIELDS & set(fields):
        assign_file_stem(document)  # the name follows the metadata it is made of
    if tags is not None:
        document.tags.set(tags)
    index_documents([document.id])
    changed = sorted([*fields, *renumbered]) + (["tags"] if tags is not None else [])
    values = edit_changes(before, document) | renumbered  # old and new, for the history
    if tags is not None:
        values |= tag_changes(old_tags, tag_names(document))
    record(Action.EDIT, actor, document, fields=changed, **values)
    return document


@transaction.atomic
def document_delete(*, actor: AbstractBaseUser | None, document: Document) -> Document:
    """Move a document to the trash. Its versions and blobs stay until a later purge."""
    _check_not_locked_by_other(document, actor)
    document.deleted_at = timezone.now()
    document.deleted_by = _user(actor)
    document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    Checkout.objects.filter(document=document).delete()
    record(Action.DELETE, actor, document)
    return document


@transaction.atomic
def document_restore_from_trash(*, actor: AbstractBaseUser | None, document: Document) -> Document:
    if document.deleted_at is None:
        raise Conflict(Notice(_("this document is not in the trash")))
    document.deleted_at = None
    document.deleted_by = None
    document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    record(Action.RESTORE_FROM_TRASH, actor, document)
    return document
