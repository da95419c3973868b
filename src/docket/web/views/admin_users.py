"""Helping a user who is locked out of their own account (`manage_users`): an administrator
sets a new password, or resets two-factor authentication when the authenticator is lost.

Both go through services that check the capability, end the user's sessions and record an
audit event: docket.accounts.services.password_reset and two_factor.two_factor_reset.
Included by admin_access.py, whose user page shows the forms.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from docket.accounts import services as account_services
from docket.accounts import two_factor
from docket.core.errors import DocketError
from docket.web.views.admin_access import (
    MANAGE_USERS,
    PasswordForm,
    _user_or_404,
    user_page,
)
from docket.web.views.administration import form_refusal, requires


@require_POST
@requires(MANAGE_USERS)
def password_view(request: HttpRequest, user_id: int) -> HttpResponse:
    """Set a new password; a refused one shows the user's page again with the reasons."""
    person = _user_or_404(user_id)
    form = PasswordForm(request.POST)
    if form.is_valid():
        try:
            account_services.password_reset(
                actor=request.user,
                user=person,
                password=form.cleaned_data["password"],
                request=request,
            )
        except DocketError as error:
            form_refusal(form, error)  # the policy's reasons, on the password field
        else:
            messages.success(
                request,
                _("The new password is set. %(name)s was signed out everywhere.")
                % {"name": person.username},
            )
            return redirect("web:admin-user", user_id=person.pk)
    return user_page(request, person, password_form=form)


@require_POST
@requires(MANAGE_USERS)
def two_factor_reset_view(request: HttpRequest, user_id: int) -> HttpResponse:
    person = _user_or_404(user_id)
    try:
        two_factor.two_factor_reset(actor=request.user, user=person, request=request)
    except DocketError as error:
        if error.status_code == 403:
            raise  # the refusal page (requires)
        messages.error(request, _("This account does not use two-factor authentication."))
    else:
        messages.success(
            request,
            _(
                "Two-factor authentication was reset. %(name)s signs in with the password "
                "alone and can set it up again."
            )
            % {"name": person.username},
        )
    return redirect("web:admin-user", user_id=person.pk)


urlpatterns = [
    path("users/<int:user_id>/password/", password_view, name="admin-user-password"),
    path("users/<int:user_id>/2fa-reset/", two_factor_reset_view, name="admin-user-2fa-reset"),
]
