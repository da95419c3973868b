"""The document page (/documents/<id>/): preview, details, tags, versions, check-out,
permissions and history of one document.

Reads go through docket.documents.selectors (document_get decides 404 against 403) and the
access rules; writes through the documents and access services, which decide. A document the
user may not see is a 404 page; an action they may not take shows the page again with the
refusal and its status. The details' edit and the tags are in document_details.py, versions,
check-out and grants in document_actions.py, the side-by-side compare in document_compare.py,
what the history says of each event in document_history.py."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Paginator
from django.db.models import F, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from docket.access import rules
from docket.access.models import Capability, Grant, Permission
from docket.audit.models import AuditEvent
from docket.core.errors import DocketError, Locked
from docket.documents import selectors
from docket.documents.checkout import active_checkout
from docket.documents.edit_changes import hide_unseen_customers
from docket.documents.files import INLINE_TYPES, record_read
from docket.documents.models import Checkout, Document, Tag, Version
from docket.web.errors import message_for
from docket.web.refusals import refusal_page, refusal_status
from docket.web.views import document_actions as actions
from docket.web.views import document_compare
from docket.web.views import document_details as details
from docket.web.views.document_history import describe, history_events, wants_reads

HISTORY_PAGE = 20  # events shown at first; "older" adds as many again
Action = Callable[[Document], str]  # runs one service, returns the success message


@dataclass
class DocumentPage:
    """What the page shows about one document, read in the same number of queries however
    many versions, grants and events it has."""

    document: Document
    user_id: int
    may_see_content: bool
    may_download: bool
    may_edit: bool
    may_manage: bool
    may_share: bool  # share this one document with a colleague (without `manage`)
    may_delete: bool  # move it to the trash (document_trash.py)
    versions: list[Version]  # newest first, without their text
    checkout: Checkout | None
    grants: list[Grant]  # on this document, then those through its customer
    tags: list[Tag]
    history: list[tuple[AuditEvent, str]]
    more_history: bool
    text: str  # the current version's, when the user may see content

    @property
    def current(self) -> Version | None:
        return self.versions[0] if self.versions else None

    @property
    def preview_kind(self) -> str:
        """pdf: the browser's own viewer; image: inline; other: a thumbnail and a download."""
        if not self.may_see_content or self.current is None:
            return "none"
        if self.current.mime_type == "application/pdf":
            return "pdf"
        return "image" if self.current.mime_type in INLINE_TYPES else "other"

    @property
    def locked_by_other(self) -> bool:
        return self.checkout is not None and self.checkout.user_id != self.user_id

    @property
    def may_change(self) -> bool:
        """Edit the details, tags and versions now: the permission, and no one else's lock."""
        return self.may_edit and not self.locked_by_other


def document_page(
    user: AbstractBaseUser, document: Document, *, reads: bool = False
) -> DocumentPage:
    """`reads`: the history shows views, previews and downloads too."""
    may_see_content = rules.may_document(user, Permission.VIEW, document.pk)
    versions = list(document.versions.select_related("author").defer("text").order_by("-number"))
    text = ""
    if may_see_content and versions:
        text = Version.objects.values_list("text", flat=True).get(pk=versions[0].pk)
    events = list(history_events(document_id=document.pk, reads=reads)[: HISTORY_PAGE + 1])
    grants = Grant.objects.filter(Q(document=document) | Q(customer_id=document.customer_id))
    return DocumentPage(
        document=document,
        user_id=user.pk,
        may_see_content=may_see_content,
        may_download=may_see_content and rules.may_document(user, Permission.DOWNLOAD, document.pk),
        may_edit=rules.may_document(user, Permission.EDIT, document.pk),
        may_manage=rules.has_capability(user, Capability.MANAGE_USERS)
        or rules.may_document(user, Permission.MANAGE, document.pk),
        may_share=rules.may_document(user, Permission.SHARE, document.pk),
        may_delete=rules.may_document(user, Permission.DELETE, document.pk),
        versions=versions,
        checkout=active_checkout(document),
        grants=list(
            grants.select_related("user", "team", "granted_by").order_by(
                F("customer_id").asc(nulls_first=True),
                "id",  # this document's first
            )
        ),
        tags=list(document.tags.all()),
        history=[(e, describe(e)) for e in hide_unseen_customers(events[:HISTORY_PAGE], user)],
        more_history=len(events) > HISTORY_PAGE,
        text=text,
    )


def page_response(
    request: HttpRequest, document: Document, *, status: int = 200, error: str = "", **extra: Any
) -> HttpResponse:
    """The whole page; after a refused action or an invalid form, with the refusal or the
    form's errors in it."""
    reads = wants_reads(request)
    page = document_page(request.user, document, reads=reads)
    context = {
        "section": "documents",
        "page": page,
        "document": document,
        "reads": reads,
        "error": error,
        "edit_form": None,
        "tag_form": details.TagForm(),
        "all_tags": Tag.objects.order_by("name") if page.may_edit else [],
        "version_form": actions.VersionForm(),
        "checkout_form": actions.CheckoutForm(),
        "grant_form": actions.GrantForm() if page.may_manage else None,
        "share_form": actions.ShareForm() if page.may_share and not page.may_manage else None,
        "compare_form": document_compare.CompareForm.for_page(page.versions),
        **extra,
    }
    return render(request, "web/document/page.html", context, status=status)


def refused(request: HttpRequest, error: DocketError) -> HttpResponse:
    document_id = (
        request.resolver_match.kwargs.get("document_id") if request.resolver_match else None
    )
    return refusal_page(
        request,
        error,
        section="documents",
        heading=_("Document not found") if refusal_status(error) == 404 else "",
        back_url=reverse("web:documents"),
        back_label=_("Back to the documents"),
        document_id=document_id,
    )


def refusal_message(error: DocketError, document: Document) -> str:
    """A refusal in the user's language; a lock says who holds it and until when."""
    if isinstance(error, Locked) and (lock := active_checkout(document)) is not None:
        return lock_message(lock)
    return message_for(error)


def lock_message(lock: Checkout) -> str:
    return _(
        "%(user)s has checked out this document until %(until)s: until it is checked in, "
        "only they can change it."
    ) % {"user": holder_name(lock), "until": local_time(lock.expires_at)}


def holder_name(lock: Checkout) -> str:
    return lock.user.get_full_name() or lock.user.get_username()


def local_time(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def load(
    request: HttpRequest, document_id: int, permission: str, *, content: bool = True
) -> Document | HttpResponse:
    """The document for this action, or the answer to give: a 404 page when the user may
    not see it, the page with the refusal when they may see it but not do this."""
    try:
        return selectors.document_get(
            user=request.user, document_id=document_id, permission=permission, content=content
        )
    except DocketError as error:
        if error.status_code == 404:
            return refused(request, error)
        try:
            document = selectors.document_get(
                user=request.user, document_id=document_id, content=False
            )
        except DocketError:
            return refused(request, error)
        return page_response(request, document, status=error.status_code, error=message_for(error))


def run(
    request: HttpRequest,
    document: Document,
    action: Action,
    *,
    known: dict[type[DocketError], str] | None = None,
) -> HttpResponse:
    """Run the action; on success back to the page (post, redirect, get), on a refusal the
    page with it. `known` gives a sentence for refusals whose English message would show."""
    try:
        done = action(document)
    except DocketError as error:
        sentence = next((s for kind, s in (known or {}).items() if isinstance(error, kind)), "")
        sentence = sentence or refusal_message(error, document)
        return page_response(request, document, status=error.status_code, error=sentence)
    messages.success(request, done)
    return redirect("web:document", document_id=document.pk)


@login_required
def document_view(request: HttpRequest, document_id: int) -> HttpResponse:
    try:
        document = selectors.document_get(user=request.user, document_id=document_id, content=False)
    except DocketError as error:
        return refused(request, error)
    record_read(request, AuditEvent.Action.VIEW, document)  # as the API's detail view does
    return page_response(request, document)


@login_required
def document_history_view(request: HttpRequest, document_id: int) -> HttpResponse:
    """Older events: the rows after `before` for htmx, or pages of their own without script."""
    try:
        document = selectors.document_get(user=request.user, document_id=document_id, content=False)
    except DocketError as error:
        return refused(request, error)
    reads = wants_reads(request)
    events = history_events(document_id=document.pk, reads=reads)
    before = request.GET.get("before", "")
    if request.htmx and before.isdigit():  # the next events after the last one shown
        older = list(events.filter(seq__lt=int(before))[: HISTORY_PAGE + 1])
        context = {
            "document": document,
            "history": [
                (e, describe(e)) for e in hide_unseen_customers(older[:HISTORY_PAGE], request.user)
            ],
            "more": len(older) > HISTORY_PAGE,
            "reads": reads,
            "older": True,
        }
        return render(request, "web/document/_history_rows.html", context)
    page = Paginator(events, HISTORY_PAGE).get_page(request.GET.get("page"))
    context = {
        "section": "documents",
        "document": document,
        "history": [(e, describe(e)) for e in hide_unseen_customers(page, request.user)],
        "page_obj": page,
        "reads": reads,
    }
    return render(request, "web/document/history.html", context)


urlpatterns = [
    path("documents/<int:document_id>/", document_view, name="document"),
    path("documents/<int:document_id>/history/", document_history_view, name="document-history"),
    *details.urlpatterns,
    *actions.urlpatterns,
    *document_compare.urlpatterns,
]
