"""The dashboard: what a person starts the day with."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Window
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from docket.customers.models import Customer
from docket.customers.selectors import my_customers, visible_document_count
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


@dataclass
class CustomersCard:
    """我的客户, or for a team role 我团队的客户: the first few, how many in all, and the
    customers list filtered to all of them."""

    customers: list[Customer]
    total: int
    team: bool
    all_url: str


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    context = {
        "my_customers": customers_card(user),
        "recent_documents": list(document_list(user=user).order_by("-created_at", "-id")[:SHOWN]),
        "inbox": inbox_rows(user, list(inbox_jobs(user=user)[:SHOWN])),
        "checked_out": list(checked_out_by(user=user)),
    }
    return render(request, "web/dashboard.html", context)


def customers_card(user: AbstractBaseUser) -> CustomersCard:
    """One query: the total comes with the rows (a window count, taken before the limit)."""
    mine = my_customers(user=user)
    rows = list(
        mine.customers.select_related("owner")
        .annotate(document_count=visible_document_count(user), total=Window(Count("id")))
        .order_by("name", "id")[:SHOWN]
    )
    query = {"team": mine.team_id} if mine.team_id else {"owner": user.pk}
    return CustomersCard(
        customers=rows,
        total=rows[0].total if rows else 0,
        team=mine.team_id is not None,
        all_url=f"{reverse('web:customers')}?{urlencode(query)}",
    )


def inbox_rows(user: AbstractBaseUser, jobs: list[IngestJob]) -> list[InboxRow]:
    """The inbox's rows, with who uploaded each and whether the user may dismiss it: at most
    one query more, whatever the number of jobs."""
    dismissable = jobs_dismissable(user=user, jobs=jobs) if jobs else frozenset()
    return [InboxRow(job, uploader_name(user, job), job.pk in dismissable) for job in jobs]
