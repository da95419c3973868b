"""The upload page's rows: one per ingest job, polled by the page until the job is final,
with the forms that answer what the pipeline asks (a password; the customer and type it could
not tell), accept or correct what it filed (its uploader for a while, ingest.correction; whoever
may edit the document), or dismiss a job from the inbox (also from the dashboard's inbox). The
page and the files' submission are upload.py."""

import datetime
from dataclasses import dataclass, field
from uuid import UUID

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
from docket.core.errors import DocketError, InvalidInput
from docket.core.notices import Notice, translated
from docket.documents.models import DocumentType
from docket.documents.selectors import type_display_names, visible_documents
from docket.ingest import services
from docket.ingest.correction import correction_closes_at, open_filings
from docket.ingest.models import IngestJob
from docket.ingest.selectors import job_children, job_get, jobs_dismissable, jobs_seen
from docket.web.errors import message_for
from docket.web.views.upload_forms import FilingForm, form_error

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
    customer_visible: bool = False  # the customer the job was given
    document_visible: bool = False
    may_correct: bool = False
    # The uploader's own filing, open to them until correct_until though they may not edit.
    correction_open: bool = False
    correct_until: datetime.datetime | None = None
    may_dismiss: bool = False  # a job in the inbox, the user's own or one they manage
    uploader: str = ""  # who uploaded it, when that is not the user
    children: list["JobRow"] = field(default_factory=list)

    @property
    def suggested(self) -> bool:
        return bool(self.customers or self.types or self.tags)

    @property
    def type_ids(self) -> set[int]:
        return {item["id"] for item in self.types}

    # What the forms start with: the filed document's values, else what the job was given or
    # the best suggestion (so accepting them is one click).
    @property
    def chosen_customer(self) -> int | None:
        if self.job.document is not None:
            return self.job.document.customer_id
        if self.job.customer_id and self.customer_visible:
            return self.job.customer_id
        return next((s["id"] for s in self.customers), None)

    @property
    def chosen_customer_name(self) -> str:
        """The customer picker's text: the name of chosen_customer."""
        if self.job.document is not None:
            return self.job.document.customer.name
        if self.job.customer_id and self.customer_visible:
            return self.job.customer.name
        return next((s["name"] for s in self.customers), "")

    @property
    def chosen_type(self) -> int | None:
        if self.job.document is not None:
            return self.job.document.document_type_id
        return self.job.document_type_id or next((s["id"] for s in self.types), None)

    @property
    def chosen_title(self) -> str:
        if self.job.document is not None:
            return self.job.document.title
        return self.job.title

    @property
    def chosen_tags(self) -> str:
        if self.job.document is not None:
            return ", ".join(tag.name for tag in self.job.document.tags.all())
        return ", ".join(self.job.tag_names or [])

    @property
    def tags_to_accept(self) -> list[dict]:
        """The suggested tags the filed document lacks, each accepted with one click."""
        if self.job.document is None:
            return []
        present = {tag.name for tag in self.job.document.tags.all()}
        return [s for s in self.tags if s["name"] not in present]


@dataclass
class Choices:
    """What the review and correction forms list: every type. Customers are not listed (there
    may be thousands): the form's customer picker asks for them as the user types."""

    types: list[DocumentType]


def job_rows(user: AbstractBaseUser, jobs: list[IngestJob], nested: bool = False) -> list[JobRow]:
    """Rows for these jobs, with three queries for all of them: which of their documents the
    user may see and edit, and which suggested customers they may see (a suggestion must not
    name a customer the user does not know of: ingest.selectors.jobs_seen, as in the API).
    One more reads the names of the types suggested, if any, and one whether the user's own
    fresh filings are still theirs to correct (ingest.correction)."""
    seen = jobs_seen(user=user, jobs=jobs)
    document_ids = {job.document_id for job in jobs if job.document_id}
    editable = set()
    if document_ids:
        editable = set(
            visible_documents(user=user, permission=Permission.EDIT, content=False)
            .filter(id__in=document_ids)
            .values_list("id", flat=True)
        )
    own = [job for job in jobs if job.created_by_id == user.pk and job.document_id not in editable]
    open_to_uploader = open_filings(own)
    waiting = [job for job in jobs if job.state in services.DISMISSABLE]
    dismissable = jobs_dismissable(user=user, jobs=waiting) if waiting else frozenset()
    # A suggestion keeps the type's stored name; the row shows it as the user reads it.
    type_names = type_display_names(
        s["id"] for job in jobs for s in (job.suggestions or {}).get("type", [])
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
            types=[
                _suggestion(s | {"name": type_names.get(s["id"], s["name"])})
                for s in suggestions.get("type", [])
                if s.get("name")
            ],
            tags=[_suggestion(s) for s in suggestions.get("tag", []) if s.get("name")],
            customer_visible=job.customer_id in seen.customer_ids,
            document_visible=job.document_id in seen.document_ids,
            may_correct=(job.document_id in editable or job.pk in open_to_uploader)
            and not job.duplicate,
            correction_open=job.pk in open_to_uploader,
            correct_until=correction_closes_at(job) if job.pk in open_to_uploader else None,
            may_dismiss=job.pk in dismissable and job.dismissed_at is None,
            uploader=uploader_name(user, job),
        )
        if nested and job.state == State.DONE and job.document_id is None:
            row.children = job_rows(user, job_children(user=user, job=job))
        rows.append(row)
    return rows


def uploader_name(user: AbstractBaseUser, job: IngestJob) -> str:
    """The display name of whoever uploaded a job, for a row that is not the user's own
    ("" for their own, and for a job from a folder or a mailbox). `created_by` is read with
    the job (ingest.selectors)."""
    uploader = job.created_by
    if uploader is None or uploader.pk == user.pk:
        return ""
    return uploader.get_full_name() or uploader.get_username()


def _suggestion(item: dict) -> dict:
    return {
        **item,
        "percent": round(float(item.get("confidence", 0)) * 100),
        "source_label": str(SOURCE_LABELS.get(item.get("source", ""), item.get("source", ""))),
    }


def form_choices(rows: list[JobRow]) -> Choices | None:
    """Loaded once per response, and only when a row has a form to fill."""
    if not any(row.job.state == State.NEEDS_REVIEW or row.may_correct for row in _all(rows)):
        return None
    return Choices(list(DocumentType.objects.order_by("name")))


def _all(rows: list[JobRow]) -> list[JobRow]:
    return [item for row in rows for item in (row, *_all(row.children))]


def render_rows(
    request: HttpRequest, jobs: list[IngestJob], template: str, status: int = 200, **extra: object
) -> HttpResponse:
    rows = job_rows(request.user, jobs, nested=True)
    context = {"rows": rows, "row": rows[0] if rows else None, "choices": form_choices(rows)}
    return render(request, template, context | extra, status=status)


def refusal(
    request: HttpRequest, error: DocketError, document_id: int | None = None
) -> HttpResponse:
    """A refused action: its message in the user's language, with the error's status. A 403
    goes into the audit trail (about the document, if any), as the API's refusals do."""
    if error.status_code == 403:
        denial_record(request=request, document_id=document_id)
    context = {"message": refusal_text(error)}
    response = render(request, "web/upload/_error.html", context, status=error.status_code)
    if request.htmx and request.method == "POST":  # shown in the form that was sent
        response["HX-Retarget"] = "find .form-error"
        response["HX-Reswap"] = "innerHTML"
    return response


def refusal_text(error: DocketError) -> str:
    if isinstance(error, InvalidInput) and error.field == "file":
        return _("The file is empty.")
    if isinstance(error, InvalidInput) and error.field == "password":
        return _("The password is not right.")
    if isinstance(error, InvalidInput) and error.field == "customer":
        return _("This customer was merged into another; choose that one.")
    if error.status_code == 403 and isinstance(error.message, Notice):
        return translated(error.message)  # why this filing may not be corrected
    return message_for(error)


# --- a job's row and its forms ------------------------------------------------------------
@login_required
def job_view(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """A job's row, polled by the page: 204 while nothing changed, 286 (htmx: stop polling)
    once the job is final."""
    try:
        job = job_get(user=request.user, job_id=job_id)
    except DocketError as error:
        response = refusal(request, error)
        if request.htmx:  # the job is gone from the user's view: the row stops asking
            response.status_code = 286
        return response
    rows = job_rows(request.user, [job], nested=True)
    if request.GET.get("seen") == rows[0].seen:
        return HttpResponse(status=204)
    template = "web/upload/_job_body.html" if request.htmx else "web/upload/_job.html"
    context = {"row": rows[0], "choices": form_choices(rows)}
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
        return refusal(request, error)
    return render_rows(request, [job], "web/upload/_job.html")


@login_required
@require_POST
def job_dismiss_view(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """Take a job out of the inbox without filing it. htmx replaces the row with a line
    saying so; without script, back to the page the form was on (`back`: the dashboard or
    the upload page) with that line as a message."""
    try:
        job = services.ingest_dismiss(
            actor=request.user, job=job_get(user=request.user, job_id=job_id)
        )
    except DocketError as error:
        return refusal(request, error)
    done = _("%(name)s is dismissed from the inbox.") % {"name": job.original_name}
    if request.htmx:
        return render(request, "web/upload/_dismissed.html", {"message": done})
    messages.success(request, done)
    return redirect("web:dashboard" if request.POST.get("back") == "dashboard" else "web:upload")


def _chosen(request: HttpRequest) -> dict:
    """What a job's filing form chose, as the ingest services take it."""
    form = FilingForm(request.POST, user=request.user)
    if not form.is_valid():
        raise form_error(form)
    data = form.cleaned_data
    chosen = {"customer": data["customer"], "document_type": data["type"]}
    # A title left out keeps the one there is (review: the one the file's name gives).
    title = data["title"] if "title" in request.POST else None
    return chosen | {"tag_names": data["tags"], "title": title}


@login_required
@require_POST
def job_review_view(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """File a job that waited for review with the customer, type and tags the user chose
    (the suggestions accepted or corrected)."""
    try:
        job = job_get(user=request.user, job_id=job_id)
        chosen = _chosen(request)
        chosen["title"] = chosen["title"] or None  # blank: the title the file gives
        job = services.ingest_resolve(actor=request.user, job=job, **chosen)
    except DocketError as error:
        return refusal(request, error)
    return render_rows(request, [job], "web/upload/_job.html")


@login_required
@require_POST
def job_correct_view(request: HttpRequest, job_id: UUID) -> HttpResponse:
    """Accept or correct the customer, type, title and tags of a document the pipeline filed
    (the whole form, or one suggested tag's button)."""
    job = None
    try:
        job = job_get(user=request.user, job_id=job_id)
        if tag := request.POST.get("add_tag", "").strip():  # one tag; the rest as it is now
            services.ingest_accept_tag(actor=request.user, job=job, name=tag)
        else:
            services.ingest_correct(actor=request.user, job=job, **_chosen(request))
    except DocketError as error:
        return refusal(request, error, document_id=job.document_id if job else None)
    job = job_get(user=request.user, job_id=job_id)
    return render_rows(request, [job], "web/upload/_job.html", corrected=True)


urlpatterns = [
    path("upload/jobs/<uuid:job_id>/", job_view, name="upload-job"),
    path("upload/jobs/<uuid:job_id>/retry/", job_retry_view, name="upload-job-retry"),
    path("upload/jobs/<uuid:job_id>/dismiss/", job_dismiss_view, name="upload-job-dismiss"),
    path("upload/jobs/<uuid:job_id>/review/", job_review_view, name="upload-job-review"),
    path("upload/jobs/<uuid:job_id>/correct/", job_correct_view, name="upload-job-correct"),
]
