"""Signing in and out: one login service for sessions and tokens, logout, logout everywhere,
unlocking an account, and the password policy.

Audit: Django's `authenticate()` and `login()`/`logout()` announce failed logins, session
logins and session logouts through its auth signals, and the audit app records those
(docket.audit.auth_events). Everything those signals do not cover is recorded here by name:
a login for a token, a wrong second-factor code, a token logout, logout everywhere. So each
event is recorded once.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_noop as _
from django.utils.translation import ngettext_lazy
from django_otp.models import Device

from docket.access import rules
from docket.access import services as access_services
from docket.access.models import Capability, Level, Role, Team
from docket.accounts import clock, lockout, sessions, tokens, two_factor
from docket.accounts.errors import (
    AccountLocked,
    OtpInvalid,
    OtpRequired,
    TooManyAttempts,
    WrongCredentials,
)
from docket.accounts.models import ApiToken, LoginFailure
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.core.errors import Conflict, Forbidden, InvalidInput
from docket.core.notices import Notice

__all__ = [
    "LoginResult",
    "account_unlock",
    "locked_accounts",
    "login",
    "logout",
    "logout_everywhere",
    "password_check",
    "password_reset",
    "user_activate",
    "user_create",
    "user_deactivate",
]

SESSION = "session"
TOKEN = "token"


@dataclass(frozen=True)
class LoginResult:
    user: AbstractBaseUser
    two_factor: str  # two_factor.VERIFIED, NOT_ENABLED or ENROLMENT_REQUIRED
    token: ApiToken | None = None
    key: str = ""  # the token's key, shown once
    recovery_codes_left: int | None = None  # when a recovery code was used


def login(
    *,
    request: Any,
    username: str,
    password: str,
    otp_code: str | None = None,
    method: str = SESSION,
    token_name: str = "",
    token_days: int | None = None,
) -> LoginResult:
    """Check the password (the lockout and the throttle first, see lockout.py), then the
    second factor when the user has one; then start a session in `request`, or with
    `method=TOKEN` issue an API token. Refusals raise; they commit their failure first."""
    http = getattr(request, "_request", request)  # a DRF request wraps Django's
    ip = lockout.client_ip(http)
    user = auth.authenticate(http, username=username, password=password)
    if user is None:
        refusal = lockout.refusal(username=username, ip=ip)
        if refusal is None:
            raise WrongCredentials("wrong username or password")
        error = AccountLocked if refusal.kind == "account" else TooManyAttempts
        raise error(refusal.message)
    device = _second_factor(http, user, username=username, ip=ip, otp_code=otp_code)
    if device is not None:
        status = two_factor.VERIFIED
    elif two_factor.role_requires_2fa(user):
        status = two_factor.ENROLMENT_REQUIRED
    else:
        status = two_factor.NOT_ENABLED
    with transaction.atomic():
        lockout.failures_clear(username=username)
        if method == TOKEN:
            token, key = tokens.api_token_issue(
                user=user, name=token_name or "登录令牌", days=token_days
            )
            user.last_login = clock.now()
            user.save(update_fields=["last_login"])
            audit_record(
                action=AuditEvent.Action.LOGIN,
                actor=user,
                request=http,
                details={"method": TOKEN, "token": token.name, "two_factor": status},
            )
        else:
            token, key = None, ""
            if device is not None:
                user.otp_device = device  # type: ignore[attr-defined]  # django-otp keeps it
            auth.login(http, user)  # the audit app records the login from Django's signal
            sessions.session_started(http, user)
    return LoginResult(
        user=user,
        two_factor=status,
        token=token,
        key=key,
        recovery_codes_left=two_factor.recovery_codes_left(device) if device else None,
    )


def _second_factor(
    http: Any, user: AbstractBaseUser, *, username: str, ip: str | None, otp_code: str | None
) -> Device | None:
    if not two_factor.has_device(user):
        return None
    if not otp_code:
        raise OtpRequired(
            "enter the code from your authenticator app (or a recovery code)", field="otp_code"
        )
    device = two_factor.verify_code(user, otp_code)
    if device is not None:
        return device
    lockout.failure_record(username=username, ip=ip)
    audit_record(
        action=AuditEvent.Action.LOGIN_FAILED,
        outcome=AuditEvent.Outcome.FAILURE,
        request=http,
        details={"username": username[:150], "reason": "wrong_otp_code"},
    )
    refusal = lockout.refusal(username=username, ip=ip)
    if refusal is not None:
        error = AccountLocked if refusal.kind == "account" else TooManyAttempts
        raise error(refusal.message)
    raise OtpInvalid("wrong code", field="otp_code")


def logout(*, request: Any) -> None:
    """End what the request is signed in with: its token if it came with one (revoked),
    else its session."""
    http = getattr(request, "_request", request)
    token = getattr(request, "auth", None)
    user = request.user
    if isinstance(token, ApiToken):
        with transaction.atomic():
            tokens.api_token_revoke(actor=user, token=token)
            audit_record(
                action=AuditEvent.Action.LOGOUT,
                actor=user,
                request=http,
                details={"method": TOKEN, "token": token.name},
            )
        return
    sessions.session_forget(http)
    auth.logout(http)  # the audit app records the logout from Django's signal


@transaction.atomic
def logout_everywhere(*, request: Any) -> dict[str, int]:
    """End every session of the request's user and revoke every token of theirs."""
    http = getattr(request, "_request", request)
    user = request.user
    ended = sessions.sessions_end_all(user=user)
    revoked = tokens.api_tokens_revoke_all(user=user)
    if hasattr(http, "session"):
        http.session.flush()
    request.user = AnonymousUser()
    audit_record(
        action=AuditEvent.Action.LOGOUT,
        actor=user,
        request=http,
        details={"everywhere": True, "sessions": ended, "tokens": revoked},
    )
    return {"sessions": ended, "tokens": revoked}


@transaction.atomic
def account_unlock(
    *,
    actor: AbstractBaseUser | None,
    username: str = "",
    ip: str = "",
    request: Any = None,
) -> int:
    """Lift a lockout (forget the failed logins of a username) or an address's throttle.
    Needs `manage_users`. Returns how many failures were forgotten."""
    rules.check_capability(actor, Capability.MANAGE_USERS)
    if bool(username) == bool(ip):
        raise InvalidInput(Notice(_("give a username or an address (one of them)")))
    cleared = lockout.failures_clear(username=username, ip=ip or None)
    audit_record(
        action=AuditEvent.Action.PERMISSION_CHANGE,
        actor=actor,
        request=request,
        details={"change": "login_unlocked", "username": username, "address": ip},
    )
    return cleared


# Django 5.2 words the minimum-length refusal anew ("%d") and its Chinese catalogue lacks the
# new words; naming them here puts them in Docket's catalogue (locale/), which Django reads
# first, so the policy speaks Chinese whole.
_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)


def password_check(password: str, *, user: AbstractBaseUser | None = None) -> None:
    """The password policy (AUTH_PASSWORD_VALIDATORS): raise InvalidInput saying every rule
    the password breaks. Call it wherever our code sets a password."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="password") from error


@transaction.atomic
def user_create(
    *,
    actor: AbstractBaseUser | None,
    username: str,
    password: str,
    name: str = "",
    role: Role | None = None,
    team: Team | None = None,
    clearance: int = Level.INTERNAL,
) -> AbstractBaseUser:
    """A new account with an initial password (checked by the policy) and its place: role,
    team and clearance (set through access.services.member_set, which records it too)."""
    rules.check_capability(actor, Capability.MANAGE_USERS)
    model = get_user_model()
    username = username.strip()
    if not username:
        raise InvalidInput(Notice(_("a user needs a username")), field="username")
    user = model(username=username, first_name=name.strip()[:150])
    try:
        model._meta.get_field("username").run_validators(username)
    except ValidationError as error:
        raise InvalidInput(" ".join(error.messages), field="username") from error
    # Case-insensitively: 王芳 and a later WangFang/wangfang would be told apart by no one.
    if model.objects.filter(username__iexact=username).exists():
        raise Conflict(
            Notice(_("the username %(username)s is taken"), username=repr(username)),
            field="username",
        )
    password_check(password, user=user)
    user.set_password(password)
    user.save()
    audit_record(
        action=AuditEvent.Action.PERMISSION_CHANGE,
        actor=actor,
        details={"change": "user_created", "user": username},
    )
    access_services.member_set(actor=actor, user=user, role=role, team=team, clearance=clearance)
    return user


@transaction.atomic
def user_deactivate(*, actor: AbstractBaseUser | None, user: AbstractBaseUser) -> AbstractBaseUser:
    """Stop an account: it can no longer sign in, its sessions end and its tokens are
    revoked. Its documents, customers and audit events stay. Not for one's own account."""
    rules.check_capability(actor, Capability.MANAGE_USERS)
    if actor is not None and actor.pk == user.pk:
        raise Conflict(Notice(_("you cannot deactivate your own account")))
    if user.is_superuser and not (actor is None or actor.is_superuser):
        raise Forbidden(Notice(_("only a superuser may deactivate a superuser")))
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = sessions.sessions_end_all(user=user)
    revoked = tokens.api_tokens_revoke_all(user=user)
    rules.forget(user)
    audit_record(
        action=AuditEvent.Action.PERMISSION_CHANGE,
        actor=actor,
        details={
            "change": "user_deactivated",
            "user": user.get_username(),
            "sessions": ended,
            "tokens": revoked,
        },
    )
    return user


@transaction.atomic
def password_reset(
    *,
    actor: AbstractBaseUser | None,
    user: AbstractBaseUser,
    password: str,
    request: Any = None,
) -> AbstractBaseUser:
    """An administrator sets a new password for someone who lost theirs (checked by the
    policy). Whoever knew the old one is shut out: the user's sessions end, their tokens are
    revoked, and their failed logins are forgotten so the lockout does not hold them back."""
    rules.check_capability(actor, Capability.MANAGE_USERS)
    # Otherwise an administrator could take over a superuser's account by resetting it.
    if user.is_superuser and not (actor is None or actor.is_superuser):
        raise Forbidden(Notice(_("only a superuser may reset a superuser's password")))
    password_check(password, user=user)
    user.set_password(password)
    user.save(update_fields=["password"])
    ended = sessions.sessions_end_all(user=user)
    revoked = tokens.api_tokens_revoke_all(user=user)
    lockout.failures_clear(username=user.get_username())
    audit_record(
        action=AuditEvent.Action.SETTINGS_CHANGE,
        actor=actor,
        request=request,
        details={
            "change": "password_reset",
            "user": user.get_username(),
            "sessions": ended,
            "tokens": revoked,
        },
    )
    return user


@transaction.atomic
def user_activate(*, actor: AbstractBaseUser | None, user: AbstractBaseUser) -> AbstractBaseUser:
    """Let a deactivated account sign in again (with its old password)."""
    rules.check_capability(actor, Capability.MANAGE_USERS)
    user.is_active = True
    user.save(update_fields=["is_active"])
    rules.forget(user)
    audit_record(
        action=AuditEvent.Action.PERMISSION_CHANGE,
        actor=actor,
        details={"change": "user_activated", "user": user.get_username()},
    )
    return user


def locked_accounts(*, usernames: list[str]) -> dict[str, datetime.datetime]:
    """Which of these names are locked out now, and until when, in one query (for lists of
    users). The rule is lockout's: the last `count` failures within `minutes` of each other
    lock the name until `minutes` after the last of them."""
    rule = settings.DOCKET_LOGIN_LOCKOUT
    if not rule or not usernames:
        return {}
    count, minutes = rule
    window = datetime.timedelta(minutes=minutes)
    now = clock.now()
    # A lock needs its last failure within the window before now and `count` failures
    # within the window before that one: every failure that matters is younger than 2×.
    recent: dict[str, list[datetime.datetime]] = {}
    rows = LoginFailure.objects.filter(username__in=usernames, at__gt=now - 2 * window)
    for username, at in rows.order_by("username", "-at").values_list("username", "at"):
        recent.setdefault(username, []).append(at)
    locked = {}
    for username, times in recent.items():
        last = times[:count]
        if len(last) == count and last[0] - last[-1] <= window and last[0] + window > now:
            locked[username] = last[0] + window
    return locked
