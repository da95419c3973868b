"""Reading the audit trail. Who may read it is decided in one place, `can_read_audit` (which
asks access.rules); everything that shows events or alerts goes through it."""

import datetime

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from docket.access.models import Capability
from docket.access.rules import has_capability
from docket.audit.models import AuditAlert, AuditEvent

__all__ = [
    "audit_alerts",
    "audit_events",
    "can_read_audit",
    "customer_timeline",
    "filter_audit_events",
]


def can_read_audit(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    """The whole trail: roles with the `view_audit` capability (and full control). A
    document's own history is also shown to whoever may see the document
    (documents.api, `history/`)."""
    if user is None or not user.is_authenticated:
        return False
    return has_capability(user, Capability.VIEW_AUDIT)


def audit_events(
    *,
    user: AbstractBaseUser | AnonymousUser | None,
    document_id: int | None = None,
    customer_id: int | None = None,
    actor_id: int | None = None,
    actor_name: str | None = None,
    action: str | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """Events newest first; `since` is inclusive, `until` exclusive. `actor_id` is the id
    recorded with the event, so a deleted user's events are still found by it."""
    if not can_read_audit(user):
        return AuditEvent.objects.none()
    return filter_audit_events(
        document_id=document_id,
        customer_id=customer_id,
        actor_id=actor_id,
        actor_name=actor_name,
        action=action,
        since=since,
        until=until,
    )


def filter_audit_events(
    *,
    document_id: int | None = None,
    customer_id: int | None = None,
    actor_id: int | None = None,
    actor_name: str | None = None,
    action: str | None = None,
    since: datetime.datetime | None = None,
    until: datetime.datetime | None = None,
) -> QuerySet[AuditEvent]:
    """The same filters with no permission check: for the command line only, whose user
    holds the database's keys anyway. Everything a user reaches goes through audit_events."""
    events = AuditEvent.objects.all()
    if document_id is not None:
        events = events.filter(document_id=document_id)
    if customer_id is not None:
        events = events.filter(customer_id=customer_id)
    if actor_id is not None:
        events = events.filter(actor_uid=actor_id)
    if actor_name:
        events = events.filter(actor_name=actor_name)
    if action:
        events = events.filter(action=action)
    if since is not None:
        events = events.filter(at__gte=since)
    if until is not None:
        events = events.filter(at__lt=until)
    return events.order_by("-seq")


def audit_alerts(*, user: AbstractBaseUser | AnonymousUser | None) -> QuerySet[AuditAlert]:
    if not can_read_audit(user):
        return AuditAlert.objects.none()
    return AuditAlert.objects.order_by("-at", "-id")


# Page views are left out of a customer's timeline: the web UI records one per visit, and they
# would bury what changed. So is what happens to an upload before it is filed (a retry, a
# dismissal): the timeline shows what was filed, as it never showed what was submitted.
TIMELINE_LEFT_OUT = (
    AuditEvent.Action.VIEW,
    AuditEvent.Action.SEARCH,
    AuditEvent.Action.INGEST_DISMISS,
    AuditEvent.Action.INGEST_RETRY,
)


def customer_timeline(
    *, user: AbstractBaseUser | AnonymousUser, customer_id: int
) -> QuerySet[AuditEvent]:
    """What happened to a customer and its documents, newest first, for whoever may see the
    customer (as a document's history is for whoever may see the document): events about the
    customer itself, and about those of its documents the user may see (trashed ones too; a
    merged-in document's older events as well). Successful actions only, page views left
    out. Each event carries `document_title` (None for events about the customer)."""
    from docket.access.models import Permission
    from docket.access.rules import customers_q
    from docket.customers.models import Customer
    from docket.documents.models import Document
    from docket.documents.selectors import visible_documents

    documents = visible_documents(user=user, content=False, include_trashed=True).filter(
        customer_id=customer_id
    )
    sees_customer = Customer.objects.filter(customers_q(user, Permission.VIEW), pk=customer_id)
    title = Document.all_objects.filter(pk=OuterRef("document_id")).values("title")[:1]
    return (
        AuditEvent.objects.filter(
            Q(customer_id=customer_id, document_id__isnull=True)
            | Q(document_id__in=documents.values("id")),
            Exists(sees_customer),
            outcome=AuditEvent.Outcome.SUCCESS,
        )
        .exclude(action__in=TIMELINE_LEFT_OUT)
        .annotate(document_title=Subquery(title))
        .order_by("-seq")
    )
