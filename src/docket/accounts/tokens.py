"""API tokens that expire and can be revoked. The key is 32 random bytes (URL-safe base64);
only its SHA-256 is stored, so a copy of the database holds no usable key.

`api_token_issue` makes one and records nothing: its callers record what happened (the login
service a login, `api_token_create` the creation, a test or a benchmark nothing)."""

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_noop as _

from docket.accounts import clock
from docket.accounts.models import ApiToken
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.core.errors import Forbidden, InvalidInput
from docket.core.notices import Notice

__all__ = [
    "api_token_create",
    "api_token_find",
    "api_token_issue",
    "api_token_revoke",
    "api_tokens_revoke_all",
    "key_hash",
]

TOUCH_EVERY = datetime.timedelta(minutes=1)  # last_used_at is this precise, at one write a minute


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_issue(
    *, user: AbstractBaseUser, name: str, days: int | None = None
) -> tuple[ApiToken, str]:
    """A new token for `user`, valid for `days` (default DOCKET_TOKEN_DEFAULT_DAYS, at most
    DOCKET_TOKEN_MAX_DAYS). Returns the token and its key, which is not stored anywhere."""
    days = settings.DOCKET_TOKEN_DEFAULT_DAYS if days is None else days
    if not 1 <= days <= settings.DOCKET_TOKEN_MAX_DAYS:
        raise InvalidInput(
            Notice(_("a token lasts 1 to %(days)s days"), days=settings.DOCKET_TOKEN_MAX_DAYS),
            field="days",
        )
    name = name.strip()
    if not name:
        raise InvalidInput(Notice(_("give the token a name")), field="name")
    key = secrets.token_urlsafe(32)
    now = clock.now()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        key_hash=key_hash(key),
        prefix=key[:8],
        created_at=now,
        expires_at=now + datetime.timedelta(days=days),
    )
    return token, key


@transaction.atomic
def api_token_create(
    *,
    actor: AbstractBaseUser,
    user: AbstractBaseUser,
    name: str,
    days: int | None = None,
    request: HttpRequest | None = None,
) -> tuple[ApiToken, str]:
    """A user makes a token for themselves (POST /api/auth/tokens/)."""
    if actor.pk != user.pk:
        raise Forbidden(Notice(_("you may make tokens only for yourself")))
    token, key = api_token_issue(user=user, name=name, days=days)
    _record(actor, request, change="token_created", token=token)
    return token, key


@transaction.atomic
def api_token_revoke(
    *, actor: AbstractBaseUser, token: ApiToken, request: HttpRequest | None = None
) -> ApiToken:
    if actor.pk != token.user_id:
        raise Forbidden(Notice(_("you may revoke only your own tokens")))
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        _record(actor, request, change="token_revoked", token=token)
    return token


def api_tokens_revoke_all(*, user: AbstractBaseUser) -> int:
    """Revoke every live token of the user (log out everywhere). Returns how many."""
    live = ApiToken.objects.filter(user=user, revoked_at__isnull=True)
    return live.update(revoked_at=clock.now())


def api_token_find(key: str) -> tuple[ApiToken | None, str]:
    """The live token with this key, or None and why not. Notes its use (once a minute)."""
    token = (
        ApiToken.objects.select_related("user", "user__member__role")
        .filter(key_hash=key_hash(key))
        .first()
    )
    now = clock.now()
    if token is None:
        return None, "invalid token"
    if token.revoked_at is not None:
        return None, "this token has been revoked"
    if token.expires_at <= now:
        return None, "this token has expired"
    if not token.user.is_active:
        return None, "user inactive or deleted"
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token, ""


def _record(actor: AbstractBaseUser, request: HttpRequest | None, *, change: str, token: ApiToken):
    audit_record(
        action=AuditEvent.Action.SETTINGS_CHANGE,
        actor=actor,
        request=request,
        details={"change": change, "token": token.name, "token_id": token.pk},
    )
