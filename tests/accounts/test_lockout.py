"""Failed logins lock the account (5 within 15 minutes: 15 minutes) and throttle the address
(20 within 15 minutes), for every way of logging in; administrators can unlock."""

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from docket.access import seeds
from docket.accounts.models import LoginFailure
from tests.accounts.conftest import PASSWORD, login
from tests.conftest import client_for, user_with_role

pytestmark = pytest.mark.django_db


def fail(times: int, username: str = "zhangwei", ip: str = "192.168.1.23") -> list:
    return [login(APIClient(), username, "错误的密码", ip=ip) for _ in range(times)]


def test_four_wrong_passwords_are_only_wrong_passwords(user, clock):
    answers = fail(4)
    assert {a.status_code for a in answers} == {400}
    assert answers[-1].json()["error"]["message"] == "wrong username or password"
    assert login(APIClient(), "zhangwei", PASSWORD).status_code == 200


def test_the_fifth_failure_locks_the_account_until_a_stated_time(user, clock):
    *_, fifth = fail(5)
    assert fifth.status_code == 423
    until = timezone.localtime(clock.now + datetime.timedelta(minutes=15))  # Shanghai time
    assert fifth.json()["error"] == {
        "code": "account_locked",
        "message": f"account locked until {until:%H:%M} after too many failed logins",
    }


def test_the_right_password_does_not_get_in_while_locked(user, clock):
    fail(5)
    clock.advance(minutes=14)
    refused = login(APIClient(), "zhangwei", PASSWORD)
    assert refused.status_code == 423
    assert refused.json()["error"]["message"].startswith("account locked until")


def test_the_lock_ends_fifteen_minutes_after_the_last_failure(user, clock):
    fail(5)
    clock.advance(minutes=15, seconds=1)
    assert login(APIClient(), "zhangwei", PASSWORD).status_code == 200


def test_failures_spread_over_more_than_the_window_do_not_lock(user, clock):
    for _ in range(5):
        fail(1)
        clock.advance(minutes=4)
    assert login(APIClient(), "zhangwei", PASSWORD).status_code == 200


def test_a_successful_login_starts_the_count_again(user, clock):
    fail(4)
    assert login(APIClient(), "zhangwei", PASSWORD).status_code == 200
    assert fail(4)[-1].status_code == 400


def test_a_name_that_does_not_exist_locks_the_same_way(db, clock):
    assert fail(5, username="不存在的用户")[-1].status_code == 423


def test_the_lockout_also_guards_djangos_own_login_pages(user, clock):
    fail(5)
    browser = Client(REMOTE_ADDR="192.168.1.23")
    page = browser.post("/api-auth/login/", {"username": "zhangwei", "password": PASSWORD})
    assert page.status_code == 200  # the form again: not logged in
    assert browser.get("/api/customers/").status_code in {401, 403}


def test_the_token_endpoint_is_locked_too(user, clock):
    fail(5)
    answer = APIClient().post(
        "/api/auth/token/", {"username": "zhangwei", "password": PASSWORD}, format="json"
    )
    assert answer.status_code == 423


def test_twenty_failures_from_one_address_throttle_it_for_every_name(user, other_user, clock):
    for i in range(20):
        fail(1, username=f"猜测用户{i}", ip="10.0.0.9")
    refused = login(APIClient(), "zhangwei", PASSWORD, ip="10.0.0.9")
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "too_many_attempts"
    assert login(APIClient(), "zhangwei", PASSWORD, ip="10.0.0.10").status_code == 200
    clock.advance(minutes=16)
    assert login(APIClient(), "lina", "pw-李娜-123", ip="10.0.0.9").status_code == 200


def test_an_administrator_unlocks_an_account_over_the_api(user, admin_user, clock):
    fail(5)
    answer = client_for(admin_user).post(
        "/api/auth/unlock/", {"username": "zhangwei"}, format="json"
    )
    assert answer.status_code == 200 and answer.json() == {"cleared": 5}
    assert login(APIClient(), "zhangwei", PASSWORD).status_code == 200


def test_an_administrator_unlocks_an_address_over_the_api(user, admin_user, clock):
    for i in range(20):
        fail(1, username=f"猜测用户{i}", ip="10.0.0.9")
    client_for(admin_user).post("/api/auth/unlock/", {"address": "10.0.0.9"}, format="json")
    assert login(APIClient(), "zhangwei", PASSWORD, ip="10.0.0.9").status_code == 200


def test_only_those_who_manage_users_may_unlock(user, clock):
    sales = user_with_role("wangfang", seeds.SALES)
    fail(5)
    answer = client_for(sales).post("/api/auth/unlock/", {"username": "zhangwei"}, format="json")
    assert answer.status_code == 403
    assert LoginFailure.objects.filter(username="zhangwei").count() == 5


def test_docket_unlock_username_lifts_the_lock(user, clock, capsys):
    fail(5)
    call_command("unlock", "zhangwei")
    assert "Unlocked account 'zhangwei' (5 failed logins forgotten)" in capsys.readouterr().out
    assert login(APIClient(), "zhangwei", PASSWORD).status_code == 200
