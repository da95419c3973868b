"""Sessions end after 30 idle minutes or 12 hours in all; cookies are HttpOnly, SameSite=Lax,
and Secure when Docket is served over HTTPS; logging out ends them, everywhere if asked."""

import importlib.util

import pytest
from rest_framework.test import APIClient

from docket.accounts.models import ApiToken, LoginSession
from docket.audit.models import AuditEvent
from tests.accounts.conftest import PASSWORD, login
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(user, clock) -> APIClient:
    client = APIClient()
    assert login(client, "zhangwei", PASSWORD).status_code == 200
    return client


def test_a_session_survives_twenty_nine_idle_minutes(signed_in, clock):
    clock.advance(minutes=29)
    assert signed_in.get("/api/customers/").status_code == 200


def test_a_session_idle_for_thirty_one_minutes_has_ended(signed_in, user, clock):
    clock.advance(minutes=31)
    assert signed_in.get("/api/customers/").status_code == 401
    ended = AuditEvent.objects.get(action="logout")
    assert (ended.actor, ended.details) == (user, {"reason": "idle_timeout"})
    assert not LoginSession.objects.exists()


def test_use_keeps_a_session_alive_until_the_absolute_limit(settings, signed_in, clock):
    settings.DOCKET_SESSION_MAX_HOURS = 1
    for _ in range(3):
        clock.advance(minutes=20)
        assert signed_in.get("/api/customers/").status_code == 200
    clock.advance(minutes=1)
    assert signed_in.get("/api/customers/").status_code == 401
    assert AuditEvent.objects.get(action="logout").details == {"reason": "absolute_timeout"}


def test_the_idle_limit_is_a_setting(settings, signed_in, clock):
    settings.DOCKET_SESSION_IDLE_MINUTES = 5
    clock.advance(minutes=6)
    assert signed_in.get("/api/customers/").status_code == 401


def test_the_session_cookie_is_httponly_and_samesite_lax(user, clock):
    answer = login(APIClient(), "zhangwei", PASSWORD)
    cookie = answer.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["secure"]  # DOCKET_HTTPS is off in tests
    assert "csrftoken" in answer.cookies  # for the X-CSRFToken header of later writes


def test_docket_https_makes_the_cookies_secure(monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKET_HTTPS", "true")
    monkeypatch.setenv("DOCKET_DATA_DIR", str(tmp_path))
    spec = importlib.util.find_spec("docket.settings")
    fresh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fresh)
    assert fresh.SESSION_COOKIE_SECURE and fresh.CSRF_COOKIE_SECURE
    assert (fresh.SESSION_COOKIE_SAMESITE, fresh.SESSION_COOKIE_HTTPONLY) == ("Lax", True)


def test_the_login_page_accepts_json_only(user):
    answer = APIClient().post(
        "/api/auth/login/", {"username": "zhangwei", "password": PASSWORD}, format="multipart"
    )
    assert answer.status_code == 415  # a cross-site form cannot log a browser in


def test_logout_ends_the_session(signed_in):
    assert signed_in.post("/api/auth/logout/").status_code == 204
    assert signed_in.get("/api/customers/").status_code == 401
    assert not LoginSession.objects.exists()


def test_logout_with_a_token_revokes_that_token(user, clock):
    data = {"username": "zhangwei", "password": PASSWORD}
    key = APIClient().post("/api/auth/token/", data).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.post("/api/auth/logout/").status_code == 204
    assert client.get("/api/customers/").status_code == 401


def test_logout_everywhere_ends_every_session_and_revokes_every_token(user, other_user, clock):
    office, home = APIClient(), APIClient()
    login(office, "zhangwei", PASSWORD)
    login(home, "zhangwei", PASSWORD, ip="10.8.0.2")
    script = client_for(user)
    colleague = client_for(other_user)
    answer = office.post("/api/auth/logout-everywhere/")
    assert answer.status_code == 200
    assert answer.json() == {"sessions": 2, "tokens": 1}
    for client in (office, home, script):
        assert client.get("/api/customers/").status_code == 401
    assert colleague.get("/api/customers/").status_code == 200
    assert not ApiToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    event = AuditEvent.objects.get(action="logout")
    assert event.details == {"everywhere": True, "sessions": 2, "tokens": 1}
