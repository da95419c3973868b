"""The sign-in refusals, in the API's one error shape (docket.core.errors)."""

from docket.core.errors import DocketError, InvalidInput

__all__ = ["AccountLocked", "OtpInvalid", "OtpRequired", "TooManyAttempts", "WrongCredentials"]


class WrongCredentials(InvalidInput):
    code = "invalid"


class AccountLocked(DocketError):
    status_code = 423
    code = "account_locked"


class TooManyAttempts(DocketError):
    status_code = 429
    code = "too_many_attempts"


class OtpRequired(DocketError):
    code = "otp_required"


class OtpInvalid(DocketError):
    code = "otp_invalid"
