"""Signing in and out of the web UI, two-factor authentication, and the language choice."""

import re

import pytest
from django.test import Client

from docket.accounts.models import Preference
from tests.accounts.conftest import PASSWORD, clock, totp  # noqa: F401  (clock is a fixture)

pytestmark = pytest.mark.django_db


def sign_in(client: Client, password: str = PASSWORD, **extra: str):
    data = {"username": "zhangwei", "password": password, **extra}
    return client.post("/login/", data)


def test_pages_need_a_signed_in_user(client):
    for path in ("/", "/documents/", "/customers/", "/upload/", "/manage/"):
        answer = client.get(path)
        assert answer.status_code == 302 and answer["Location"].startswith("/login/?next=")


def test_the_sign_in_page_is_chinese_whatever_the_browser_asks(client):
    answer = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert answer.status_code == 200
    assert '<html lang="zh-hans">' in answer.content.decode()
    assert "登录" in answer.content.decode()


def test_signing_in_goes_to_the_page_asked_for(client, user):
    answer = client.post(
        "/login/", {"username": "zhangwei", "password": PASSWORD, "next": "/documents/"}
    )
    assert answer.status_code == 302 and answer["Location"] == "/documents/"
    assert client.get("/").status_code == 200


def test_signing_in_never_sends_the_user_to_another_site(client, user):
    answer = client.post(
        "/login/", {"username": "zhangwei", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert answer["Location"] == "/"


def test_a_wrong_password_is_refused_and_starts_no_session(client, user):
    answer = sign_in(client, password="not-the-password")
    assert "用户名或密码错误。" in answer.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_signing_out_takes_a_post_and_ends_the_session(client, user):
    sign_in(client)
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/")["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_an_account_with_two_factor_is_asked_for_its_code(client, user, clock):  # noqa: F811
    from docket.accounts import two_factor

    secret = two_factor.two_factor_setup(user=user).secret
    two_factor.two_factor_confirm(user=user, code=totp(secret, clock))
    clock.advance(seconds=30)
    first = sign_in(client)
    page = first.content.decode()
    assert "请输入身份验证器应用中的验证码" in page and 'name="otp_code"' in page
    assert client.get("/").status_code == 302  # the password alone signs nobody in
    wrong = sign_in(client, otp_code="000000")
    assert "验证码不正确" in wrong.content.decode()
    right = sign_in(client, otp_code=totp(secret, clock))
    assert right.status_code == 302
    assert client.get("/").status_code == 200


def test_a_role_that_requires_two_factor_sends_the_member_to_enrol(client, user, clock):  # noqa: F811
    role = user.member.role
    role.requires_2fa = True
    role.save()
    answer = sign_in(client)
    assert answer["Location"] == "/2fa/"
    assert client.get("/documents/")["Location"] == "/2fa/"  # nothing else until enrolled
    page = client.get("/2fa/").content.decode()
    secret = re.search(r'class="secret">([A-Z2-7]+)<', page).group(1)
    wrong = client.post("/2fa/", {"code": "000000"}).content.decode()
    assert f'class="secret">{secret}<' in wrong  # the same key again, not a new one
    done = client.post("/2fa/", {"code": totp(secret, clock)}).content.decode()
    assert len(re.findall(r"<li><code>", done)) == 10  # the recovery codes, shown once
    assert client.get("/documents/").status_code == 200


def test_a_wrong_code_while_enrolling_is_refused_in_chinese(client, user):
    sign_in(client)
    client.get("/2fa/")
    page = client.post("/2fa/", {"code": "000000"}).content.decode()
    assert "验证码不正确：请输入身份验证器应用中显示的验证码" in page
    assert "wrong code" not in page


def test_the_language_chosen_is_kept_for_the_user(client, user):
    sign_in(client)
    answer = client.post("/language/", {"language": "en", "next": "/documents/"})
    assert answer["Location"] == "/documents/"
    assert Preference.objects.get(user=user).language == "en"
    other_browser = Client()
    sign_in(other_browser)
    page = other_browser.get("/").content.decode()
    assert '<html lang="en">' in page and "Dashboard" in page


def test_an_unknown_language_changes_nothing(client, user):
    sign_in(client)
    client.post("/language/", {"language": "xx"})
    assert not Preference.objects.filter(user=user).exists()
    assert '<html lang="zh-hans">' in client.get("/").content.decode()


def test_the_language_can_be_chosen_before_signing_in(client):
    client.post("/language/", {"language": "en", "next": "/login/"})
    assert "Sign in" in client.get("/login/").content.decode()


def language_options(page: str) -> list[str]:
    menu = page.split('<select id="language"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'lang="([\w-]+)">([^<]+)</option>', menu)


def test_each_language_in_the_menu_is_named_in_its_own_language(client, user):
    named = [("zh-hans", "简体中文"), ("en", "English")]
    assert language_options(client.get("/login/").content.decode()) == named
    client.post("/language/", {"language": "en", "next": "/login/"})
    assert language_options(client.get("/login/").content.decode()) == named
    sign_in(client)
    assert language_options(client.get("/").content.decode()) == named  # chosen: English
    client.post("/language/", {"language": "zh-hans"})
    assert language_options(client.get("/").content.decode()) == named


def test_the_user_menu_leads_to_two_factor_setup_whatever_the_role(client, user):
    sign_in(client)
    page = client.get("/").content.decode()
    account = page.split('<div class="account">', 1)[1].split("</div>", 1)[0]
    assert re.search(r'<a href="/2fa/"\s*>双因素认证</a>', account)
    assert client.get("/2fa/").status_code == 200
    assert 'href="/2fa/" aria-current="page"' in client.get("/2fa/").content.decode()
