"""The dashboard: what a person starts the day with."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from docket.customers.selectors import visible_customers, visible_document_count
from docket.documents.selectors import checked_out_by, document_list
from docket.ingest.models import IngestJob
from docket.ingest.selectors import inbox_jobs, jobs_dismissable
from docket.web.views.upload_jobs import uploader_name

SHOWN = 10


@dataclass
class InboxRow:
    job: IngestJob
    uploader: str  # a colleague's display name; "" for the user's own (or a folder's) file
    may_dismiss: bool


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    my_customers = (
        visible_customers(user=user)
        .filter(owner=user)
        .annotate(document_count=visible_document_count(user))
        .order_by("name")
    )
    context = {
        "my_customers": list(my_customers[:SHOWN]),
        "recent_documents": list(document_list(user=user).order_by("-created_at", "-id")[:SHOWN]),
        "inbox": inbox_rows(user, list(inbox_jobs(user=user)[:SHOWN])),
        "checked_out": list(checked_out_by(user=user)),
    }
    return render(request, "web/dashboard.html", context)


def inbox_rows(user: AbstractBaseUser, jobs: list[IngestJob]) -> list[InboxRow]:
    """The inbox's rows, with who uploaded each and whether the user may dismiss it: at most
    one query more, whatever the number of jobs."""
    dismissable = jobs_dismissable(user=user, jobs=jobs) if jobs else frozenset()
    return [InboxRow(job, uploader_name(user, job), job.pk in dismissable) for job in jobs]
