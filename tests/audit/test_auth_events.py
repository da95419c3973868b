"""Logins, logouts and failed logins through Django's own views land in the trail."""

import json

import pytest
from django.test import Client
from rest_framework.test import APIClient

from docket.audit.models import AuditEvent
from tests.audit.conftest import CHROME_UA

pytestmark = pytest.mark.django_db

PASSWORD = "pw-张伟-123"


@pytest.fixture
def user(user):
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])
    return user


def browser() -> Client:
    return Client(HTTP_USER_AGENT=CHROME_UA, REMOTE_ADDR="192.168.1.23")


def test_a_login_is_recorded_with_the_address_and_browser(user):
    response = browser().post(
        "/api-auth/login/", {"username": "zhangwei", "password": PASSWORD, "next": "/api/"}
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.actor, event.actor_name) == (
        "login",
        "success",
        user,
        "zhangwei",
    )
    assert (event.ip, event.user_agent) == ("192.168.1.23", CHROME_UA)


def test_a_logout_is_recorded(user):
    client = browser()
    client.post("/api-auth/login/", {"username": "zhangwei", "password": PASSWORD})
    client.post("/api-auth/logout/")
    assert list(AuditEvent.objects.order_by("seq").values_list("action", "actor_name")) == [
        ("login", "zhangwei"),
        ("logout", "zhangwei"),
    ]


def test_logging_out_when_not_logged_in_records_nothing(db):
    browser().post("/api-auth/logout/")
    assert not AuditEvent.objects.exists()


def test_a_failed_login_records_the_name_tried_and_never_the_password(user):
    wrong = "错误的密码-secret"
    response = browser().post("/api-auth/login/", {"username": "zhangwei", "password": wrong})
    assert response.status_code == 200  # the form again, with its error
    event = AuditEvent.objects.get()
    assert (event.action, event.outcome, event.actor) == ("login_failed", "failure", None)
    assert event.details == {"username": "zhangwei"}
    assert event.ip == "192.168.1.23"
    stored = json.dumps(list(AuditEvent.objects.values()), default=str, ensure_ascii=False)
    assert wrong not in stored and "********" not in stored


def test_a_failed_login_for_a_name_that_does_not_exist_is_recorded_too(db):
    browser().post("/api-auth/login/", {"username": "不存在的用户", "password": "x"})
    assert AuditEvent.objects.get().details == {"username": "不存在的用户"}


def test_a_failed_token_request_is_recorded_as_a_failed_login(user):
    response = APIClient().post(
        "/api/auth/token/", {"username": "zhangwei", "password": "wrong"}, REMOTE_ADDR="10.1.1.1"
    )
    assert response.status_code == 400
    event = AuditEvent.objects.get()
    assert (event.action, event.details, event.ip) == (
        "login_failed",
        {"username": "zhangwei"},
        "10.1.1.1",
    )
