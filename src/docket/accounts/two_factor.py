"""Two-factor authentication with TOTP (django-otp's TOTPDevice) and one-time recovery codes
(a StaticDevice holding 10 StaticTokens, each deleted when used).

- Enrolment: `two_factor_setup` makes an unconfirmed device and hands out its secret and
  otpauth:// URI; `two_factor_confirm` with a code from the app confirms it and returns the
  recovery codes (shown once).
- Login asks for a code once the user has a confirmed device (services.login).
- A role with `requires_2fa` obliges its members: until they have a device they may only
  enrol (and log out); `gate` says so for each request (middleware.py for sessions,
  authentication.py for tokens).

Wrong codes at login count as failed logins (lockout.py); django-otp's own per-device delay
is off (OTP_*_THROTTLE_FACTOR = 0 in settings), so there is one rule with one message.
"""

from base64 import b32encode
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_noop as _
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from docket.access import rules
from docket.access.models import Capability, Member
from docket.accounts import sessions
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.core.errors import Conflict, Forbidden, InvalidInput
from docket.core.notices import Notice

__all__ = [
    "ENROLMENT_REQUIRED",
    "NOT_ENABLED",
    "VERIFIED",
    "Enrolment",
    "has_device",
    "pending_enrolment",
    "recovery_codes_left",
    "role_requires_2fa",
    "session_gate",
    "token_gate",
    "two_factor_confirm",
    "two_factor_reset",
    "two_factor_setup",
    "verify_code",
]

# What a login says about the second factor:
VERIFIED = "verified"  # it was asked for and given
ENROLMENT_REQUIRED = "enrolment_required"  # the role requires it and there is no device yet
NOT_ENABLED = "not_enabled"
RECOVERY_CODES = 10
REQUIRED_MESSAGE = (
    "your role requires two-factor authentication: enrol at /api/auth/2fa/setup/ "
    "and /api/auth/2fa/confirm/ first"
)
UNVERIFIED_MESSAGE = (
    "this account uses two-factor authentication: log in at /api/auth/login/ with your code"
)


@dataclass(frozen=True)
class Enrolment:
    secret: str  # base32, for typing into an app
    uri: str  # otpauth://totp/…, for a QR code


def has_device(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()


def role_requires_2fa(user: AbstractBaseUser) -> bool:
    """Uses the user's member and role if already loaded (token authentication joins them)."""
    if not get_user_model().member.is_cached(user):  # type: ignore[attr-defined]
        return Member.objects.filter(user_id=user.pk, role__requires_2fa=True).exists()
    try:
        member = user.member  # type: ignore[attr-defined]
    except ObjectDoesNotExist:
        return False
    return member.role is not None and member.role.requires_2fa


def session_gate(user: AbstractBaseUser, *, verified: bool) -> str | None:
    """Why a signed-in session may do nothing but enrol or log out, or None. `verified`:
    the session passed a second factor (django-otp's `user.is_verified()`)."""
    if verified or not user.is_authenticated:
        return None
    if has_device(user):  # signed in without the code, e.g. through Django's login pages
        return UNVERIFIED_MESSAGE
    return REQUIRED_MESSAGE if role_requires_2fa(user) else None


def token_gate(user: AbstractBaseUser) -> str | None:
    """The same for a token: tokens are issued only after the second factor, or to a user
    who has none yet, who then may only enrol."""
    if role_requires_2fa(user) and not has_device(user):
        return REQUIRED_MESSAGE
    return None


def verify_code(user: AbstractBaseUser, code: str) -> Device | None:
    """The confirmed device that accepts this code (a TOTP code, or a recovery code, which
    is then used up), or None."""
    code = "".join(code.split()).replace("-", "").lower()
    if not code:
        return None
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=True, for_verify=True):
            if device.verify_token(code):
                return device
    return None


def recovery_codes_left(device: Device) -> int | None:
    if isinstance(device, StaticDevice):
        return device.token_set.count()
    return None


@transaction.atomic
def two_factor_setup(*, user: AbstractBaseUser) -> Enrolment:
    if has_device(user):
        raise Conflict(Notice(_("two-factor authentication is already on for this account")))
    TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).delete()
    device = TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)
    return Enrolment(secret=b32encode(device.bin_key).decode(), uri=device.config_url)


def pending_enrolment(user: AbstractBaseUser) -> Enrolment | None:
    """The enrolment set up last and not yet confirmed, to show again after a wrong code."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("-id").first()
    if device is None:
        return None
    return Enrolment(secret=b32encode(device.bin_key).decode(), uri=device.config_url)


@transaction.atomic
def two_factor_confirm(
    *, user: AbstractBaseUser, code: str, request: HttpRequest | None = None
) -> list[str]:
    """Confirm the device set up last with a code from it; returns the recovery codes. A
    session that confirms counts as verified from then on."""
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user_id=user.pk, confirmed=False)
        .order_by("-id")
        .first()
    )
    if device is None:
        raise Conflict(Notice(_("nothing to confirm: start at /api/auth/2fa/setup/")))
    if not device.verify_token("".join(code.split())):
        raise InvalidInput(
            Notice(_("wrong code: enter the code your authenticator app shows")), field="code"
        )
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    session = getattr(request, "session", None)
    if session is not None and getattr(request, "user", None) is not None:
        otp_login(request, device)
    audit_record(
        action=AuditEvent.Action.SETTINGS_CHANGE,
        actor=user,
        request=request,
        details={"change": "2fa_enabled"},
    )
    return codes


def _new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    StaticDevice.objects.filter(user_id=user.pk).delete()
    device = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODES:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return sorted(codes)


@transaction.atomic
def two_factor_reset(
    *, actor: AbstractBaseUser | None, user: AbstractBaseUser, request: HttpRequest | None = None
) -> int:
    """For a user who lost their authenticator: delete their TOTP and recovery-code devices,
    so that they sign in with the password alone and enrol again (at once if their role
    requires it). Their sessions end, since those were verified with the lost device; their
    tokens stay (token_gate limits them to enrolling when the role requires two-factor).
    Returns how many sessions ended."""
    rules.check_capability(actor, Capability.MANAGE_USERS)
    # Together with a known password this would open a superuser's account to an administrator.
    if user.is_superuser and not (actor is None or actor.is_superuser):
        raise Forbidden(
            Notice(_("only a superuser may reset a superuser's two-factor authentication"))
        )
    if not has_device(user):
        raise Conflict(Notice(_("this account does not use two-factor authentication")))
    TOTPDevice.objects.filter(user_id=user.pk).delete()
    StaticDevice.objects.filter(user_id=user.pk).delete()  # its tokens go with it (cascade)
    ended = sessions.sessions_end_all(user=user)
    audit_record(
        action=AuditEvent.Action.SETTINGS_CHANGE,
        actor=actor,
        request=request,
        details={"change": "2fa_reset", "user": user.get_username(), "sessions": ended},
    )
    return ended
