"""Writing to the audit trail: `audit_record` is the only way in.

Call it from a service inside the service's own `transaction.atomic()`, as its last write: the
event then commits or rolls back with the action it describes. On PostgreSQL the append holds
an advisory lock until that transaction ends (that is what keeps the chain from forking), so
recording last keeps the time other writers wait short.

An event that must outlive what the caller does next — typically a denial, after which the
request raises and anything in its transaction rolls back — is recorded with `durable=True`
*before* raising: it commits at once, and Django refuses (RuntimeError) if the call is inside
another atomic block, where a later rollback would take the event with it.

What the chain protects, and what it does not: triggers refuse UPDATE and DELETE, and every
event carries the hash of the one before, so a quiet edit, deletion, reordering or insertion
is found by `docket audit verify` (verify.py). Someone with full rights over the database can
still drop the triggers and rebuild the whole chain and its anchor with fresh hashes; the chain
makes tampering evident, it cannot prevent a DBA from rewriting history. Keeping exported
copies (or the anchor's hash) somewhere else is what catches that.
"""

import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from docket.audit import alerts
from docket.audit.chain import CANONICAL_FIELDS, chain_hash, clean_details, clean_ip, clean_text
from docket.audit.context import current_request
from docket.audit.models import GENESIS_HASH, AuditEvent, AuditHead
from docket.core.errors import InvalidInput
from docket.core.notices import Notice

__all__ = ["AUDIT_LOCK_KEY", "audit_record", "denial_record"]

# pg_advisory_xact_lock's key for appending to the chain: "docketau" read as a 64-bit integer.
AUDIT_LOCK_KEY = 0x646F_636B_6574_6175
USER_AGENT_MAX = 500


def now() -> datetime.datetime:
    """The event's time (tests replace this to stage an evening or a burst)."""
    return timezone.now()


def audit_record(
    *,
    action: str,
    actor: AbstractBaseUser | AnonymousUser | None = None,
    outcome: str = AuditEvent.Outcome.SUCCESS,
    document_id: int | None = None,
    customer_id: int | None = None,
    request: HttpRequest | Any | None = None,
    details: dict[str, Any] | None = None,
    durable: bool = False,
) -> AuditEvent:
    """Append one event to the chain (and raise any alert it completes). `request`, if given,
    supplies the client's address (REMOTE_ADDR) and user agent; `details` is free JSON such as
    the search query or the fields an edit changed. Never put secrets in it."""
    if action not in AuditEvent.Action.values:
        raise InvalidInput(
            Notice(_("unknown audit action %(value)s"), value=repr(action)), field="action"
        )
    if outcome not in AuditEvent.Outcome.values:
        raise InvalidInput(
            Notice(_("unknown audit outcome %(value)s"), value=repr(outcome)), field="outcome"
        )
    user = actor if actor is not None and actor.is_authenticated else None
    request = request if request is not None else current_request.get()
    meta = getattr(request, "META", None) or {}
    event = AuditEvent(
        actor=user,
        actor_uid=user.pk if user is not None else None,
        actor_name=clean_text(user.get_username() if user is not None else "", 150),
        action=action,
        outcome=outcome,
        document_id=None if document_id is None else int(document_id),
        customer_id=None if customer_id is None else int(customer_id),
        ip=clean_ip(meta.get("REMOTE_ADDR")),
        user_agent=clean_text(_header_text(meta.get("HTTP_USER_AGENT")), USER_AGENT_MAX),
        details=clean_details(details),
    )
    with transaction.atomic(durable=durable):
        _append(event)
        alerts.check_event(event)
    return event


def denial_record(*, request: Any, document_id: int | None = None) -> None:
    """A refused request (a 403), from the API or a page: a look refused is a view, anything
    else an edit. The request then ends with the 403, so the event commits on its own."""
    audit_record(
        action=AuditEvent.Action.VIEW
        if request.method in ("GET", "HEAD")
        else AuditEvent.Action.EDIT,
        actor=request.user,
        outcome=AuditEvent.Outcome.DENIED,
        document_id=document_id,
        details={"method": request.method, "path": request.path[:300]},
    )


def _append(event: AuditEvent) -> None:
    """Give the event the next seq and link it to the head; move the head. Runs inside a
    transaction that holds the chain's lock from here until it ends."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])
    # On SQLite, settings use BEGIN IMMEDIATE: the transaction already holds the write lock.
    head = AuditHead.objects.filter(pk=1).first()
    if head is None:
        # A new trail, or (should the anchor ever be missing) continue from the last event.
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = last if last else (0, GENESIS_HASH)
    else:
        seq, prev_hash = head.seq, head.hash
    event.seq = seq + 1
    event.prev_hash = prev_hash
    event.at = now()
    event.hash = chain_hash({name: getattr(event, name) for name in CANONICAL_FIELDS})
    event.save(force_insert=True)
    if head is None:
        AuditHead.objects.create(pk=1, seq=event.seq, hash=event.hash)
    else:
        AuditHead.objects.filter(pk=1).update(seq=event.seq, hash=event.hash)


def _header_text(value: str | None) -> str:
    """A WSGI server hands headers over as latin-1 text; a browser sends UTF-8, so a Chinese
    user agent arrives as mojibake. Undo that when it is what happened."""
    if not value:
        return ""
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value
