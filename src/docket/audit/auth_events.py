"""Logins, logouts and failed logins, recorded from Django's auth signals (connected in
apps.py, which says why signals are used here and nowhere else)."""

from typing import Any

from django.contrib.auth import get_user_model

from docket.audit.models import AuditEvent
from docket.audit.services import audit_record

__all__ = ["on_login", "on_login_failed", "on_logout"]


def on_login(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    audit_record(action=AuditEvent.Action.LOGIN, actor=user, request=request)


def on_logout(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    if user is None:  # logging out a session that was not logged in
        return
    audit_record(action=AuditEvent.Action.LOGOUT, actor=user, request=request)


def on_login_failed(
    sender: Any, credentials: dict[str, Any] | None = None, request: Any = None, **kwargs: Any
) -> None:
    # Only the name that was tried: the credentials also hold the password (Django masks it,
    # but nothing but the username belongs in the trail).
    field = get_user_model().USERNAME_FIELD
    attempted = str((credentials or {}).get(field) or (credentials or {}).get("username") or "")
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        outcome=AuditEvent.Outcome.FAILURE,
        request=request,
        details={"username": attempted[:150]},
    )
