"""Two-factor authentication: enrolment with a TOTP app, login with its code or a one-time
recovery code, and roles that require it."""

from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from django.test import Client
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from docket.access.models import Member
from docket.accounts import two_factor
from docket.accounts.models import LoginFailure
from tests.accounts.conftest import PASSWORD, enrol, login, totp
from tests.conftest import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(user, clock) -> APIClient:
    client = APIClient()
    assert login(client, "zhangwei", PASSWORD).status_code == 200
    return client


@pytest.fixture
def enrolled(signed_in, clock) -> tuple[str, list[str]]:
    return enrol(signed_in, clock)


def test_setup_gives_an_otpauth_uri_and_its_secret(signed_in, user):
    answer = signed_in.post("/api/auth/2fa/setup/").json()
    assert answer["otpauth_uri"].startswith("otpauth://totp/Docket%3Azhangwei?secret=")
    assert f"secret={answer['secret']}" in answer["otpauth_uri"]
    assert "issuer=Docket" in answer["otpauth_uri"]
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed  # nothing is asked at login before it is confirmed
    signed_in.post("/api/auth/logout/")
    assert login(APIClient(), "zhangwei", PASSWORD).json()["two_factor"] == "not_enabled"


def test_the_otpauth_uri_names_docket_and_a_chinese_username_url_encoded(db):
    enrolment = two_factor.two_factor_setup(user=user_with_role("张伟"))
    assert enrolment.uri.isascii()  # what a QR code carries and every app reads
    parts = urlsplit(enrolment.uri)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert parts.path == "/Docket%3A%E5%BC%A0%E4%BC%9F"
    assert unquote(parts.path) == "/Docket:张伟"  # issuer:account, the label apps show
    query = parse_qs(parts.query, strict_parsing=True)
    assert query == {
        "secret": [enrolment.secret],
        "algorithm": ["SHA1"],
        "digits": ["6"],
        "period": ["30"],
        "issuer": ["Docket"],
    }


def test_confirming_with_a_real_code_turns_it_on_and_gives_ten_recovery_codes(
    signed_in, user, clock
):
    secret = signed_in.post("/api/auth/2fa/setup/").json()["secret"]
    answer = signed_in.post("/api/auth/2fa/confirm/", {"code": totp(secret, clock)})
    assert answer.status_code == 200
    codes = answer.json()["recovery_codes"]
    assert len(codes) == len(set(codes)) == 10
    assert TOTPDevice.objects.get(user=user).confirmed


def test_a_wrong_code_does_not_confirm(signed_in, user, clock):
    signed_in.post("/api/auth/2fa/setup/")
    answer = signed_in.post("/api/auth/2fa/confirm/", {"code": "000000"})
    assert answer.status_code == 400
    assert answer.json()["error"]["fields"] == {"code": [answer.json()["error"]["message"]]}
    assert not TOTPDevice.objects.get(user=user).confirmed


def test_setup_twice_once_confirmed_is_a_conflict(signed_in, enrolled):
    assert signed_in.post("/api/auth/2fa/setup/").status_code == 409


def test_login_then_asks_for_the_code(enrolled, clock):
    answer = login(APIClient(), "zhangwei", PASSWORD)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "otp_required"
    assert not LoginFailure.objects.exists()  # the password was right: not a failure


def test_login_with_the_right_code_gets_in(enrolled, clock):
    secret, _ = enrolled
    client = APIClient()
    answer = login(client, "zhangwei", PASSWORD, otp_code=totp(secret, clock))
    assert answer.status_code == 200
    assert answer.json()["two_factor"] == "verified"
    assert client.get("/api/customers/").status_code == 200


def test_a_wrong_code_is_refused_and_counts_as_a_failed_login(enrolled, clock):
    answer = login(APIClient(), "zhangwei", PASSWORD, otp_code="123456")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "otp_invalid"
    assert LoginFailure.objects.filter(username="zhangwei").count() == 1


def test_five_wrong_codes_lock_the_account_even_for_the_right_code(enrolled, clock):
    secret, _ = enrolled
    answers = [login(APIClient(), "zhangwei", PASSWORD, otp_code="123456") for _ in range(5)]
    assert answers[-1].status_code == 423
    right = login(APIClient(), "zhangwei", PASSWORD, otp_code=totp(secret, clock))
    assert right.status_code == 423


def test_a_used_code_cannot_be_replayed(enrolled, clock):
    secret, _ = enrolled
    code = totp(secret, clock)
    assert login(APIClient(), "zhangwei", PASSWORD, otp_code=code).status_code == 200
    assert login(APIClient(), "zhangwei", PASSWORD, otp_code=code).status_code == 400


def test_a_recovery_code_works_once(enrolled, clock):
    _, codes = enrolled
    first = login(APIClient(), "zhangwei", PASSWORD, otp_code=codes[0].upper())
    assert first.status_code == 200
    assert first.json()["recovery_codes_left"] == 9
    again = login(APIClient(), "zhangwei", PASSWORD, otp_code=codes[0])
    assert again.status_code == 400 and again.json()["error"]["code"] == "otp_invalid"
    assert StaticToken.objects.count() == 9


def test_the_token_endpoint_asks_for_the_code_too(enrolled, clock):
    secret, _ = enrolled
    data = {"username": "zhangwei", "password": PASSWORD}
    assert APIClient().post("/api/auth/token/", data).json()["error"]["code"] == "otp_required"
    answer = APIClient().post("/api/auth/token/", data | {"otp_code": totp(secret, clock)})
    assert answer.status_code == 200 and answer.json()["two_factor"] == "verified"


def test_a_session_from_a_password_only_login_page_cannot_use_the_api(enrolled, clock):
    browser = Client()
    browser.post("/api-auth/login/", {"username": "zhangwei", "password": PASSWORD})
    answer = browser.get("/api/customers/")
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] == "2fa_required"


@pytest.fixture
def role_requires_2fa(user):
    role = Member.objects.get(user=user).role
    role.requires_2fa = True
    role.save()
    return role


def test_a_role_that_requires_2fa_lets_a_member_without_it_log_in_only_to_enrol(
    role_requires_2fa, clock
):
    client = APIClient()
    answer = login(client, "zhangwei", PASSWORD)
    assert answer.status_code == 200
    assert answer.json()["two_factor"] == "enrolment_required"
    assert "/api/auth/2fa/setup/" in answer.json()["message"]
    blocked = client.get("/api/customers/")
    assert blocked.status_code == 403
    assert blocked.json()["error"]["code"] == "2fa_required"
    enrol(client, clock)
    assert client.get("/api/customers/").status_code == 200


def test_a_token_of_a_member_who_must_enrol_works_only_for_enrolment(role_requires_2fa, clock):
    data = {"username": "zhangwei", "password": PASSWORD}
    token = APIClient().post("/api/auth/token/", data).json()
    assert token["two_factor"] == "enrolment_required"
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    blocked = client.get("/api/documents/")
    assert blocked.status_code == 403 and blocked.json()["error"]["code"] == "2fa_required"
    assert client.post("/api/auth/tokens/", {"name": "脚本"}).status_code == 403
    enrol(client, clock)
    assert client.get("/api/documents/").status_code == 200


def test_once_enrolled_a_member_of_such_a_role_logs_in_with_the_code(role_requires_2fa, clock):
    client = APIClient()
    login(client, "zhangwei", PASSWORD)
    secret, _ = enrol(client, clock)
    assert login(APIClient(), "zhangwei", PASSWORD).json()["error"]["code"] == "otp_required"
    answer = login(APIClient(), "zhangwei", PASSWORD, otp_code=totp(secret, clock))
    assert answer.json()["two_factor"] == "verified"
