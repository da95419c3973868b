"""Browser sessions: when they started and were last used (stored in the session itself),
and which sessions a user has (LoginSession), so that all of them can be ended at once.

- Idle timeout: a session unused for DOCKET_SESSION_IDLE_MINUTES (30) ends.
- Absolute timeout: a session older than DOCKET_SESSION_MAX_HOURS (12) ends, used or not.
Both are enforced by middleware.SessionPolicyMiddleware on every request.
"""

import datetime
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from docket.accounts import clock
from docket.accounts.models import LoginSession
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record

__all__ = [
    "expiry_reason",
    "is_stamped",
    "session_end",
    "session_forget",
    "session_started",
    "session_touch",
    "sessions_end_all",
]

LOGIN_AT = "docket_login_at"
SEEN_AT = "docket_seen_at"
KEY = "docket_session_key"  # the key registered in LoginSession (Django may cycle keys)
TOUCH_EVERY = 60  # seconds: the last-seen time is this precise, at one session write a minute


def session_started(request: Any, user: AbstractBaseUser) -> None:
    """Stamp a freshly logged-in (or not yet stamped) session and register it."""
    now = clock.now()
    session = request.session
    session[LOGIN_AT] = session[SEEN_AT] = int(now.timestamp())
    _register(request, user)
    max_age = datetime.timedelta(hours=settings.DOCKET_SESSION_MAX_HOURS)
    LoginSession.objects.filter(user_id=user.pk, created_at__lt=now - max_age).delete()


def session_touch(request: Any, user: AbstractBaseUser) -> None:
    """Note that the session was used now (at most once a minute)."""
    session = request.session
    now = int(clock.now().timestamp())
    if now - session.get(SEEN_AT, 0) >= TOUCH_EVERY:
        session[SEEN_AT] = now
    if session.session_key and session.get(KEY) != session.session_key:
        _register(request, user)


def expiry_reason(request: Any) -> str | None:
    """Why the session has run out ("idle_timeout", "absolute_timeout"), or None. Idle time
    is counted from the last touch, so it is precise to a minute (TOUCH_EVERY)."""
    session = request.session
    now = clock.now().timestamp()
    if now - session.get(LOGIN_AT, now) > settings.DOCKET_SESSION_MAX_HOURS * 3600:
        return "absolute_timeout"
    if now - session.get(SEEN_AT, now) > settings.DOCKET_SESSION_IDLE_MINUTES * 60:
        return "idle_timeout"
    return None


def is_stamped(request: Any) -> bool:
    return LOGIN_AT in request.session


@transaction.atomic
def session_end(request: Any, user: AbstractBaseUser, *, reason: str) -> None:
    """End the request's session without Django's logout signal, recording why."""
    _forget(request.session.session_key)
    request.session.flush()
    request.user = AnonymousUser()
    audit_record(
        action=AuditEvent.Action.LOGOUT, actor=user, request=request, details={"reason": reason}
    )


def sessions_end_all(*, user: AbstractBaseUser) -> int:
    """Delete every registered session of the user from the session store. Returns how many."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = list(LoginSession.objects.filter(user_id=user.pk).values_list("session_key", flat=True))
    for key in keys:
        store(session_key=key).delete()
    LoginSession.objects.filter(user_id=user.pk).delete()
    return len(keys)


def session_forget(request: Any) -> None:
    _forget(request.session.session_key)


def _register(request: Any, user: AbstractBaseUser) -> None:
    session = request.session
    if session.session_key is None:
        session.save()
    if session.get(KEY) and session[KEY] != session.session_key:
        _forget(session[KEY])
    session[KEY] = session.session_key
    LoginSession.objects.update_or_create(
        session_key=session.session_key,
        defaults={"user_id": user.pk, "created_at": clock.now()},
    )


def _forget(session_key: str | None) -> None:
    if session_key:
        LoginSession.objects.filter(session_key=session_key).delete()
