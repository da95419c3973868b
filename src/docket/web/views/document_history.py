"""What the document page's history says about each event, and which events it shows: what
changed, with reads (views, previews, downloads) only when asked (`?reads=1`); the customer
page's timeline shows the same. The page's first events and the older ones it adds are in
document_page.py."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from docket.access.models import Permission
from docket.audit.models import AuditEvent
from docket.audit.selectors import filter_audit_events
from docket.web.views.document_changes import describe_document_edit

# Events that only read: the audit trail records every one, but a page records a view and a
# preview on each visit, so shown by default they would bury what changed.
READ_ACTIONS = (
    AuditEvent.Action.VIEW,
    AuditEvent.Action.PREVIEW,
    AuditEvent.Action.DOWNLOAD,
    AuditEvent.Action.SEARCH,
    AuditEvent.Action.EXPORT,
    AuditEvent.Action.AUDIT_EXPORT,
)

FIELD_LABELS = {
    "title": gettext_lazy("title"),
    "document_date": gettext_lazy("document date"),
    "status": gettext_lazy("status"),
    "notes": gettext_lazy("notes"),
    "customer": gettext_lazy("customer"),
    "document_type": gettext_lazy("type"),
    "tags": gettext_lazy("tags"),
    "archive_number": gettext_lazy("archive number"),
}


def describe(event: AuditEvent) -> str:
    """One line on what an event of the document's history did (its details are English
    keys for the API)."""
    details, kind = event.details or {}, AuditEvent.Action
    if event.action == kind.UPLOAD:
        return _("File %(name)s") % {"name": details.get("file", "")}
    if event.action == kind.RESTORE_VERSION:
        return _("Version %(old)s restored as version %(new)s") % {
            "old": details.get("restored"),
            "new": details.get("version"),
        }
    if event.action == kind.EDIT:
        if changes := describe_document_edit(details):
            return changes
        labels = [str(FIELD_LABELS.get(name, name)) for name in details.get("fields", [])]
        separator = "、" if get_language().startswith("zh") else ", "
        return _("Changed: %(fields)s") % {"fields": separator.join(labels)}
    if event.action == kind.CHECKOUT and "hours" in details:
        return _("For %(hours)s hours") % {"hours": f"{details['hours']:g}"}
    if event.action == kind.CHECKIN and details.get("forced"):
        return _("Checked in by force")
    if event.action == kind.PERMISSION_CHANGE and details.get("permission") in Permission.values:
        values = {
            "permission": Permission(details["permission"]).label,
            "who": details.get("user") or details.get("team") or "",
        }
        if details.get("grant") == "removed":
            return _("%(permission)s taken from %(who)s") % values
        return _("%(permission)s granted to %(who)s") % values
    if "version" in details:
        return _("Version %(number)s") % {"number": details["version"]}
    return ""


def wants_reads(request: HttpRequest) -> bool:
    """Whether the page was asked to show reads too (`?reads=1`, from its link)."""
    return request.GET.get("reads") == "1"


def without_reads(events: QuerySet[AuditEvent], *, reads: bool) -> QuerySet[AuditEvent]:
    return events if reads else events.exclude(action__in=READ_ACTIONS)


def history_events(*, document_id: int, reads: bool = False) -> QuerySet[AuditEvent]:
    """The document's history, newest first, as GET /api/documents/<id>/history/ has it, but
    for its reads unless `reads`; with each actor, whose name the rows show."""
    events = filter_audit_events(document_id=document_id).select_related("actor")
    return without_reads(events, reads=reads)
