"""Every write to ingest jobs: submit a file, submit what a container held, retry, dismiss,
recover.

A submitted file is in the blob store before its job row commits, and the job's background
task is enqueued in the same transaction as the row: nothing that was accepted can be lost,
and no task can run for a job that does not exist."""

import datetime
import io
from typing import BinaryIO

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from docket.access.models import Permission
from docket.access.rules import check_customer
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.core.errors import Conflict, Forbidden, InvalidInput
from docket.core.notices import Notice
from docket.customers.models import Customer
from docket.documents.filenames import escape_original_name
from docket.documents.models import Document, DocumentType
from docket.documents.services import max_upload_bytes
from docket.ingest.models import IngestJob, reason_fields
from docket.ingest.pipeline import ChildJob
from docket.storage.blobstore import StoredBlob, get_blob_store

RETRYABLE = {IngestJob.State.FAILED, IngestJob.State.NEEDS_PASSWORD, IngestJob.State.NEEDS_REVIEW}
# A job that waits for a person may be dismissed instead: nothing of it was filed yet.
DISMISSABLE = RETRYABLE
DISMISSED = Notice(_("this job was dismissed from the inbox"))
MERGED = Notice(_("this customer was merged into another"))
# The states a job cannot be retried in, as the refusal names them: in English their codes,
# as the API has always said; on a page the words of their labels.
NOT_RETRYABLE = {
    IngestJob.State.QUEUED: Notice(_("queued")),
    IngestJob.State.RUNNING: Notice(_("running")),
    IngestJob.State.DONE: Notice(_("done")),
}


def ingest_submit(
    *,
    actor: AbstractBaseUser | None,
    file: BinaryIO,
    filename: str,
    source: str,
    source_ref: str = "",
    customer: Customer | None = None,
    document_type: DocumentType | None = None,
    title: str = "",
    tag_names: list[str] | None = None,
    fields: dict | None = None,
) -> IngestJob:
    """Accept a file: its bytes are stored, its job committed and queued. `fields` seeds what
    the source already knows (an e-mail's sender)."""
    if customer is not None:
        check_customer(actor, Permission.UPLOAD, customer)
    if customer is not None and customer.status == Customer.Status.MERGED:
        raise InvalidInput(MERGED, field="customer")
    stored = get_blob_store().put(file, max_bytes=max_upload_bytes())
    return _create_job(
        actor=actor,
        blob=stored,
        filename=filename,
        source=source,
        source_ref=source_ref,
        customer=customer,
        document_type=document_type,
        title=title,
        tag_names=tag_names or [],
        fields=fields or {},
    )


def ingest_submit_child(*, parent: IngestJob, child: ChildJob) -> IngestJob | None:
    """A file found inside another (zip member, attachment, batch part). Empty ones are noted
    on the parent and skipped: there is nothing in them to lose."""
    if not child.file.data:
        return None
    stored = get_blob_store().put(io.BytesIO(child.file.data), max_bytes=max_upload_bytes())
    return _create_job(
        actor=parent.created_by,
        blob=stored,
        filename=child.file.name,
        source=child.source,
        source_ref=parent.source_ref,
        parent=parent,
        customer=Customer.objects.filter(id=child.customer_id).first()
        if child.customer_id
        else None,
        document_type=(
            DocumentType.objects.filter(id=child.document_type_id).first()
            if child.document_type_id
            else None
        ),
        target_document=(
            Document.objects.filter(id=child.target_document_id).first()
            if child.target_document_id
            else None
        ),
    )


def _create_job(
    *, actor: AbstractBaseUser | None, blob: StoredBlob, filename: str, **fields: object
) -> IngestJob:
    from docket.ingest.tasks import run_ingest_job

    with transaction.atomic():
        job = IngestJob.objects.create(
            sha256=blob.sha256,
            size=blob.size,
            original_name=escape_original_name(filename or ""),
            created_by=actor if actor is not None and actor.is_authenticated else None,
            **fields,
        )
        run_ingest_job.enqueue(str(job.id))
    return job


def ingest_retry(
    *,
    actor: AbstractBaseUser | None,
    job: IngestJob,
    password: str | None = None,
    customer: Customer | None = None,
    document_type: DocumentType | None = None,
    title: str | None = None,
    tag_names: list[str] | None = None,
) -> IngestJob:
    """Queue a job from the inbox again, with what a person has now supplied. A password is
    never stored: the PDF is decrypted here and the decrypted copy is what gets processed
    (NeedsPassword if it is wrong; `ingest_resolve` turns that into InvalidInput). A customer
    is checked as `ingest_resolve` documents; tags given are the person's choice, which the
    suggest step then leaves alone."""
    from docket.ingest.suggest import TAGS_CHOSEN
    from docket.ingest.tasks import run_ingest_job

    if job.dismissed_at is not None:
        raise Conflict(DISMISSED)
    if job.state not in RETRYABLE:
        raise Conflict(
            Notice(
                _("only a failed or waiting job can be retried (this one is %(state)s)"),
                state=NOT_RETRYABLE.get(job.state, job.state),
            )
        )
    if customer is not None:
        _check_filing_to(actor, job, customer)
    if password is not None:
        _replace_with_decrypted(job, password)
    if customer is not None:
        job.customer = customer
    if document_type is not None:
        job.document_type = document_type
    if title is not None:
        job.title = title
    if tag_names is not None:
        job.tag_names = tag_names
        job.fields = {**job.fields, TAGS_CHOSEN: True}
    # What the person supplied is named in the event, never its value (a password above all).
    given = {"password": password, "customer": customer, "type": document_type}
    given |= {"title": title, "tags": tag_names}
    supplied = sorted(name for name, value in given.items() if value is not None)
    waited_as = job.state
    with transaction.atomic():
        # The row, locked, must still wait in the inbox: saving this copy of it would undo a
        # dismissal made since it was read (ingest_dismiss's UPDATE then waits for this).
        waiting = IngestJob.objects.select_for_update().filter(pk=job.pk, dismissed_at__isnull=True)
        if not waiting.values_list("pk", flat=True):
            raise Conflict(DISMISSED)
        job.state = IngestJob.State.QUEUED
        job.set_reason("")
        job.save()
        run_ingest_job.enqueue(str(job.id))
        _record(AuditEvent.Action.INGEST_RETRY, actor, job, state=waited_as, given=supplied)
    return job


def ingest_resolve(
    *,
    actor: AbstractBaseUser | None,
    job: IngestJob,
    password: str | None = None,
    customer: Customer | None = None,
    document_type: DocumentType | None = None,
    title: str | None = None,
    tag_names: list[str] | None = None,
) -> IngestJob:
    """A person's answer to a job in the inbox (a password; the customer, type and tags after
    reviewing the suggestions), checked now rather than by the worker later, then queued again
    by `ingest_retry`. The document will be filed as the job's uploader, so a chosen customer
    must be one the uploader may upload to, and one the person answering may see. A wrong
    password, or one given for a file that is not a PDF, is InvalidInput (field "password")
    and the job keeps waiting as it was."""
    from docket.ingest.types import IngestError, NeedsPassword

    try:
        return ingest_retry(
            actor=actor,
            job=job,
            password=password,
            customer=customer,
            document_type=document_type,
            title=title,
            tag_names=tag_names,
        )
    except NeedsPassword as exc:
        raise InvalidInput(Notice(_("the password is not right")), field="password") from exc
    except IngestError as exc:  # only the decryption raises these here: not a (sound) PDF
        message = Notice(_("a password cannot open this file: %(reason)s"), reason=exc.reason)
        raise InvalidInput(message, field="password") from exc


def ingest_dismiss(*, actor: AbstractBaseUser | None, job: IngestJob) -> IngestJob:
    """Take a job that waits in the inbox (failed, a password, a review) out of it without
    filing it: who and when are recorded on the job, which stays with its file as the record
    of what arrived. Its uploader may, and whoever may manage the documents of the customer
    it was given (for a job without one, a role that manages the team's documents) or files
    for everyone. One conditional UPDATE: a job retried or dismissed meanwhile is a Conflict,
    never half of both."""
    _check_dismissing(actor, job)
    if job.dismissed_at is not None:
        raise Conflict(DISMISSED)
    if job.state not in DISMISSABLE:
        raise Conflict(
            Notice(
                _("only a failed or waiting job can be dismissed (this one is %(state)s)"),
                state=NOT_RETRYABLE.get(job.state, job.state),
            )
        )
    now = timezone.now()
    by = actor if actor is not None and actor.is_authenticated else None
    with transaction.atomic():
        updated = IngestJob.objects.filter(
            pk=job.pk, state__in=DISMISSABLE, dismissed_at__isnull=True
        ).update(dismissed_at=now, dismissed_by=by, updated_at=now)
        if not updated:  # the worker took it again (a retry), or someone dismissed it first
            raise Conflict(Notice(_("this job changed meanwhile; look at it again")))
        job.dismissed_at, job.dismissed_by, job.updated_at = now, by, now
        _record(AuditEvent.Action.INGEST_DISMISS, actor, job, state=job.state)
    return job


def _record(action: str, actor: AbstractBaseUser | None, job: IngestJob, **details: object) -> None:
    """An upload's retry or dismissal, about the job (its id and file) and the customer it was
    given, if any; no document yet, so a document's history does not show it."""
    audit_record(
        action=action,
        actor=actor,
        customer_id=job.customer_id,
        details={"job": str(job.id), "file": job.original_name, **details},
    )


def _check_dismissing(actor: AbstractBaseUser | None, job: IngestJob) -> None:
    from docket.ingest.selectors import jobs_dismissable

    if job.pk not in jobs_dismissable(user=actor, jobs=[job]):
        raise Forbidden("you may not dismiss this upload")


def _check_filing_to(actor: AbstractBaseUser | None, job: IngestJob, customer: Customer) -> None:
    uploader = job.created_by
    if uploader is None:  # a folder or mailbox job: the person answering decides
        check_customer(actor, Permission.UPLOAD, customer)
    else:
        check_customer(actor, Permission.VIEW, customer)
        check_customer(uploader, Permission.UPLOAD, customer)
    if customer.status == Customer.Status.MERGED:
        raise InvalidInput(MERGED, field="customer")


def ingest_correct(
    *,
    actor: AbstractBaseUser | None,
    job: IngestJob,
    customer: Customer,
    document_type: DocumentType,
    tag_names: list[str],
    title: str | None = None,
) -> Document:
    """Accept or correct what the pipeline decided for a job it filed: the document moves to
    the chosen customer, type, title and tags through `document_update`, which records the
    edit (naming what changed; nothing changed, nothing is written). Who may, and until when,
    is `ingest.correction`'s rule: whoever may edit the document, or its uploader for a while
    after the filing. While the filing is open a new type also takes that type's archive
    number, as a file that waited for review is filed with the chosen type's."""
    from docket.documents import catalog
    from docket.documents.services import document_update
    from docket.ingest.correction import check_correcting

    with transaction.atomic():
        _lock_filed_document(job)
        filing_open = check_correcting(actor=actor, job=job, customer=customer)
        document = job.document
        if customer.pk != document.customer_id and customer.status == Customer.Status.MERGED:
            raise InvalidInput(MERGED, field="customer")
        changes: dict[str, object] = {}
        if customer.pk != document.customer_id:
            changes["customer"] = customer
        if document_type.pk != document.document_type_id:
            changes["document_type"] = document_type
        if title is not None and title.strip() != document.title:
            changes["title"] = title.strip()
        if set(tag_names) != {tag.name for tag in document.tags.all()}:
            changes["tags"] = [catalog.tag_get_or_create(actor=actor, name=n) for n in tag_names]
        if not changes:  # the filing accepted as it was
            return document
        return document_update(actor=actor, document=document, renumber=filing_open, **changes)


def ingest_accept_tag(*, actor: AbstractBaseUser | None, job: IngestJob, name: str) -> Document:
    """One suggested tag taken on (a row's one-click button): the rest of the filing as it
    is now, read under the document's lock, not as the page that offered the tag showed it,
    so that an edit made since is not undone. Who may is `ingest_correct`'s rule."""
    from docket.ingest.correction import NOT_FILED

    if job.document is None:
        raise Conflict(NOT_FILED)
    with transaction.atomic():
        document = _lock_filed_document(job)
        tags = [tag.name for tag in document.tags.all()]
        return ingest_correct(
            actor=actor,
            job=job,
            customer=document.customer,
            document_type=document.document_type,
            tag_names=tags if name in tags else [*tags, name],
        )


def _lock_filed_document(job: IngestJob) -> Document | None:
    """The job's document read again under its lock (document_update takes it too), so that
    a change someone else is making counts before the rule is asked, and a correction starts
    from it. Inside the caller's transaction; the lock is the same when taken twice."""
    if job.document is not None:
        Document.all_objects.select_for_update().filter(pk=job.document_id).first()
        job.document.refresh_from_db()
    return job.document


def _replace_with_decrypted(job: IngestJob, password: str) -> None:
    from docket.ingest.parsers.pdf import decrypt

    data = get_blob_store().read_bytes(job.sha256)
    decrypted = decrypt(data, password)  # raises NeedsPassword on a wrong password
    stored = get_blob_store().put(io.BytesIO(decrypted))
    job.fields = {**job.fields, "encrypted_original_sha256": job.sha256}
    job.sha256, job.size = stored.sha256, stored.size


def recover_stalled_jobs(*, older_than: datetime.timedelta | None = None) -> list[IngestJob]:
    """Jobs left RUNNING by a worker that died (killed, machine lost): queue them again. The
    store step is idempotent, so a job that had committed its document is not filed twice."""
    from docket.core.inline_tasks import tasks_for
    from docket.ingest.tasks import run_ingest_job

    if older_than is None:
        older_than = datetime.timedelta(minutes=settings.INGEST_STALL_MINUTES)
    cutoff = timezone.now() - older_than
    recovered = []
    for job in IngestJob.objects.filter(state=IngestJob.State.RUNNING, heartbeat_at__lt=cutoff):
        with transaction.atomic():
            updated = IngestJob.objects.filter(
                pk=job.pk, state=IngestJob.State.RUNNING, heartbeat_at__lt=cutoff
            ).update(
                state=IngestJob.State.QUEUED,
                **reason_fields(Notice(_("the worker stopped; queued again"))),
            )
            if updated:
                # The dead worker's task row stays RUNNING forever otherwise.
                tasks_for("run_ingest_job", str(job.id)).filter(status="RUNNING").update(
                    status="FAILED", finished_at=timezone.now()
                )
                run_ingest_job.enqueue(str(job.id))
                recovered.append(job)
    return recovered
