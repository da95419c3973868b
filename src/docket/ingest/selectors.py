"""Reads of ingest jobs that a page or the API shows, filtered by the access rules."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from docket.access.models import Capability, Permission
from docket.access.rules import customers_q, ingest_jobs_q, subject_for
from docket.core.errors import NotFound
from docket.customers.models import Customer
from docket.customers.selectors import visible_customers
from docket.documents.selectors import visible_documents
from docket.ingest.models import IngestJob

__all__ = [
    "INBOX_STATES",
    "Seen",
    "inbox_jobs",
    "job_children",
    "job_get",
    "jobs_dismissable",
    "jobs_seen",
    "recent_jobs",
    "visible_jobs",
]

# What waits for a person: a decision, a password, or a look at why it failed.
INBOX_STATES = [
    IngestJob.State.NEEDS_REVIEW,
    IngestJob.State.NEEDS_PASSWORD,
    IngestJob.State.FAILED,
]


def visible_jobs(*, user: AbstractBaseUser) -> QuerySet[IngestJob]:
    return IngestJob.objects.filter(ingest_jobs_q(user)).select_related(
        "customer", "document_type", "document"
    )


def inbox_jobs(*, user: AbstractBaseUser) -> QuerySet[IngestJob]:
    """What waits for a person, with who uploaded it (the inbox names a colleague's files);
    a dismissed job waits no more."""
    waiting = visible_jobs(user=user).filter(state__in=INBOX_STATES, dismissed_at__isnull=True)
    return waiting.select_related("created_by").order_by("-created_at", "id")


def _with_documents(jobs: QuerySet[IngestJob]) -> QuerySet[IngestJob]:
    """What a job's row shows of where it came from, who sent it and where it was filed."""
    return jobs.select_related(
        "parent", "created_by", "document__customer", "document__document_type"
    ).prefetch_related("document__tags")


def job_get(*, user: AbstractBaseUser, job_id: object) -> IngestJob:
    """One job the user may follow; NotFound for any other (it is not theirs to know about)."""
    job = _with_documents(visible_jobs(user=user)).filter(pk=job_id).first()
    if job is None:
        raise NotFound(f"no ingest job {job_id}")
    return job


def job_children(*, user: AbstractBaseUser, job: IngestJob) -> list[IngestJob]:
    """What a container (zip, e-mail, batch scan) became, in name order, but for the parts
    dismissed from the inbox."""
    children = visible_jobs(user=user).filter(parent=job, dismissed_at__isnull=True)
    children = children.order_by("original_name", "id")
    return list(_with_documents(children))


def recent_jobs(*, user: AbstractBaseUser, limit: int = 50) -> list[IngestJob]:
    """The user's latest jobs and every older one still waiting in the inbox, newest first:
    what the upload page lists, so a reload keeps the picture and a link to an inbox job
    finds its row. Dismissed jobs are left out. The same few queries whatever the number of
    jobs."""
    jobs = _with_documents(visible_jobs(user=user)).filter(dismissed_at__isnull=True)
    jobs = jobs.order_by("-created_at", "-id")
    recent = list(jobs[:limit])
    waiting = jobs.filter(state__in=INBOX_STATES).exclude(pk__in=[job.pk for job in recent])
    return sorted([*recent, *waiting[:limit]], key=lambda job: job.created_at, reverse=True)


@dataclass(frozen=True)
class Seen:
    """Which of the customers and documents some jobs name the user may see. A job the user
    may follow can still name others: a suggested customer found in the text, the document a
    duplicate is identical to. What the user may not see is not shown, not even its name."""

    customer_ids: frozenset[int]
    document_ids: frozenset[int]  # their metadata: archive number, title, customer

    def customer_suggestions(self, job: IngestJob) -> list[dict]:
        suggested = (job.suggestions or {}).get("customer", [])
        return [item for item in suggested if item.get("id") in self.customer_ids]


def jobs_seen(*, user: AbstractBaseUser, jobs: Iterable[IngestJob]) -> Seen:
    """Two queries for any number of jobs (none for jobs that name nothing)."""
    jobs = list(jobs)
    customer_ids = {job.customer_id for job in jobs if job.customer_id} | {
        item["id"] for job in jobs for item in (job.suggestions or {}).get("customer", [])
    }
    document_ids = {job.document_id for job in jobs if job.document_id}
    return Seen(
        customer_ids=_among(visible_customers(user=user), customer_ids),
        document_ids=_among(visible_documents(user=user, content=False), document_ids),
    )


def _among(queryset: QuerySet, ids: set[int]) -> frozenset[int]:
    if not ids:
        return frozenset()
    return frozenset(queryset.filter(id__in=ids).values_list("id", flat=True))


def jobs_dismissable(
    *, user: AbstractBaseUser | None, jobs: Iterable[IngestJob]
) -> frozenset[object]:
    """The ids of the jobs, among these the user may follow, that the user may dismiss from
    the inbox (ingest.services.ingest_dismiss asks here too): their own; for a job given a
    customer, one whose documents they may manage; for a colleague's job without one, a role
    that manages (the job is seen through its team scope); every job for the system and for
    whoever files for everyone. At most one query for any number of jobs."""
    jobs = list(jobs)
    subject = subject_for(user)
    if user is None or subject.has(Capability.MANAGE_ARCHIVE):
        return frozenset(job.pk for job in jobs)
    others = [job for job in jobs if job.created_by_id != user.pk]
    managed = _among(
        Customer.objects.filter(customers_q(user, Permission.MANAGE)),
        {job.customer_id for job in others if job.customer_id},
    )
    manages = Permission.MANAGE in subject.permissions
    return frozenset(
        job.pk
        for job in jobs
        if job.created_by_id == user.pk
        or (job.customer_id in managed if job.customer_id else manages)
    )
