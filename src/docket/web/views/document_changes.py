"""What a document's edit changed, in the reader's language, as its history, the customer's
timeline and the audit page say it: "标题：旧标题 → 新标题；标签：+重要 −草稿". The values
are those the edit event recorded (documents.edit_changes); an older event that named only
its fields gets "" here, and its caller says those fields as it always has."""

import datetime
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from docket.documents.models import Document, type_display_name

__all__ = ["describe_document_edit"]

LABELS = {
    "title": gettext_lazy("Title"),
    "customer": gettext_lazy("Customer"),
    "document_type": gettext_lazy("Type"),
    "archive_number": gettext_lazy("Archive number"),
    "document_date": gettext_lazy("Date"),
    "status": gettext_lazy("Status"),
    "notes": gettext_lazy("Notes"),
    "tags": gettext_lazy("Tags"),
}
ORDER = list(LABELS)  # the order of the details card, not the recorded (alphabetical) one


def describe_document_edit(details: dict[str, Any]) -> str:
    """Each recorded change with its old and new value, then the fields changed without
    recorded values (notes); "" when the event recorded no values at all."""
    names = sorted(details.get("fields") or [], key=_place)
    parts, plain = [], []
    for name in names:
        part = _change(name, details.get(name))
        if part:
            parts.append(part)
        else:
            plain.append(str(LABELS.get(name, name)))
    if not parts:
        return ""
    if plain:
        parts.append(_("Changed: %(fields)s") % {"fields": _(", ").join(plain)})
    return _("; ").join(parts)


def _place(name: str) -> int:
    return ORDER.index(name) if name in ORDER else len(ORDER)


def _change(name: str, change: Any) -> str:
    if not isinstance(change, dict):
        return ""
    label = str(LABELS.get(name, name))
    if name == "tags":
        marks = [f"+{tag}" for tag in change.get("added", [])]
        marks += [f"−{tag}" for tag in change.get("removed", [])]
        return _("%(field)s: %(tags)s") % {"field": label, "tags": " ".join(marks)} if marks else ""
    if "from" not in change or "to" not in change:
        return ""
    return _("%(field)s: %(old)s → %(new)s") % {
        "field": label,
        "old": _value(name, change["from"]),
        "new": _value(name, change["to"]),
    }


def _value(name: str, value: Any) -> str:
    if value in (None, ""):
        return _("not given")
    if isinstance(value, dict):  # a customer or a type, by the name it had then
        if name == "customer" and value.get("name") is None:  # one the reader may not see
            return _("another customer")
        if name == "document_type":
            return type_display_name(str(value.get("code", "")), str(value.get("name", "")))
        return str(value.get("name", ""))
    if name == "document_date":
        try:
            return date_format(datetime.date.fromisoformat(str(value)), "DATE_FORMAT")
        except ValueError:
            return str(value)
    if name == "status" and value in Document.Status.values:
        return str(Document.Status(value).label)
    return str(value)
