"""SessionPolicyMiddleware: idle and absolute timeouts for sessions, and the two-factor gate
for signed-in sessions. Goes after AuthenticationMiddleware and django-otp's OTPMiddleware.

Token requests are not seen here (DRF authenticates them in the view): authentication.py
applies the same gate to them."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse

from docket.accounts import sessions, two_factor

__all__ = ["ENROLMENT_PATHS", "SessionPolicyMiddleware"]

# What a user who must still pass or enrol in two-factor authentication may reach.
ENROLMENT_PATHS = frozenset(
    {
        "/api/auth/login/",
        "/api/auth/token/",
        "/api/auth/logout/",
        "/api/auth/logout-everywhere/",
        "/api/auth/2fa/setup/",
        "/api/auth/2fa/confirm/",
        "/admin/login/",
        "/admin/logout/",
        "/api-auth/login/",
        "/api-auth/logout/",
        "/login/",
        "/logout/",
        "/2fa/",
        "/language/",
    }
)
TWO_FACTOR_PAGE = "/2fa/"  # where the web UI enrols


class SessionPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if not sessions.is_stamped(request):
                sessions.session_started(request, user)  # made by Django's own login views
            elif reason := sessions.expiry_reason(request):
                sessions.session_end(request, user, reason=reason)
                return self.get_response(request)
            else:
                sessions.session_touch(request, user)
            verified = getattr(user, "is_verified", lambda: False)()  # from OTPMiddleware
            blocked = two_factor.session_gate(user, verified=verified)
            if blocked and request.path_info not in ENROLMENT_PATHS:
                if not request.path_info.startswith("/api/"):
                    return HttpResponseRedirect(TWO_FACTOR_PAGE)
                return JsonResponse(
                    {"error": {"code": "2fa_required", "message": blocked}}, status=403
                )
        return self.get_response(request)
