"""The document page's actions: a new version, restoring one, check-out and check-in, and
the grants on the document. Each loads the document through
document_page.load (404 against 403) and runs one service through document_page.run; the
service decides whether it may be done.

document_page imports this module for its forms and URLs, so this one reaches back into
document_page only inside functions."""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from docket.access import services as access_services
from docket.access.models import Grant, Permission, Team
from docket.accounts.selectors import users_named
from docket.core.errors import Conflict, NotFound, TooLarge
from docket.documents import checkout as checkouts
from docket.documents import services
from docket.documents.api import reject_oversized_body
from docket.documents.models import Document
from docket.web.errors import message_for


def _page() -> Any:
    from docket.web.views import document_page

    return document_page


class VersionForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"), allow_empty_file=True)
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False, max_length=1000)

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, auto_id="version-%s", **kw)


CHECKOUT_HOURS = [
    (2, gettext_lazy("2 hours")),
    (8, gettext_lazy("8 hours")),
    (24, gettext_lazy("1 day")),
    (72, gettext_lazy("3 days")),
    (168, gettext_lazy("1 week")),
]


class CheckoutForm(forms.Form):
    hours = forms.TypedChoiceField(label=gettext_lazy("For"), choices=CHECKOUT_HOURS, coerce=int)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=300)

    def __init__(self, *args: Any, **kw: Any) -> None:
        kw.setdefault("initial", {"hours": settings.CHECKOUT_DEFAULT_HOURS})
        super().__init__(*args, auto_id="checkout-%s", **kw)


class GrantForm(forms.Form):
    permission = forms.ChoiceField(label=gettext_lazy("Permission"), choices=Permission.choices)
    # Named as people are named on the pages (李娜) or by username: accounts.users_named.
    user = forms.CharField(
        label=gettext_lazy("User (username or name)"), required=False, max_length=150
    )
    team = forms.ModelChoiceField(
        label=gettext_lazy("or to a team"),
        queryset=Team.objects.order_by("name"),
        required=False,
        empty_label=gettext_lazy("Choose a team"),
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, auto_id="grant-%s", **kw)

    def clean_user(self) -> AbstractBaseUser | None:
        text = self.cleaned_data.get("user") or ""
        return person_named(text) if text.strip() else None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "user" in self.errors:
            return data
        if bool(data.get("user")) == bool(data.get("team")):
            raise forms.ValidationError(_("Give a user or a team (one of them)."))
        return data


def person_named(text: str) -> AbstractBaseUser:
    """The one active user `text` names, by username or full name (accounts.users_named)."""
    found = users_named(text)
    if not found:
        raise forms.ValidationError(_("No user has this username or name."))
    if len(found) > 1:
        usernames = _(", ").join(user.get_username() for user in found)
        raise forms.ValidationError(
            _("Several users are named %(name)s (%(usernames)s): give the username.")
            % {"name": " ".join(text.split()), "usernames": usernames}
        )
    return found[0]


class ShareForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Colleague (username or name)"))
    permission = forms.ChoiceField(
        label=gettext_lazy("May"),
        choices=[
            (Permission.VIEW, gettext_lazy("view")),
            (Permission.DOWNLOAD, gettext_lazy("view and download")),
        ],
    )

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, auto_id="share-%s", **kw)

    def clean_username(self) -> AbstractBaseUser:
        return person_named(self.cleaned_data["username"])


@login_required
@require_POST
def share_view(request: HttpRequest, document_id: int) -> HttpResponse:
    page = _page()
    document = page.load(request, document_id, Permission.SHARE)
    if isinstance(document, HttpResponse):
        return document
    form = ShareForm(request.POST)
    if not form.is_valid():
        return page.page_response(request, document, status=400, share_form=form)

    def share(document: Document) -> str:
        colleague = form.cleaned_data["username"]
        access_services.document_share(
            actor=request.user,
            document=document,
            user=colleague,
            permission=form.cleaned_data["permission"],
        )
        return _("Shared with %(who)s.") % {"who": colleague.get_full_name() or colleague}

    return page.run(request, document, share)


@login_required
@require_POST
def version_add_view(request: HttpRequest, document_id: int) -> HttpResponse:
    page = _page()
    document = page.load(request, document_id, Permission.EDIT)
    if isinstance(document, HttpResponse):
        return document
    try:
        reject_oversized_body(request)  # by its declared length, as the API does
    except TooLarge as error:
        return page.page_response(
            request, document, status=error.status_code, error=message_for(error)
        )
    form = VersionForm(request.POST, request.FILES)
    if not form.is_valid():
        return page.page_response(request, document, status=400, version_form=form)
    upload, comment = form.cleaned_data["file"], form.cleaned_data["comment"]

    def add(document: Document) -> str:
        version = services.version_add(
            actor=request.user,
            document=document,
            file=upload,
            filename=upload.name or "",
            comment=comment,
        )
        return _("Version %(number)s is uploaded; its text is being read.") % {
            "number": version.number
        }

    return page.run(request, document, add)


@login_required
@require_POST
def version_restore_view(request: HttpRequest, document_id: int, number: int) -> HttpResponse:
    page = _page()
    document = page.load(request, document_id, Permission.EDIT)
    if isinstance(document, HttpResponse):
        return document

    def restore(document: Document) -> str:
        version = services.version_restore(actor=request.user, document=document, number=number)
        return _("Version %(old)s is restored as version %(new)s.") % {
            "old": number,
            "new": version.number,
        }

    return page.run(request, document, restore)


@login_required
@require_POST
def checkout_view(request: HttpRequest, document_id: int) -> HttpResponse:
    page = _page()
    document = page.load(request, document_id, Permission.EDIT)
    if isinstance(document, HttpResponse):
        return document
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        return page.page_response(request, document, status=400, checkout_form=form)

    def check_out(document: Document) -> str:
        lock = checkouts.document_checkout(
            actor=request.user, document=document, **form.cleaned_data
        )
        return _("You have checked out this document until %(until)s.") % {
            "until": page.local_time(lock.expires_at)
        }

    return page.run(request, document, check_out)


@login_required
@require_POST
def checkin_view(request: HttpRequest, document_id: int) -> HttpResponse:
    """Check in one's own lock; `force` (for those who may manage the document) another's."""
    page = _page()
    document = page.load(request, document_id, Permission.EDIT)
    if isinstance(document, HttpResponse):
        return document
    force = request.POST.get("force") == "1"

    def check_in(document: Document) -> str:
        checkouts.document_checkin(actor=request.user, document=document, force=force)
        return _("The document is checked in.")

    return page.run(
        request, document, check_in, known={Conflict: _("This document is not checked out.")}
    )


@login_required
@require_POST
def grant_add_view(request: HttpRequest, document_id: int) -> HttpResponse:
    page = _page()
    document = page.load(request, document_id, Permission.VIEW, content=False)
    if isinstance(document, HttpResponse):
        return document
    form = GrantForm(request.POST)
    if not form.is_valid():
        return page.page_response(request, document, status=400, grant_form=form)
    data = form.cleaned_data

    def add(document: Document) -> str:
        grant = access_services.grant_add(
            actor=request.user,
            permission=data["permission"],
            user=data["user"],
            team=data["team"],
            document=document,
        )
        return _("%(permission)s granted to %(who)s") % _grant_words(grant)

    return page.run(request, document, add)


@login_required
@require_POST
def grant_remove_view(request: HttpRequest, document_id: int, grant_id: int) -> HttpResponse:
    page = _page()
    document = page.load(request, document_id, Permission.VIEW, content=False)
    if isinstance(document, HttpResponse):
        return document

    def remove(document: Document) -> str:
        grant = Grant.objects.select_related("user", "team").filter(pk=grant_id, document=document)
        found = grant.first()
        if found is None:
            raise NotFound(f"no grant {grant_id} on this document")
        access_services.grant_remove(actor=request.user, grant=found)
        return _("%(permission)s taken from %(who)s") % _grant_words(found)

    return page.run(request, document, remove)


def _grant_words(grant: Grant) -> dict[str, str]:
    user = grant.user
    who = (user.get_full_name() or user.get_username()) if user else str(grant.team)
    return {"who": who, "permission": str(Permission(grant.permission).label)}


urlpatterns = [
    path("documents/<int:document_id>/versions/", version_add_view, name="document-version-add"),
    path(
        "documents/<int:document_id>/versions/<int:number>/restore/",
        version_restore_view,
        name="document-version-restore",
    ),
    path("documents/<int:document_id>/checkout/", checkout_view, name="document-checkout"),
    path("documents/<int:document_id>/checkin/", checkin_view, name="document-checkin"),
    path("documents/<int:document_id>/grants/", grant_add_view, name="document-grant-add"),
    path("documents/<int:document_id>/share/", share_view, name="document-share"),
    path(
        "documents/<int:document_id>/grants/<int:grant_id>/remove/",
        grant_remove_view,
        name="document-grant-remove",
    ),
]
