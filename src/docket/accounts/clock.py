"""The time sign-in rules read (lockout windows, session timeouts, token expiry). Tests
replace `now` to move the clock instead of sleeping."""

import datetime

from django.utils import timezone

__all__ = ["now"]


def now() -> datetime.datetime:
    return timezone.now()
