"""The authentication backend: Django's ModelBackend behind the lockout (lockout.py).

Every password check goes through it — the login service, Django's admin login and the
browsable API's login alike — so none of them is a way around the lockout. Refusing raises
PermissionDenied, which makes `authenticate()` stop and report the attempt as a failed login
(the audit trail records it from that signal, see docket.audit.auth_events)."""

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied

from docket.accounts import lockout

__all__ = ["LockoutBackend"]


class LockoutBackend(ModelBackend):
    def authenticate(
        self,
        request: Any,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> AbstractBaseUser | None:
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        ip = lockout.client_ip(request)
        if lockout.refusal(username=username, ip=ip) is not None:
            raise PermissionDenied
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            lockout.failure_record(username=username, ip=ip)
        return user
