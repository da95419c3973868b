"""Shared by the sign-in tests: a movable clock (lockout windows, session timeouts, token
expiry and TOTP codes all read it), real TOTP codes computed from a device's secret, and
logins through the API."""

import datetime
import types
from base64 import b32decode
from collections.abc import Iterator

import pytest
from django.utils import timezone
from django_otp.oath import TOTP
from rest_framework.test import APIClient

from docket.accounts import clock as accounts_clock

PASSWORD = "pw-张伟-123"  # the shared `user` fixture's (tests/conftest.py)


class Clock:
    def __init__(self) -> None:
        self.now = timezone.now().replace(microsecond=0)

    def advance(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Iterator[Clock]:
    """Time for docket.accounts and for django-otp's TOTP check, moved by `advance`."""
    moving = Clock()
    monkeypatch.setattr(accounts_clock, "now", lambda: moving.now)
    monkeypatch.setattr(
        "django_otp.plugins.otp_totp.models.time",
        types.SimpleNamespace(time=lambda: moving.now.timestamp()),
    )
    yield moving


def totp(secret: str, clock: Clock) -> str:
    """The code an authenticator app shows for this base32 secret at the clock's time."""
    generator = TOTP(b32decode(secret))
    generator.time = clock.now.timestamp()
    return f"{generator.token():06d}"


def login(
    client: APIClient, username: str, password: str, *, ip: str = "192.168.1.23", **extra: str
):
    """POST /api/auth/login/ (a session login) from the address `ip`."""
    data = {"username": username, "password": password, **extra}
    return client.post("/api/auth/login/", data, format="json", REMOTE_ADDR=ip)


def enrol(client: APIClient, clock: Clock) -> tuple[str, list[str]]:
    """Set up and confirm a TOTP device as the client's user: (secret, recovery codes).
    Moves the clock past the code it used, so the next code is a fresh one."""
    secret = client.post("/api/auth/2fa/setup/").json()["secret"]
    confirmed = client.post("/api/auth/2fa/confirm/", {"code": totp(secret, clock)})
    assert confirmed.status_code == 200, confirmed.json()
    clock.advance(seconds=30)
    return secret, confirmed.json()["recovery_codes"]
