"""Administration (/manage/): the landing page, and what its sections share.

Users and teams (`manage_users`) are in admin_access.py, roles in admin_roles.py; document
types and tags (`manage_catalog`) in admin_catalog.py, a type's naming rule (report, apply) in
admin_naming.py; the audit trail (`view_audit`) in admin_audit.py. Every page checks its
capability through docket.access.rules and every change goes through the same services as
/api/access/*, /api/document-types/ and /api/tags/, which record it in the audit trail.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from docket.access import rules
from docket.access.models import Capability
from docket.core.errors import DocketError, Forbidden
from docket.web.errors import message_for
from docket.web.refusals import refusal_page

__all__ = ["form_refusal", "page", "refused", "requires", "urlpatterns"]

View = Callable[..., HttpResponse]


@dataclass(frozen=True)
class Section:
    url_name: str
    title: Promise
    description: Promise
    capability: str


SECTIONS = (
    Section(
        "web:admin-users",
        _("Users"),
        _("Accounts, their role, team and clearance; unlock and deactivate."),
        Capability.MANAGE_USERS,
    ),
    Section(
        "web:admin-roles",
        _("Roles"),
        _("What each role may do, over which customers, and whether it needs two-factor."),
        Capability.MANAGE_USERS,
    ),
    Section(
        "web:admin-teams",
        _("Teams"),
        _("Departments and the teams under them."),
        Capability.MANAGE_USERS,
    ),
    Section(
        "web:admin-types",
        _("Document types"),
        _("Types, their archive number pattern and naming rule."),
        Capability.MANAGE_CATALOG,
    ),
    Section(
        "web:admin-tags",
        _("Tags"),
        _("Coloured labels for documents."),
        Capability.MANAGE_CATALOG,
    ),
    Section(
        "web:admin-audit",
        _("Audit trail"),
        _("Who did what and when, by user, action and date; and its export."),
        Capability.VIEW_AUDIT,
    ),
)


def sections_for(user: Any) -> list[Section]:
    return [s for s in SECTIONS if rules.has_capability(user, s.capability)]


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """Render an administration page, with the sections the user may open (the sub-menu)."""
    context = {"section": "admin", "admin_sections": sections_for(request.user), **context}
    return render(request, template, context, status=status)


def refused(request: HttpRequest, error: DocketError) -> HttpResponse:
    """The page for a refusal that leaves nothing to show (no access, nothing there)."""
    return refusal_page(request, error, section="admin")


def requires(capability: str) -> Callable[[View], View]:
    """Sign-in first, then the capability (a 403 page without it); the view's own services
    check again."""

    def decorate(view: View) -> View:
        @login_required
        @wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                rules.check_capability(request.user, capability)
                return view(request, *args, **kwargs)
            except DocketError as error:  # NotFound from a lookup, Forbidden from a service
                return refused(request, error)

        return guarded

    return decorate


def form_refusal(
    form: forms.Form, error: DocketError, messages: dict[str, Promise] | None = None
) -> None:
    """Put a service's refusal on the form, on the field it names when the form has it,
    in the user's language where we know a better sentence than the service's English.
    The page is then shown again with 200, as Django's forms do (the browser would report
    a 4xx answer as a failed load)."""
    if isinstance(error, Forbidden):
        raise error  # the whole page is refused, not the field
    messages = messages or {}
    text = messages.get(f"{type(error).__name__}:{error.field}") or messages.get(str(error.field))
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(text) if text else message_for(error))


@login_required
def admin_view(request: HttpRequest) -> HttpResponse:
    sections = sections_for(request.user)
    if not sections:
        return refused(request, Forbidden("no administration capability"))
    return page(request, "web/admin/index.html", {"sections": sections})


# The sections are included by module path, so that they may import the helpers above.
urlpatterns = [
    path("manage/", admin_view, name="admin"),
    path("manage/", include("docket.web.views.admin_access")),
    path("manage/", include("docket.web.views.admin_roles")),
    path("manage/", include("docket.web.views.admin_catalog")),
    path("manage/", include("docket.web.views.admin_naming")),
    path("manage/", include("docket.web.views.admin_audit")),
]
