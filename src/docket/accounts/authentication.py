"""DRF authentication by API token (`Authorization: Token <key>`), for tokens.ApiToken: an
unknown, expired or revoked key is 401. A user whose role requires two-factor authentication
and who has not enrolled gets 403 "2fa_required" everywhere but enrolment and logout."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from docket.accounts import two_factor
from docket.accounts.middleware import ENROLMENT_PATHS
from docket.accounts.models import ApiToken
from docket.accounts.tokens import api_token_find

__all__ = ["ApiTokenAuthentication", "TwoFactorRequired"]


class TwoFactorRequired(exceptions.PermissionDenied):
    default_code = "2fa_required"


class ApiTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[AbstractBaseUser, ApiToken] | None:
        found = super().authenticate(request)
        if found is None:
            return None
        user, token = found
        blocked = two_factor.token_gate(user)
        if blocked and request._request.path_info not in ENROLMENT_PATHS:
            raise TwoFactorRequired(blocked)
        return user, token

    def authenticate_credentials(self, key: Any) -> tuple[AbstractBaseUser, ApiToken]:
        token, why = api_token_find(str(key))
        if token is None:
            raise exceptions.AuthenticationFailed(why)
        return token.user, token
