"""The audit trail in the administration (/manage/audit/): events filtered by user, action and
dates, newest first, a page at a time and in the user's language, with a link to the CSV
export of the same filters (/api/audit/export/, which records that export).

For whoever docket.audit.selectors.can_read_audit admits (`view_audit`), as /api/audit/ is:
the page asks the same selector and reads its filters through the same audit.filters. The
Users list links each user here.
"""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from docket.access.models import Capability, Permission
from docket.access.rules import customers_q, documents_q
from docket.audit import selectors
from docket.audit.filters import event_filters
from docket.audit.models import AuditEvent
from docket.customers.models import Customer
from docket.documents.models import Document
from docket.web.views.administration import page, requires
from docket.web.views.customers import describe

EVENTS_PER_PAGE = 50
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# What the administration's services record as `change`, as a line says it.
CHANGES = {
    "user_created": gettext_lazy("User created"),
    "user_deactivated": gettext_lazy("User deactivated"),
    "user_activated": gettext_lazy("User reactivated"),
    "password_reset": gettext_lazy("Password set by an administrator"),
    "login_unlocked": gettext_lazy("Account unlocked"),
    "2fa_enabled": gettext_lazy("Two-factor authentication enabled"),
    "2fa_reset": gettext_lazy("Two-factor authentication reset"),
    "token_created": gettext_lazy("API token created"),
    "token_revoked": gettext_lazy("API token revoked"),
    "role_created": gettext_lazy("Role created"),
    "role_updated": gettext_lazy("Role changed"),
    "role_deleted": gettext_lazy("Role deleted"),
    "team_created": gettext_lazy("Team created"),
    "team_updated": gettext_lazy("Team changed"),
    "document_type_created": gettext_lazy("Document type created"),
    "document_type_updated": gettext_lazy("Document type changed"),
    "naming_rule_applied": gettext_lazy("Naming rule applied"),
    "tag_created": gettext_lazy("Tag created"),
    "tag_updated": gettext_lazy("Tag changed"),
    "tag_deleted": gettext_lazy("Tag deleted"),
}
# The detail that names what a change was about, first found first.
SUBJECTS = ("name", "user", "username", "role", "team", "tag", "document_type", "token")


class AuditFilterForm(forms.Form):
    user = forms.CharField(
        label=gettext_lazy("User"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("Username")}),
    )
    action = forms.ChoiceField(label=gettext_lazy("Action"), required=False)
    since = forms.DateField(label=gettext_lazy("From"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=gettext_lazy("To"), required=False, widget=DATE_INPUT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All actions"))]
        self.fields["action"].choices = everything + list(AuditEvent.Action.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("since") and data.get("until") and data["until"] < data["since"]:
            self.add_error("until", _("The end date is before the start date."))
        return data

    def query(self) -> dict[str, str]:
        """The filters as /api/audit/ takes them (audit.filters): the export link's too."""
        values = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return {
            name: value.isoformat() if hasattr(value, "isoformat") else str(value).strip()
            for name, value in values.items()
            if value
        }


@requires(Capability.VIEW_AUDIT)
def audit_view(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET if _filtered(request) else None)
    query = form.query()
    events = AuditEvent.objects.none()
    if not form.errors:
        events = selectors.audit_events(user=request.user, **event_filters(query))
    listing = Paginator(_with_names(events, request.user), EVENTS_PER_PAGE)
    listing_page = listing.get_page(request.GET.get("page"))
    context = {
        "form": form,
        "listing": listing_page,
        "rows": [(event, summary(event)) for event in listing_page],
        "person": query.get("user", ""),
        "export_url": reverse("audit-export") + "?" + urlencode({"format": "csv", **query}),
    }
    return page(request, "web/admin/audit.html", context)


def _filtered(request: HttpRequest) -> bool:
    return any(request.GET.get(name) for name in AuditFilterForm.base_fields)


def _with_names(events: QuerySet[AuditEvent], user: Any) -> QuerySet[AuditEvent]:
    """Each event with the title of its document and the name of its customer, when the
    reader may see them (else None: the page shows the number the event recorded)."""
    documents = Document.all_objects.filter(documents_q(user, Permission.VIEW, content=False))
    customers = Customer.objects.filter(customers_q(user, Permission.VIEW))
    return events.select_related(
        "actor"
    ).annotate(  # and each actor's display name
        document_title=Subquery(documents.filter(pk=OuterRef("document_id")).values("title")[:1]),
        customer_name=Subquery(customers.filter(pk=OuterRef("customer_id")).values("name")[:1]),
    )


def summary(event: AuditEvent) -> str:
    """What the event did beyond its action, in the user's language, from its details."""
    details = event.details or {}
    label = CHANGES.get(str(details.get("change")))
    if label is not None:
        subject = next((details[key] for key in SUBJECTS if details.get(key)), None)
        if subject is None:
            return str(label)
        return _("%(change)s: %(subject)s") % {"change": label, "subject": subject}
    if event.outcome == AuditEvent.Outcome.DENIED and details.get("path"):
        return f"{details.get('method', '')} {details['path']}".strip()
    if event.action == AuditEvent.Action.SEARCH and details.get("q"):
        return _("Searched for %(query)s") % {"query": details["q"]}
    if event.action == AuditEvent.Action.LOGIN_FAILED and details.get("username"):
        return _("As %(username)s") % {"username": details["username"]}
    if "clearance" in details and details.get("user"):  # access.services.member_set
        return _("Role, team and clearance of %(user)s set") % {"user": details["user"]}
    return describe(event)


urlpatterns = [
    path("audit/", audit_view, name="admin-audit"),
]
