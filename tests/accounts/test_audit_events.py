"""Each login, failed login and logout is in the audit trail exactly once, whichever way it
came (Django's signals record some, the login service the rest)."""

import pytest
from rest_framework.test import APIClient

from docket.audit.models import AuditEvent
from tests.accounts.conftest import PASSWORD, enrol, login

pytestmark = pytest.mark.django_db

CHROME_UA = "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 中文版"


def sign_in_events() -> list[tuple[str, str, dict]]:
    rows = AuditEvent.objects.filter(action__in=["login", "logout", "login_failed"])
    return list(rows.order_by("seq").values_list("action", "outcome", "details"))


def test_a_session_login_and_logout_are_recorded_once_each(user, clock):
    client = APIClient(HTTP_USER_AGENT=CHROME_UA)
    login(client, "zhangwei", PASSWORD, ip="192.168.1.23")
    client.post("/api/auth/logout/")
    assert sign_in_events() == [("login", "success", {}), ("logout", "success", {})]
    event = AuditEvent.objects.get(action="login")
    assert (event.actor, event.ip, event.user_agent) == (user, "192.168.1.23", CHROME_UA)


def test_a_token_login_is_recorded_once_with_its_method(user, clock):
    APIClient().post("/api/auth/token/", {"username": "zhangwei", "password": PASSWORD})
    assert sign_in_events() == [
        ("login", "success", {"method": "token", "token": "登录令牌", "two_factor": "not_enabled"})
    ]


def test_a_wrong_password_is_recorded_once_with_the_name_tried(user, clock):
    login(APIClient(), "zhangwei", "错误的密码")
    assert sign_in_events() == [("login_failed", "failure", {"username": "zhangwei"})]


def test_a_refusal_while_locked_is_recorded_as_a_failed_login(user, clock):
    for _ in range(6):
        login(APIClient(), "zhangwei", "错误的密码")
    assert len(sign_in_events()) == 6


def test_a_wrong_second_factor_code_is_recorded_with_its_reason(user, clock):
    client = APIClient()
    login(client, "zhangwei", PASSWORD)
    enrol(client, clock)
    login(APIClient(), "zhangwei", PASSWORD, otp_code="000000")
    assert sign_in_events()[-1] == (
        "login_failed",
        "failure",
        {"username": "zhangwei", "reason": "wrong_otp_code"},
    )
    assert AuditEvent.objects.filter(details__change="2fa_enabled").count() == 1
