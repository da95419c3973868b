"""The dashboard: what a person starts the day with."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from docket.customers.selectors import visible_customers, visible_document_count
from docket.documents.selectors import checked_out_by, document_list
from docket.ingest.selectors import inbox_jobs

SHOWN = 10


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
        "inbox": list(inbox_jobs(user=user)[:SHOWN]),
        "checked_out": list(checked_out_by(user=user)),
    }
    return render(request, "web/dashboard.html", context)
