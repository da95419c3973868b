"""Services raise errors with English messages for the API and the CLI; a page shows the
user's language. Known refusals get a sentence written for the page; any other shows its
message, translated when it is a Notice (docket.core.notices)."""

from django.utils.translation import gettext as _

from docket.accounts import errors as account_errors
from docket.core.errors import DocketError, TooLarge
from docket.core.notices import translated
from docket.documents.services import max_upload_bytes

__all__ = ["message_for"]


def message_for(error: DocketError) -> str:
    if isinstance(error, account_errors.WrongCredentials):
        return _("Wrong username or password.")
    if isinstance(error, account_errors.AccountLocked):
        return _(
            "This account is locked after too many failed attempts. Try again in 15 minutes "
            "or ask an administrator to unlock it."
        )
    if isinstance(error, account_errors.TooManyAttempts):
        return _("Too many failed attempts from this computer. Try again in 15 minutes.")
    if isinstance(error, account_errors.OtpRequired):
        return _("Enter the code from your authenticator app, or a recovery code.")
    if isinstance(error, account_errors.OtpInvalid):
        return _("That code is not right. Try the newest code from your app.")
    if isinstance(error, TooLarge):
        return _("The file is larger than the limit of %(limit)s MB.") % {
            "limit": max_upload_bytes() // 2**20
        }
    if error.status_code == 403:
        return _("You do not have permission to do this.")
    if error.status_code == 404:
        return _("Not found, or you do not have permission to see it.")
    return translated(error.message)
