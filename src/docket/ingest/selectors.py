"""Reads of ingest jobs that a page or the API shows, filtered by the access rules."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import QuerySet

from docket.access.rules import ingest_jobs_q
from docket.core.errors import NotFound
from docket.customers.selectors import visible_customers
from docket.documents.selectors import visible_documents
from docket.ingest.models import IngestJob

__all__ = [
    "INBOX_STATES",
    "Seen",
    "inbox_jobs",
    "job_children",
    "job_get",
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
    return visible_jobs(user=user).filter(state__in=INBOX_STATES).order_by("-created_at", "id")


def _with_documents(jobs: QuerySet[IngestJob]) -> QuerySet[IngestJob]:
    """What a job's row shows of where it came from and where it was filed."""
    return jobs.select_related(
        "parent", "document__customer", "document__document_type"
    ).prefetch_related("document__tags")


def job_get(*, user: AbstractBaseUser, job_id: object) -> IngestJob:
    """One job the user may follow; NotFound for any other (it is not theirs to know about)."""
    job = _with_documents(visible_jobs(user=user)).filter(pk=job_id).first()
    if job is None:
        raise NotFound(f"no ingest job {job_id}")
    return job


def job_children(*, user: AbstractBaseUser, job: IngestJob) -> list[IngestJob]:
    """What a container (zip, e-mail, batch scan) became, in name order."""
    children = visible_jobs(user=user).filter(parent=job).order_by("original_name", "id")
    return list(_with_documents(children))


def recent_jobs(*, user: AbstractBaseUser, limit: int = 50) -> list[IngestJob]:
    """The user's latest jobs and every older one still waiting in the inbox, newest first:
    what the upload page lists, so a reload keeps the picture and a link to an inbox job
    finds its row. The same few queries whatever the number of jobs."""
    jobs = _with_documents(visible_jobs(user=user)).order_by("-created_at", "-id")
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
