"""Signing in (with a second factor when the account has one), out, enrolling in two-factor
authentication (required by some roles, open to everyone), and choosing the UI language."""

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from docket.accounts import services, two_factor
from docket.accounts.errors import OtpInvalid, OtpRequired
from docket.accounts.preferences import LANGUAGE_CODES, language_set
from docket.core.errors import DocketError
from docket.web.errors import message_for
from docket.web.qr import qr_svg


class LoginForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=True))
    otp_code = forms.CharField(label=_("Verification code"), required=False, max_length=20)


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), max_length=20)


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request)
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url)
    form = LoginForm(request.POST or None)
    error, needs_code = "", False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = services.login(
                request=request,
                username=data["username"],
                password=data["password"],
                otp_code=data["otp_code"] or None,
            )
        except DocketError as refusal:
            error = message_for(refusal)
            needs_code = isinstance(refusal, OtpRequired | OtpInvalid)
        else:
            if result.two_factor == two_factor.ENROLMENT_REQUIRED:
                return redirect("web:two-factor")
            return redirect(next_url)
    return render(
        request,
        "web/login.html",
        {"form": form, "error": error, "needs_code": needs_code, "next": next_url},
    )


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return settings.LOGIN_REDIRECT_URL


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.logout(request=request)
    return redirect("web:login")


@login_required
def two_factor_view(request: HttpRequest) -> HttpResponse:
    """Enrolment: a QR code of the otpauth:// URI to scan with an authenticator app (and its
    secret, for typing in), then a code from the app, then the recovery codes, shown once."""
    if two_factor.has_device(request.user):
        return render(request, "web/two_factor.html", {"enabled": True})
    form = CodeForm(request.POST or None)
    codes, error = [], ""
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.two_factor_confirm(
                user=request.user, code=form.cleaned_data["code"], request=request
            )
        except DocketError as refusal:
            error = message_for(refusal)
    if codes:
        return render(request, "web/two_factor.html", {"enabled": True, "codes": codes})
    enrolment = (error and two_factor.pending_enrolment(request.user)) or (
        two_factor.two_factor_setup(user=request.user)
    )
    context = {
        "form": form,
        "enrolment": enrolment,
        "qr": qr_svg(enrolment.uri, label=str(_("QR code to scan with an authenticator app"))),
        "required": two_factor.role_requires_2fa(request.user),
        "error": error,
    }
    return render(request, "web/two_factor.html", context)


@require_POST
def language_view(request: HttpRequest) -> HttpResponse:
    """Switch the UI language: saved for the user when signed in, and in a cookie for the
    sign-in page."""
    language = request.POST.get("language", "")
    next_url = _safe_next(request)
    response = HttpResponseRedirect(next_url)
    if language not in LANGUAGE_CODES:
        return response
    if request.user.is_authenticated:
        language_set(user=request.user, language=language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax"
    )
    return response
