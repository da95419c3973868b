"""Upload: drop many files at once, follow each through the ingest pipeline, answer what it
asks (a password, the customer and type it could not tell) and correct what it suggested.

Each file goes on its own request (static/web/upload.js), so each has its own progress bar and
its own error while the others go on; the answer is the job's row, which then polls its
partial every second until the job is final. Without JavaScript the form posts every file at
once and comes back to the page. The pipeline itself is docket.ingest (docs/architecture.md,
"Ingestion")."""

from dataclasses import dataclass, field
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from docket.access.models import Permission
from docket.audit.services import denial_record
from docket.core.errors import DocketError, InvalidInput, TooLarge
from docket.customers.models import Customer
from docket.customers.selectors import visible_customers
from docket.documents.models import DocumentType, Tag
from docket.documents.selectors import visible_documents
from docket.documents.services import max_upload_bytes
from docket.ingest import services
from docket.ingest.models import IngestJob
from docket.ingest.selectors import job_children, job_get, jobs_seen, recent_jobs
from docket.web.errors import message_for

State = IngestJob.State
FINAL = {State.DONE, State.FAILED, State.NEEDS_PASSWORD, State.NEEDS_REVIEW}
STEP_LABELS = {
    "sniff": gettext_lazy("identifying the file type"),
    "dedupe": gettext_lazy("looking for an identical document"),
    "unpack": gettext_lazy("unpacking"),
    "read_text": gettext_lazy("reading the text"),
    "split": gettext_lazy("splitting the batch scan"),
    "ocr": gettext_lazy("recognising the text of scanned pages"),
    "suggest": gettext_lazy("suggesting customer, type and tags"),
    "store": gettext_lazy("filing the document"),
}
SOURCE_LABELS = {
    "contact": gettext_lazy("a contact's e-mail address"),
    "name": gettext_lazy("named in the text"),
    "rule": gettext_lazy("a rule"),
    "model": gettext_lazy("learned from filed documents"),
}


# --- forms: parsing only; who may do what is the services' decision -----------------------
class TagsField(forms.CharField):
    """Tags by name, separated by commas (ASCII or full-width), as the API takes them."""

    def to_python(self, value: object) -> list[str]:
        names = str(value or "").replace("，", ",").split(",")
        tags = list(dict.fromkeys(name.strip() for name in names if name.strip()))
        if any(len(name) > Tag._meta.get_field("name").max_length for name in tags):
            raise forms.ValidationError(_("A tag has at most 50 characters."))
        return tags


def _customers() -> forms.ModelChoiceField:
    # Any customer parses; whether this user may file to it is checked by the service, which
    # answers 404 for one they may not see and 403 for one they may not upload to.
    return forms.ModelChoiceField(queryset=Customer.objects.all(), required=False)


class UploadForm(forms.Form):
    customer = _customers()
    type = forms.ModelChoiceField(queryset=DocumentType.objects.all(), required=False)
    title = forms.CharField(required=False, max_length=300)
    tags = TagsField(required=False)


class FilingForm(forms.Form):
    customer = _customers()
    type = forms.ModelChoiceField(queryset=DocumentType.objects.all())
    tags = TagsField(required=False)

    def clean_customer(self) -> Customer:
        if self.cleaned_data.get("customer") is None:
            raise forms.ValidationError(_("Choose the customer."))
        return self.cleaned_data["customer"]


def _form_error(form: forms.Form) -> InvalidInput:
    first = next(iter(form.errors.values()))[0]
    return InvalidInput(str(first))


# --- what a row shows ---------------------------------------------------------------------
@dataclass
class JobRow:
    job: IngestJob
    final: bool
    seen: str  # what the row shows now; the poll answers 204 while it stays the same
    step_label: str
    customers: list[dict] = field(default_factory=list)  # suggestions the user may see
    types: list[dict] = field(default_factory=list)
    tags: list[dict] = field(default_factory=list)
    document_visible: bool = False
    may_correct: bool = False
    children: list["JobRow"] = field(default_factory=list)

    @property
    def suggested(self) -> bool:
        return bool(self.customers or self.types or self.tags)

    @property
    def customer_ids(self) -> set[int]:
        return {item["id"] for item in self.customers}

    @property
    def type_ids(self) -> set[int]:
        return {item["id"] for item in self.types}

    # What the forms start with: the filed document's values, else what the job was given or
    # the best suggestion (so accepting them is one click).
    @property
    def chosen_customer(self) -> int | None:
        if self.job.document is not None:
            return self.job.document.customer_id
        return self.job.customer_id or next((s["id"] for s in self.customers), None)

    @property
    def chosen_type(self) -> int | None:
        if self.job.document is not None:
            return self.job.document.document_type_id
        return self.job.document_type_id or next((s["id"] for s in self.types), None)

    @property
    def chosen_tags(self) -> str:
        if self.job.document is not None:
            return ", ".join(tag.name for tag in self.job.document.tags.all())
        return ", ".join(self.job.tag_names or [])


@dataclass
class Choices:
    """What the review and correction forms offer: customers the user may see, all types."""

    customers: list[Customer]
    types: list[DocumentType]


def _rows(user: AbstractBaseUser, jobs: list[IngestJob], nested: bool = False) -> list[JobRow]:
    """Rows for these jobs, with three queries for all of them: which of their documents the
    user may see and edit, and which suggested customers they may see (a suggestion must not
    name a customer the user does not know of: ingest.selectors.jobs_seen, as in the API)."""
    seen = jobs_seen(user=user, jobs=jobs)
    document_ids = {job.document_id for job in jobs if job.document_id}
    editable = set()
    if document_ids:
        editable = set(
            visible_documents(user=user, permission=Permission.EDIT, content=False)
            .filter(id__in=document_ids)
            .values_list("id", flat=True)
        )
    rows = []
    for job in jobs:
        suggestions = job.suggestions or {}
        row = JobRow(
            job=job,
            final=job.state in FINAL,
            seen=f"{job.state}:{job.step}:{job.document_id or ''}",
            step_label=str(STEP_LABELS.get(job.step, job.step)),
            customers=[_suggestion(s) for s in seen.customer_suggestions(job)],
            types=[_suggestion(s) for s in suggestions.get("type", []) if s.get("name")],
            tags=[_suggestion(s) for s in suggestions.get("tag", []) if s.get("name")],
            document_visible=job.document_id in seen.document_ids,
            may_correct=job.document_id in editable and not job.duplicate,
        )
        if nested and job.state == State.DONE and job.document_id is None:
            row.children = _rows(user, job_children(user=user, job=job))
        rows.append(row)
    return rows


def _suggestion(item: dict) -> dict:
    return {
        **item,
        "percent": round(float(item.get("confidence", 0)) * 100),
        "source_label": str(SOURCE_LABELS.get(item.get("source", ""), item.get("source", ""))),
    }


def _choices(user: AbstractBaseUser, rows: list[JobRow]) -> Choices | None:
    """Loaded once per response, and only when a row has a form to fill."""
    if not any(row.job.state == State.NEEDS_REVIEW or row.may_correct for row in _all(rows)):
        return None
    customers = visible_customers(user=user).exclude(status=Customer.Status.MERGED)
    return Choices(list(customers.order_by("name")), list(DocumentType.objects.order_by("name")))


def _all(rows: list[JobRow]) -> list[JobRow]:
    return [item for row in rows for item in (row, *_all(row.children))]


def _render_rows(
    request: HttpRequest, jobs: list[IngestJob], template: str, status: int = 200, **extra: object
) -> HttpResponse:
    rows = _rows(request.user, jobs, nested=True)
    context = {
        "rows": rows,
        "row": rows[0] if rows else None,
        "choices": _choices(request.user, rows),
    }
    return render(request, template, context | extra, status=status)


def _refusal(request: HttpRequest, error: DocketError) -> HttpResponse:
    """A refused action: its message in the user's language, with the error's status. A 403
    goes into the audit trail, as the API's refusals do."""
    if error.status_code == 403:
        denial_record(request=request)
    context = {"message": _message(error)}
    response = render(request, "web/upload/_error.html", context, status=error.status_code)
    if request.htmx and request.method == "POST":  # shown in the form that was sent
        response["HX-Retarget"] = "find .form-error"
        response["HX-Reswap"] = "innerHTML"
    return response


def _message(error: DocketError) -> str:
    if isinstance(error, InvalidInput) and error.field == "file":
        return _("The file is empty.")
    if isinstance(error, InvalidInput) and error.field == "password":
        return _("The password is not right.")
    if isinstance(error, InvalidInput) and error.field == "customer":
        return _("This customer was merged into another; choose that one.")
    return message_for(error)


# --- pages --------------------------------------------------------------------------------
@login_required
def upload_view(request: HttpRequest) -> HttpResponse:
    rows = _rows(request.user, recent_jobs(user=request.user))
    customers = visible_customers(user=request.user, permission=Permission.UPLOAD)
    context = {
        "section": "upload",
        "rows": rows,
        "choices": _choices(request.user, rows),
        "upload_customers": customers.exclude(status=Customer.Status.MERGED).order_by("name"),
        "types": DocumentType.objects.order_by("name"),
        "max_bytes": max_upload_bytes(),
        "max_mb": max_upload_bytes() // 2**20,
    }
    return render(request, "web/upload/page.html", context)


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
            return _refusal(request, error)
        messages.error(request, _message(error))
        return redirect("web:upload")
    if scripted:
        return _render_rows(request, jobs, "web/upload/_rows.html", status=202)
    messages.success(request, _("The files were added; their progress is shown below."))
    return redirect("web:upload")


def _submit(request: HttpRequest) -> list[IngestJob]:
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if declared.isdigit() and int(declared) > max_upload_bytes() + 2**20:  # by its declared size
        raise TooLarge("file is larger than the limit")
    form = UploadForm(request.POST)
    files = request.FILES.getlist("files")
    if not form.is_valid():
        raise _form_error(form)
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


@login_required
def job_view(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """A job's row, polled by the page: 204 while nothing changed, 286 (htmx: stop polling)
    once the job is final."""
    try:
        job = job_get(user=request.user, job_id=job_id)
    except DocketError as error:
        response = _refusal(request, error)
        if request.htmx:  # the job is gone from the user's view: the row stops asking
            response.status_code = 286
        return response
    rows = _rows(request.user, [job], nested=True)
    if request.GET.get("seen") == rows[0].seen:
        return HttpResponse(status=204)
    template = "web/upload/_job_body.html" if request.htmx else "web/upload/_job.html"
    context = {"row": rows[0], "choices": _choices(request.user, rows)}
    status = 286 if request.htmx and rows[0].final else 200
    return render(request, template, context, status=status)


@login_required
@require_POST
def job_retry_view(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """Try a failed job again, or with the password of a protected PDF."""
    password = request.POST.get("password")
    try:
        job = job_get(user=request.user, job_id=job_id)
        if password == "":
            raise InvalidInput(_("Enter the password."), field="")
        job = services.ingest_resolve(actor=request.user, job=job, password=password)
    except DocketError as error:
        return _refusal(request, error)
    return _render_rows(request, [job], "web/upload/_job.html")


@login_required
@require_POST
def job_review_view(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """File a job that waited for review with the customer, type and tags the user chose
    (the suggestions accepted or corrected)."""
    form = FilingForm(request.POST)
    try:
        job = job_get(user=request.user, job_id=job_id)
        if not form.is_valid():
            raise _form_error(form)
        job = services.ingest_resolve(
            actor=request.user,
            job=job,
            customer=form.cleaned_data["customer"],
            document_type=form.cleaned_data["type"],
            tag_names=form.cleaned_data["tags"],
        )
    except DocketError as error:
        return _refusal(request, error)
    return _render_rows(request, [job], "web/upload/_job.html")


@login_required
@require_POST
def job_correct_view(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """Correct the customer, type and tags the pipeline suggested for a document it filed."""
    form = FilingForm(request.POST)
    try:
        job = job_get(user=request.user, job_id=job_id)
        if not form.is_valid():
            raise _form_error(form)
        services.ingest_correct(
            actor=request.user,
            job=job,
            customer=form.cleaned_data["customer"],
            document_type=form.cleaned_data["type"],
            tag_names=form.cleaned_data["tags"],
        )
    except DocketError as error:
        return _refusal(request, error)
    job = job_get(user=request.user, job_id=job_id)
    return _render_rows(request, [job], "web/upload/_job.html", corrected=True)


urlpatterns = [
    path("upload/", upload_view, name="upload"),
    path("upload/files/", upload_file_view, name="upload-file"),
    path("upload/jobs/<uuid:job_id>/", job_view, name="upload-job"),
    path("upload/jobs/<uuid:job_id>/retry/", job_retry_view, name="upload-job-retry"),
    path("upload/jobs/<uuid:job_id>/review/", job_review_view, name="upload-job-review"),
    path("upload/jobs/<uuid:job_id>/correct/", job_correct_view, name="upload-job-correct"),
]
