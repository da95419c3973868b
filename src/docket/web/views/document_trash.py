"""The trash (回收站): moving a document there from its page, and the page of trashed documents
(/documents/trash/) from which they are restored.

Both writes go through docket.documents.services (document_delete, document_restore_from_trash),
which refuse a document another user holds checked out and write the audit event; who may do
them is the access rules' `delete` permission, asked through documents.selectors as the API's
DELETE /api/documents/{id}/ and POST /api/trash/{id}/restore/ do. A refusal of either (no
permission; another's check-out) is recorded as `denied`, as the API records it. Trashed
documents stay until a later purge, which is not offered here.

The document page offers "Move to trash" by its `may_delete`; the documents list links here
for users who `may_use_trash`."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from docket.access.models import Permission
from docket.audit.services import denial_record
from docket.core.errors import DocketError
from docket.documents import selectors, services
from docket.web.errors import message_for
from docket.web.refusals import refusal_page
from docket.web.views import document_page

__all__ = ["may_use_trash", "urlpatterns"]

PAGE_SIZE = 25


def may_use_trash(user: AbstractBaseUser) -> bool:
    """Whether the documents list links to the trash: the user may delete some document."""
    may = selectors.visible_documents(user=user, permission=Permission.DELETE, include_trashed=True)
    return may.exists()


@login_required
@require_POST
def document_trash_view(request: HttpRequest, document_id: int) -> HttpResponse:
    document = document_page.load(request, document_id, Permission.DELETE)
    if isinstance(document, HttpResponse):
        if document.status_code == 403:  # seen but not theirs to delete: audited as a restore is
            denial_record(request=request, document_id=document_id)
        return document
    try:
        services.document_delete(actor=request.user, document=document)
    except DocketError as error:  # checked out by someone else: the page says who, until when
        denial_record(request=request, document_id=document.pk)
        sentence = document_page.refusal_message(error, document)
        return document_page.page_response(
            request, document, status=error.status_code, error=sentence
        )
    messages.success(
        request,
        _("“%(title)s” is in the trash; it can be restored from there.")
        % {"title": document.title},
    )
    return redirect("web:documents")


def trash_response(request: HttpRequest, *, status: int = 200, error: str = "") -> HttpResponse:
    """The trashed documents whose metadata the user may see, most recently trashed first;
    "Restore" on those they may delete (and so restore), as /api/trash/ lists them."""
    trashed = (
        selectors.visible_documents(user=request.user, content=False, include_trashed=True)
        .filter(deleted_at__isnull=False)
        .select_related("customer", "document_type", "deleted_by")
        .order_by("-deleted_at", "-id")
    )
    listing = Paginator(trashed, PAGE_SIZE).get_page(request.GET.get("page"))
    restorable = set(
        selectors.visible_documents(
            user=request.user, permission=Permission.DELETE, include_trashed=True
        )
        .filter(id__in=[document.id for document in listing])
        .values_list("id", flat=True)
    )
    context = {
        "section": "documents",
        "listing": listing,
        "rows": [(document, document.id in restorable) for document in listing],
        "error": error,
    }
    return render(request, "web/documents/trash.html", context, status=status)


@login_required
def trash_view(request: HttpRequest) -> HttpResponse:
    return trash_response(request)


@login_required
@require_POST
def trash_restore_view(request: HttpRequest, document_id: int) -> HttpResponse:
    try:
        document = selectors.document_get(
            user=request.user,
            document_id=document_id,
            permission=Permission.DELETE,
            include_trashed=True,
        )
        services.document_restore_from_trash(actor=request.user, document=document)
    except DocketError as error:
        if error.status_code in (403, 404):
            return refusal_page(
                request,
                error,
                section="documents",
                back_url=reverse("web:documents-trash"),
                back_label=_("Back to the trash"),
                document_id=document_id,
            )
        # Not in the trash (restored meanwhile, by someone else or in another tab).
        return trash_response(request, status=error.status_code, error=message_for(error))
    messages.success(
        request, _("“%(title)s” is restored from the trash.") % {"title": document.title}
    )
    return redirect("web:documents-trash")


urlpatterns = [
    path("documents/trash/", trash_view, name="documents-trash"),
    path(
        "documents/trash/<int:document_id>/restore/",
        trash_restore_view,
        name="documents-trash-restore",
    ),
    path("documents/<int:document_id>/trash/", document_trash_view, name="document-trash"),
]
