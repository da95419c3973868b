"""What an edit of a document changed, as its audit event records it next to the `fields` it
names: each changed field's old and new value, `{"from": …, "to": …}`, and the tags taken on
and off by name, `"tags": {"added": [...], "removed": [...]}`. Names, not only ids, because a
customer, type or tag may be renamed or removed later and the history must still say what it
was. Notes are named in `fields` only: they can be long, and the current ones are on the page.
Events from before this (with `fields` alone) stay as they were; the trail is append-only."""

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AbstractBaseUser

from docket.audit.models import AuditEvent
from docket.documents.models import Document

__all__ = ["edit_changes", "edit_snapshot", "hide_unseen_customers", "tag_changes", "tag_names"]

TITLE_MAX = 100  # a title is up to 300 characters; the history needs to recognise it only
RECORDED_FIELDS = ("title", "document_date", "status", "customer", "document_type")


def edit_snapshot(document: Document, names: set[str] | list[str]) -> dict[str, Any]:
    """The recorded values of those of `names` whose old and new values an edit records."""
    return {name: _value(document, name) for name in names if name in RECORDED_FIELDS}


def edit_changes(before: dict[str, Any], document: Document) -> dict[str, Any]:
    """`{field: {"from": old, "to": new}}` for each field of `before` that the edit changed."""
    changes = {}
    for name, old in before.items():
        new = _value(document, name)
        if new != old:
            changes[name] = {"from": old, "to": new}
    return changes


def tag_names(document: Document) -> list[str]:
    # Sorted here, not by the database, whose collation of Chinese names differs.
    return sorted(document.tags.values_list("name", flat=True))


def tag_changes(old: list[str], new: list[str]) -> dict[str, Any]:
    """`{"tags": {"added": [...], "removed": [...]}}`, or nothing when the tags stayed."""
    added = [name for name in new if name not in old]
    removed = [name for name in old if name not in new]
    return {"tags": {"added": added, "removed": removed}} if added or removed else {}


def _value(document: Document, name: str) -> Any:
    if name == "title":
        title = document.title or ""
        return title if len(title) <= TITLE_MAX else title[: TITLE_MAX - 1] + "…"
    if name == "document_date":
        day = document.document_date
        return day.isoformat() if hasattr(day, "isoformat") else day or None
    if name == "customer":
        customer = document.customer
        return {"id": customer.pk, "name": customer.name}
    if name == "document_type":
        kind = document.document_type
        return {"id": kind.pk, "code": kind.code, "name": kind.name}
    return getattr(document, name)


def hide_unseen_customers(events: Iterable[AuditEvent], user: AbstractBaseUser) -> list:
    """The events with the name of a customer the reader may not see taken out of a recorded
    move (`{"id": None, "name": None}`): seeing a document is no leave to learn the customer it
    came from. Only the copies in hand change; the trail itself refuses any update."""
    from docket.customers.selectors import visible_customers

    events = list(events)
    moves = [e.details["customer"] for e in events if _is_move(e)]
    if not moves:  # most histories: no query
        return events
    ids = {side.get("id") for move in moves for side in (move["from"], move["to"])}
    seen = set(visible_customers(user=user).filter(id__in=ids).values_list("id", flat=True))
    for event in events:
        if _is_move(event):
            move = event.details["customer"]
            event.details = {
                **event.details,
                "customer": {
                    end: side if side.get("id") in seen else {"id": None, "name": None}
                    for end, side in move.items()
                },
            }
    return events


def _is_move(event: AuditEvent) -> bool:
    move = (event.details or {}).get("customer")
    return (
        isinstance(move, dict)
        and isinstance(move.get("from"), dict)
        and isinstance(move.get("to"), dict)
    )
