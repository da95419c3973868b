"""The language a page is shown in: the signed-in user's saved choice, else the choice made on
the sign-in page (a cookie), else Chinese. The browser's Accept-Language is not asked: Docket
is a Chinese product first, and a person picks English once, for good."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from docket.accounts.preferences import LANGUAGE_CODES, language_of

__all__ = ["LanguageMiddleware"]


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = _language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


def _language_for(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and (chosen := language_of(user)):
        return chosen
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return cookie if cookie in LANGUAGE_CODES else settings.LANGUAGE_CODE
