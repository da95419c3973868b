"""Cheap rules run on each new event (audit_record calls `check_event` in its transaction).

A rule that fires makes an AuditAlert row and, once the transaction commits, mails the site's
ADMINS (Django's mail_admins: nothing is sent while settings.ADMINS is empty). Each rule looks
only at the event just recorded and an indexed count over its window, so recording stays a
few queries. The same rule does not fire twice for the same subject within its window.

Settings (None turns a rule off):
- DOCKET_ALERT_DOWNLOADS = (N, M): more than N successful downloads by one user in M minutes.
- DOCKET_ALERT_FAILED_LOGINS = (K, M): more than K failed logins for one username, or from
  one IP address, in M minutes.
- DOCKET_ALERT_WORKING_HOURS = ("08:00", "20:00", (0, 1, 2, 3, 4)): a view, preview or
  download outside these hours (settings.TIME_ZONE; weekdays 0 = Monday) raises an alert, at
  most one per user per OFF_HOURS_QUIET.
"""

import datetime
import functools
import zoneinfo
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import mail_admins
from django.db import transaction
from django.db.models import Count, Min, QuerySet

from docket.audit.chain import clean_text
from docket.audit.models import AuditAlert, AuditEvent

__all__ = ["OFF_HOURS_QUIET", "check_event"]

Action = AuditEvent.Action
ACCESS_ACTIONS = {Action.VIEW, Action.PREVIEW, Action.DOWNLOAD}
OFF_HOURS_QUIET = datetime.timedelta(hours=12)  # about one alert per user per night
DEFAULTS = {
    "DOCKET_ALERT_DOWNLOADS": (50, 10),
    "DOCKET_ALERT_FAILED_LOGINS": (5, 15),
    "DOCKET_ALERT_WORKING_HOURS": ("08:00", "20:00", (0, 1, 2, 3, 4)),
}


def _setting(name: str) -> tuple | None:
    return getattr(settings, name, DEFAULTS[name])


def check_event(event: AuditEvent) -> list[AuditAlert]:
    raised: list[AuditAlert] = []
    if event.action == Action.DOWNLOAD and event.outcome == AuditEvent.Outcome.SUCCESS:
        raised += _too_many_downloads(event)
    if event.action == Action.LOGIN_FAILED:
        raised += _too_many_failed_logins(event)
    if event.action in ACCESS_ACTIONS:
        raised += _off_hours(event)
    for alert in raised:
        transaction.on_commit(functools.partial(_mail, alert.kind, alert.message))
    return raised


def _too_many_downloads(event: AuditEvent) -> list[AuditAlert]:
    rule = _setting("DOCKET_ALERT_DOWNLOADS")
    if rule is None or event.actor_uid is None:
        return []
    limit, minutes = rule
    window = datetime.timedelta(minutes=minutes)
    events = AuditEvent.objects.filter(
        actor_uid=event.actor_uid,
        action=Action.DOWNLOAD,
        outcome=AuditEvent.Outcome.SUCCESS,
        at__gt=event.at - window,
        at__lte=event.at,
    )

    def message(count: int) -> str:
        return f"{event.actor_name} downloaded {count} documents within {minutes} minutes"

    return _fire(event, AuditAlert.Kind.DOWNLOADS, event.actor_name, events, limit, window, message)


def _too_many_failed_logins(event: AuditEvent) -> list[AuditAlert]:
    rule = _setting("DOCKET_ALERT_FAILED_LOGINS")
    if rule is None:
        return []
    limit, minutes = rule
    window = datetime.timedelta(minutes=minutes)
    failures = AuditEvent.objects.filter(
        action=Action.LOGIN_FAILED, at__gt=event.at - window, at__lte=event.at
    )
    raised = []
    username = str(event.details.get("username") or "")
    if username:
        same_name = failures.filter(details__username=username)
        raised += _fire(
            event,
            AuditAlert.Kind.FAILED_LOGINS,
            username,
            same_name,
            limit,
            window,
            lambda count: f"{count} failed logins for user {username!r} within {minutes} minutes",
        )
    if event.ip:
        raised += _fire(
            event,
            AuditAlert.Kind.FAILED_LOGINS,
            event.ip,
            failures.filter(ip=event.ip),
            limit,
            window,
            lambda count: f"{count} failed logins from {event.ip} within {minutes} minutes",
        )
    return raised


def _off_hours(event: AuditEvent) -> list[AuditAlert]:
    hours = _setting("DOCKET_ALERT_WORKING_HOURS")
    if hours is None or event.actor_uid is None:
        return []
    start, end, weekdays = hours
    local = event.at.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    clock = local.strftime("%H:%M")
    if local.weekday() in weekdays and start <= clock < end:
        return []
    if _recently_alerted(AuditAlert.Kind.OFF_HOURS, event.actor_name, event.at - OFF_HOURS_QUIET):
        return []
    alert = AuditAlert.objects.create(
        kind=AuditAlert.Kind.OFF_HOURS,
        user_id=event.actor_id,
        subject=event.actor_name,
        message=(
            f"{event.actor_name}: {event.action} at {local:%Y-%m-%d %H:%M} ({local:%A}), "
            f"outside working hours {start}–{end}"
        ),
        at=event.at,
        first_seq=event.seq,
        last_seq=event.seq,
    )
    return [alert]


def _fire(
    event: AuditEvent,
    kind: str,
    subject: str,
    events: QuerySet[AuditEvent],
    limit: int,
    window: datetime.timedelta,
    describe: Callable[[int], str],
) -> list[AuditAlert]:
    """An alert when `events` (the event's window) number more than `limit`, unless this rule
    already fired for this subject within the window."""
    subject = clean_text(subject, 150)
    seen = events.aggregate(count=Count("seq"), first=Min("seq"))
    if seen["count"] <= limit or _recently_alerted(kind, subject, event.at - window):
        return []
    user_id = event.actor_id
    if kind == AuditAlert.Kind.FAILED_LOGINS and subject != event.ip:
        user_id = get_user_model().objects.filter(username=subject).values_list("pk", flat=True)
        user_id = user_id.first()
    alert = AuditAlert.objects.create(
        kind=kind,
        user_id=user_id,
        subject=subject,
        message=describe(seen["count"]),
        at=event.at,
        first_seq=seen["first"],
        last_seq=event.seq,
    )
    return [alert]


def _recently_alerted(kind: str, subject: str, since: datetime.datetime) -> bool:
    return AuditAlert.objects.filter(kind=kind, subject=subject, at__gt=since).exists()


def _mail(kind: str, message: str) -> None:
    # A mail server that is down must not turn an audited action into an error.
    mail_admins(f"Docket audit alert: {AuditAlert.Kind(kind).label}", message, fail_silently=True)
