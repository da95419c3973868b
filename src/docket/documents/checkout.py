"""Check-out (检出) and check-in (检入): a lock while one person edits a document. Others cannot
add versions, restore, change its details or tags, or delete it until it is checked in or
expires (services._check_not_locked_by_other); a permission allows a forced check-in."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from docket.access.models import Permission
from docket.access.rules import may_document
from docket.audit.models import AuditEvent
from docket.core.errors import Conflict, Forbidden, InvalidInput, Locked
from docket.core.notices import Notice
from docket.documents.models import Checkout, Document
from docket.documents.services import record


def active_checkout(document: Document) -> Checkout | None:
    return (
        Checkout.objects.select_related("user")
        .filter(document=document, expires_at__gt=timezone.now())
        .first()
    )


def holder(lock: Checkout) -> dict[str, str]:
    """Who holds the lock and until when, as a refusal names them (UTC: the API's sentence
    has always given the time so)."""
    return {"user": str(lock.user), "until": f"{lock.expires_at:%Y-%m-%d %H:%M}"}


@transaction.atomic
def document_checkout(
    *, actor: AbstractBaseUser, document: Document, hours: float | None = None, note: str = ""
) -> Checkout:
    hours = settings.CHECKOUT_DEFAULT_HOURS if hours is None else hours
    if not 0 < hours <= 24 * 30:
        raise InvalidInput(
            Notice(_("a check-out lasts between a minute and 30 days")), field="hours"
        )
    Document.objects.select_for_update().filter(pk=document.pk).first()
    lock = active_checkout(document)
    if lock is not None and lock.user_id != actor.pk:
        raise Locked(Notice(_("already checked out by %(user)s until %(until)s"), **holder(lock)))
    Checkout.objects.filter(document=document).delete()  # an expired lock, or renewing one's own
    lock = Checkout.objects.create(
        document=document,
        user=actor,
        note=note,
        expires_at=timezone.now() + datetime.timedelta(hours=hours),
    )
    record(AuditEvent.Action.CHECKOUT, actor, document, hours=hours)
    return lock


@transaction.atomic
def document_checkin(*, actor: AbstractBaseUser, document: Document, force: bool = False) -> None:
    lock = active_checkout(document)
    if lock is None:
        raise Conflict(Notice(_("this document is not checked out")))
    if lock.user_id != actor.pk:
        if not force:
            raise Locked(
                Notice(_("checked out by %(user)s; only they can check it in"), user=str(lock.user))
            )
        if not may_document(actor, Permission.MANAGE, document.pk):
            raise Forbidden("you may not force a check-in")
    lock.delete()
    record(AuditEvent.Action.CHECKIN, actor, document, forced=lock.user_id != actor.pk)
