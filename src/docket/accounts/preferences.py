"""A user's UI language: saved per user, so it follows them from one browser to the next."""

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser

from docket.accounts.models import Preference
from docket.core.errors import InvalidInput

__all__ = ["LANGUAGE_CODES", "language_of", "language_set"]

LANGUAGE_CODES = frozenset(code for code, _ in settings.LANGUAGES)


def language_of(user: AbstractBaseUser) -> str | None:
    """The language the user chose, or None when they never chose one."""
    cached = getattr(user, "_docket_language", False)
    if cached is False:
        cached = Preference.objects.filter(user=user).values_list("language", flat=True).first()
        user._docket_language = cached  # type: ignore[attr-defined]  # one query a request
    return cached


def language_set(*, user: AbstractBaseUser, language: str) -> None:
    if language not in LANGUAGE_CODES:
        raise InvalidInput(f"unknown language {language!r}", field="language")
    Preference.objects.update_or_create(user=user, defaults={"language": language})
    user._docket_language = language  # type: ignore[attr-defined]
