"""Who may accept or correct how the pipeline filed a document, and until when: the one place
that decides it, for the upload rows (whether to offer the form) and for
`ingest.services.ingest_correct` (whether to do it).

The pipeline files an upload without asking when its suggestions are good enough; the
uploader must still be able to accept or correct them, as for a file that waited for review,
even when their role may not edit documents (a sales role uploads, it does not edit). A
records system lets whoever registered a record fix its registration while it is fresh and
theirs alone; after that, only those who keep the records change it. So a filing stays open
to its uploader:

- for the document the job itself filed (not a duplicate, not a page added to an existing
  document as a new version);
- for CORRECTION_WINDOW (24 hours) after it was filed: a working day to look at it, and
  short enough that its number and name are not yet printed on labels or cited elsewhere;
- while no one else has changed the document (an edit, a new version, a check-out, the
  trash: CHANGES in the audit trail) or answered the file's review: from then on the filing
  holds someone else's work or decision, which the uploader must not undo;
- to customers the uploader may upload to, as filing it was.

The uploader's own corrections keep it open, so they can accept a tag now and change the type
next. Whoever may edit the document may correct it at any time, as before. While the filing
is open, a change of type also gives the document the new type's archive number, as filing it
with that type (the review path) would have; once it is closed, an archive number stays.
"""

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from docket.access.models import Permission
from docket.access.rules import check_customer, check_document, may_document
from docket.audit.models import AuditEvent
from docket.core.errors import Conflict, Forbidden
from docket.core.notices import Notice
from docket.customers.models import Customer
from docket.ingest.models import IngestJob

__all__ = ["CORRECTION_WINDOW", "check_correcting", "correction_closes_at", "open_filings"]

CORRECTION_WINDOW = datetime.timedelta(hours=24)
Action = AuditEvent.Action
# What someone else does to a document that ends its uploader's right to correct the filing.
CHANGES = (
    Action.EDIT,
    Action.NEW_VERSION,
    Action.RESTORE_VERSION,
    Action.CHECKOUT,
    Action.DELETE,
    Action.RESTORE_FROM_TRASH,
)
NOT_FILED = Notice(_("only a document this job filed can be corrected"))
NOT_YOURS = Notice(
    _(
        "only whoever uploaded this file, within 24 hours of its filing, or someone who may "
        "edit the document may correct how it was filed"
    )
)
CHANGED = Notice(
    _(
        "someone else has changed this document since it was filed; ask someone who may edit "
        "it to correct it"
    )
)
TRASHED = Notice(_("this document is in the trash"))


def correction_closes_at(job: IngestJob) -> datetime.datetime | None:
    """When the uploader's time to correct the job's filing ends (None: it filed nothing)."""
    if job.document is None:
        return None
    return job.document.created_at + CORRECTION_WINDOW


def _filed_by(job: IngestJob) -> bool:
    """Whether the job filed a document of its own, as its uploader."""
    document = job.document
    return (
        job.state == IngestJob.State.DONE
        and document is not None
        and not job.duplicate
        and job.target_document_id is None
        and job.created_by_id is not None
        and document.created_by_id == job.created_by_id
    )


def open_filings(jobs: Iterable[IngestJob]) -> frozenset[object]:
    """The ids of the jobs, among these, whose filing is still open to their uploader (see
    the module's docstring). One query for any number of jobs, none when none is fresh."""
    now = timezone.now()
    fresh = [
        job
        for job in jobs
        if _filed_by(job) and job.document.deleted_at is None and now < correction_closes_at(job)
    ]
    if not fresh:
        return frozenset()
    changes = AuditEvent.objects.filter(
        document_id__in={job.document_id for job in fresh},
        action__in=CHANGES,
        outcome=AuditEvent.Outcome.SUCCESS,
    ).values_list("document_id", "actor_uid")
    changed_by: dict[int, set[int | None]] = {}
    for document_id, actor_uid in changes:
        changed_by.setdefault(document_id, set()).add(actor_uid)
    # Someone else's answer to the file's review (ingest_resolve, recorded as a retry of the
    # job) decided its filing: the uploader may not overrule it.
    answers = AuditEvent.objects.filter(
        action=Action.INGEST_RETRY,
        outcome=AuditEvent.Outcome.SUCCESS,
        details__job__in=[str(job.pk) for job in fresh],
    ).values_list("details__job", "actor_uid")
    answered_by: dict[str, set[int | None]] = {}
    for job_id, actor_uid in answers:
        answered_by.setdefault(str(job_id), set()).add(actor_uid)
    return frozenset(
        job.pk
        for job in fresh
        if not (changed_by.get(job.document_id, set()) | answered_by.get(str(job.pk), set()))
        - {job.created_by_id}
    )


def check_correcting(*, actor: AbstractBaseUser | None, job: IngestJob, customer: Customer) -> bool:
    """Raise unless `actor` may file `job`'s document to `customer` as a correction: whoever
    may edit the document (and upload to a new customer), or its uploader while the filing is
    open (to a customer they may upload to). Returns whether the filing is open (a changed
    type then takes the new type's archive number). A document or customer the actor may not
    see is NotFound, as everywhere."""
    document = job.document
    if job.state != IngestJob.State.DONE or document is None or job.duplicate:
        raise Conflict(NOT_FILED)
    filing_open = job.pk in open_filings([job])
    if may_document(actor, Permission.EDIT, document.pk):
        if customer.pk != document.customer_id:
            check_customer(actor, Permission.UPLOAD, customer)
        return filing_open
    check_document(actor, Permission.VIEW, document)
    uploader = actor is not None and job.created_by_id == actor.pk and _filed_by(job)
    if not (filing_open and uploader):
        raise Forbidden(_closed_reason(job) if uploader else NOT_YOURS)
    check_customer(actor, Permission.UPLOAD, customer)
    return True


def _closed_reason(job: IngestJob) -> Notice:
    if job.document.deleted_at is not None:
        return TRASHED
    closes_at = correction_closes_at(job)
    if closes_at is not None and timezone.now() >= closes_at:
        until = timezone.localtime(closes_at)
        return Notice(
            _(
                "the time to correct this filing ended at %(until)s, 24 hours after it was "
                "filed; ask someone who may edit the document to correct it"
            ),
            until=f"{until:%Y-%m-%d %H:%M}",
        )
    return CHANGED
