"""Lockout and throttling of failed logins, counted in the database (LoginFailure), so every
process and every test sees the same counts.

- An account: `DOCKET_LOGIN_LOCKOUT = (5, 15)` — 5 failures for one username within 15
  minutes lock that name for 15 minutes after the last of them.
- An address: `DOCKET_LOGIN_IP_THROTTLE = (20, 15)` — 20 failures from one client address
  within 15 minutes refuse every login from it for 15 minutes after the last of them.

While refused, the password is not even checked (so the right one does not get in) and no
further failure is counted (so the lock ends on time). `None` turns a rule off.
"""

import datetime
import ipaddress
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from docket.accounts import clock
from docket.accounts.models import LoginFailure

__all__ = ["Refusal", "client_ip", "failure_record", "failures_clear", "refusal"]


@dataclass(frozen=True)
class Refusal:
    kind: str  # "account" or "address"
    until: datetime.datetime

    @property
    def message(self) -> str:
        at = timezone.localtime(self.until).strftime("%H:%M")
        if self.kind == "account":
            return f"account locked until {at} after too many failed logins"
        return f"too many failed logins from this address: try again after {at}"


def client_ip(request: Any) -> str | None:
    value = (getattr(request, "META", None) or {}).get("REMOTE_ADDR") or ""
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def refusal(*, username: str, ip: str | None) -> Refusal | None:
    """Why a login for this name from this address is refused now, if it is."""
    now = clock.now()
    rule = settings.DOCKET_LOGIN_LOCKOUT
    if rule and (until := _blocked_until(_of_name(username), rule, now)):
        return Refusal("account", until)
    rule = settings.DOCKET_LOGIN_IP_THROTTLE
    if rule and ip and (until := _blocked_until(LoginFailure.objects.filter(ip=ip), rule, now)):
        return Refusal("address", until)
    return None


def failure_record(*, username: str, ip: str | None) -> None:
    now = clock.now()
    LoginFailure.objects.filter(at__lt=now - 2 * _longest_window()).delete()
    LoginFailure.objects.create(username=username[:150], ip=ip, at=now)


def failures_clear(*, username: str = "", ip: str | None = None) -> int:
    """Forget the failures of a name (after a successful login, or to unlock it) or of an
    address. Returns how many were forgotten."""
    rows = LoginFailure.objects.none()
    if username:
        rows = _of_name(username)
    elif ip:
        rows = LoginFailure.objects.filter(ip=ip)
    return rows.delete()[0]


def _of_name(username: str) -> QuerySet[LoginFailure]:
    return LoginFailure.objects.filter(username=username[:150])


def _blocked_until(
    failures: QuerySet[LoginFailure], rule: tuple[int, int], now: datetime.datetime
) -> datetime.datetime | None:
    """Blocked when the last `count` failures fall within `minutes` of each other, until
    `minutes` after the last of them."""
    count, minutes = rule
    window = datetime.timedelta(minutes=minutes)
    recent = list(failures.order_by("-at").values_list("at", flat=True)[:count])
    if len(recent) < count or recent[0] - recent[-1] > window:
        return None
    until = recent[0] + window
    return until if until > now else None


def _longest_window() -> datetime.timedelta:
    rules = [settings.DOCKET_LOGIN_LOCKOUT, settings.DOCKET_LOGIN_IP_THROTTLE]
    return datetime.timedelta(minutes=max([rule[1] for rule in rules if rule] or [0]))
