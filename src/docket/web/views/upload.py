"""Upload: drop many files at once, follow each through the ingest pipeline, answer what it
asks (a password, the customer and type it could not tell) and correct what it suggested.

Each file goes on its own request (static/web/upload.js), so each has its own progress bar and
its own error while the others go on; the answer is the job's row, which then polls its
partial every second until the job is final. Without JavaScript the form posts every file at
once and comes back to the page. The pipeline itself is docket.ingest (docs/architecture.md,
"Ingestion"). The rows and their forms are upload_jobs.py; the forms upload_forms.py.

`?customer=<id>` chooses that customer in the defaults' picker, as the new-customer page
asks when it sends the user back (customer_new.py); one the user may not file to is ignored."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from docket.access.models import Permission
from docket.core.errors import DocketError, InvalidInput, TooLarge
from docket.customers.models import Customer
from docket.customers.selectors import visible_customers
from docket.documents.models import DocumentType
from docket.documents.services import max_upload_bytes
from docket.ingest import services
from docket.ingest.models import IngestJob
from docket.ingest.selectors import recent_jobs
from docket.web.views import upload_jobs
from docket.web.views.customers import may_create_customers
from docket.web.views.upload_forms import UploadForm, form_error


@login_required
def upload_view(request: HttpRequest) -> HttpResponse:
    rows = upload_jobs.job_rows(request.user, recent_jobs(user=request.user))
    context = {
        "section": "upload",
        "rows": rows,
        "choices": upload_jobs.form_choices(rows),
        "types": DocumentType.objects.order_by("name"),
        "max_bytes": max_upload_bytes(),
        "max_mb": max_upload_bytes() // 2**20,
        "may_create": may_create_customers(request.user),  # the picker's 新建客户 link
        "picked": _picked(request.user, request.GET),
    }
    return render(request, "web/upload/page.html", context)


class _Picked(forms.Form):
    customer = forms.IntegerField(min_value=1, max_value=2**63 - 1)


def _picked(user: AbstractBaseUser, query: QueryDict) -> Customer | None:
    """The customer `?customer=<id>` names, if the user may file documents to it (the picker
    offers no other); anything else, a junk id included, is ignored."""
    params = _Picked(query)
    if not params.is_valid():
        return None
    customers = visible_customers(user=user, permission=Permission.UPLOAD)
    customers = customers.exclude(status=Customer.Status.MERGED).only("id", "name")
    return customers.filter(pk=params.cleaned_data["customer"]).first()


@login_required
@require_POST
def upload_file_view(request: HttpRequest) -> HttpResponse:
    """One file per request from the page's script (answered with its row, or its error and
    status: 413 too large, 400 empty, 404/403 a customer the user may not upload to); several
    from the plain form (answered with a redirect to the page)."""
    scripted = request.headers.get("X-Requested-With") == "XMLHttpRequest"
    try:
        jobs = _submit(request)
    except DocketError as error:
        if scripted:
            return upload_jobs.refusal(request, error)
        messages.error(request, upload_jobs.refusal_text(error))
        return redirect("web:upload")
    if scripted:
        return upload_jobs.render_rows(request, jobs, "web/upload/_rows.html", status=202)
    messages.success(request, _("The files were added; their progress is shown below."))
    return redirect("web:upload")


def _submit(request: HttpRequest) -> list[IngestJob]:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > max_upload_bytes() + 2**20:  # by its declared size
        raise TooLarge("file is larger than the limit")
    form = UploadForm(request.POST, user=request.user)
    files = request.FILES.getlist("files")
    if not form.is_valid():
        raise form_error(form)
    if not files:
        raise InvalidInput(_("Choose at least one file."))
    data = form.cleaned_data
    return [
        services.ingest_submit(
            actor=request.user,
            file=upload,
            filename=upload.name or "",
            source=IngestJob.Source.UPLOAD,
            customer=data["customer"],
            document_type=data["type"],
            title=data["title"],
            tag_names=data["tags"],
        )
        for upload in files
    ]


urlpatterns = [
    path("upload/", upload_view, name="upload"),
    path("upload/files/", upload_file_view, name="upload-file"),
    *upload_jobs.urlpatterns,
]
