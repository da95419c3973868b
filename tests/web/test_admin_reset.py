"""An administrator helps a user back into their account (/manage/users/<id>/): a new
password, or a new start for two-factor authentication when the authenticator is lost."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from docket.access import seeds
from docket.accounts import lockout, two_factor
from docket.accounts.models import ApiToken, LoginSession
from docket.audit.models import AuditEvent
from tests.accounts.conftest import clock, totp  # noqa: F401  (clock is a fixture)
from tests.conftest import client_for, user_with_role
from tests.web.conftest import shot
from tests.web.conftest import sign_in as sign_in_browser

pytestmark = pytest.mark.django_db
User = get_user_model()
OLD = "pw-王芳-12345"
NEW = "春天的上海-2023"
ADMIN_PASSWORD = "pw-管理员-12345"


@pytest.fixture
def admin_client(client) -> Client:
    client.force_login(user_with_role("itadmin", role=seeds.ADMINISTRATOR))
    return client


@pytest.fixture
def person(db):
    return user_with_role("wangfang", role=seeds.SALES, password=OLD)


def sign_in(password: str, **extra: str):
    """A fresh browser signing in as wangfang: (the answer, the browser)."""
    browser = Client()
    answer = browser.post("/login/", {"username": "wangfang", "password": password, **extra})
    return answer, browser


def resets() -> list[dict]:
    events = AuditEvent.objects.filter(action=AuditEvent.Action.SETTINGS_CHANGE).order_by("seq")
    return [e.details for e in events if e.details.get("change", "").endswith("_reset")]


def with_two_factor(user, clock) -> str:  # noqa: F811
    secret = two_factor.two_factor_setup(user=user).secret
    two_factor.two_factor_confirm(user=user, code=totp(secret, clock))
    clock.advance(seconds=30)
    return secret


def test_a_new_password_signs_the_user_in_and_the_old_one_no_longer(admin_client, person):
    _, theirs = sign_in(OLD)
    assert theirs.get("/").status_code == 200
    api = client_for(person)
    for _ in range(3):
        lockout.failure_record(username="wangfang", ip="10.0.0.9")
    answer = admin_client.post(
        f"/manage/users/{person.pk}/password/", {"password": NEW, "confirmation": NEW}
    )
    assert answer.status_code == 302 and answer["Location"] == f"/manage/users/{person.pk}/"
    assert "新密码已设置" in admin_client.get(answer["Location"]).content.decode()
    assert theirs.get("/").status_code == 302  # their old session has ended
    assert not LoginSession.objects.filter(user=person).exists()
    assert api.get("/api/customers/").status_code == 401  # and their token is revoked
    assert not ApiToken.objects.filter(user=person, revoked_at__isnull=True).exists()
    assert not lockout._of_name("wangfang").exists()  # the failures are forgotten
    assert sign_in(OLD)[0].status_code == 200  # refused: the form again
    assert sign_in(NEW)[0]["Location"] == "/"
    [event] = resets()
    assert event == {"change": "password_reset", "user": "wangfang", "sessions": 1, "tokens": 1}
    assert AuditEvent.objects.get(details__change="password_reset").actor_name == "itadmin"


def test_a_weak_password_is_refused_in_chinese_and_changes_nothing(admin_client, person):
    _, theirs = sign_in(OLD)
    answer = admin_client.post(
        f"/manage/users/{person.pk}/password/", {"password": "12345678", "confirmation": "12345678"}
    )
    page = answer.content.decode()
    assert answer.status_code == 200
    assert "密码长度太短。密码必须包含至少 10 个字符。" in page and "这个密码太常见了。" in page
    assert 'aria-invalid="true"' in page
    assert theirs.get("/").status_code == 200  # still signed in
    assert sign_in(OLD)[0]["Location"] == "/"
    assert resets() == []


def test_two_different_passwords_are_refused_in_chinese(admin_client, person):
    answer = admin_client.post(
        f"/manage/users/{person.pk}/password/", {"password": NEW, "confirmation": NEW + "x"}
    )
    assert answer.status_code == 200
    assert "两次输入的密码不一致。" in answer.content.decode()
    assert sign_in(OLD)[0]["Location"] == "/" and resets() == []


def test_an_administrator_cannot_reset_a_superusers_password_or_two_factor(admin_client):
    boss = User.objects.create_superuser(username="boss", password="boss-pw-12345")
    answer = admin_client.post(
        f"/manage/users/{boss.pk}/password/", {"password": NEW, "confirmation": NEW}
    )
    assert answer.status_code == 403
    assert admin_client.post(f"/manage/users/{boss.pk}/2fa-reset/").status_code == 403
    boss.refresh_from_db()
    assert boss.check_password("boss-pw-12345") and resets() == []


def test_a_sales_user_is_refused_both_resets_and_changes_nothing(client, person, clock):  # noqa: F811
    with_two_factor(person, clock)
    client.force_login(user_with_role("lina", role=seeds.SALES))
    answer = client.post(
        f"/manage/users/{person.pk}/password/", {"password": NEW, "confirmation": NEW}
    )
    assert answer.status_code == 403
    assert "您没有执行此操作的权限。" in answer.content.decode()
    assert client.post(f"/manage/users/{person.pk}/2fa-reset/").status_code == 403
    person.refresh_from_db()
    assert person.check_password(OLD) and two_factor.has_device(person)
    assert resets() == []


def test_the_user_page_offers_a_two_factor_reset_only_to_a_user_who_has_it(
    admin_client,
    person,
    clock,  # noqa: F811
):
    page = admin_client.get(f"/manage/users/{person.pk}/").content.decode()
    assert "设置新密码" in page and 'for="id_confirmation"' in page
    assert "重置双因素认证" not in page
    with_two_factor(person, clock)
    page = admin_client.get(f"/manage/users/{person.pk}/").content.decode()
    assert "重置双因素认证" in page and "data-confirm=" in page


def test_after_a_two_factor_reset_the_user_signs_in_without_a_code(admin_client, person, clock):  # noqa: F811
    secret = with_two_factor(person, clock)
    _, theirs = sign_in(OLD, otp_code=totp(secret, clock))
    assert theirs.get("/").status_code == 200
    answer = admin_client.post(f"/manage/users/{person.pk}/2fa-reset/")
    assert answer.status_code == 302
    assert "双因素认证已重置" in admin_client.get(answer["Location"]).content.decode()
    assert theirs.get("/").status_code == 302  # signed out
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert not StaticDevice.objects.filter(user=person).exists()
    signed_in, browser = sign_in(OLD)
    assert signed_in["Location"] == "/" and browser.get("/").status_code == 200
    assert resets() == [{"change": "2fa_reset", "user": "wangfang", "sessions": 1}]


def test_after_a_two_factor_reset_a_role_that_requires_it_sends_the_user_to_enrol(
    admin_client,
    person,
    clock,  # noqa: F811
):
    with_two_factor(person, clock)
    role = person.member.role
    role.requires_2fa = True
    role.save()
    admin_client.post(f"/manage/users/{person.pk}/2fa-reset/")
    signed_in, browser = sign_in(OLD)
    assert signed_in["Location"] == "/2fa/"
    assert browser.get("/documents/")["Location"] == "/2fa/"


def test_a_two_factor_reset_of_a_user_without_it_is_refused_with_a_message(admin_client, person):
    answer = admin_client.post(f"/manage/users/{person.pk}/2fa-reset/")
    assert answer.status_code == 302
    page = admin_client.get(answer["Location"]).content.decode()
    assert "该账户没有使用双因素认证。" in page
    assert resets() == []


def test_the_resets_take_a_post(admin_client, person):
    assert admin_client.get(f"/manage/users/{person.pk}/password/").status_code == 405
    assert admin_client.get(f"/manage/users/{person.pk}/2fa-reset/").status_code == 405


@pytest.mark.browser
def test_in_a_browser_an_administrator_sets_a_password_and_resets_two_factor(page, clock):  # noqa: F811
    user_with_role("itadmin", role=seeds.ADMINISTRATOR, password=ADMIN_PASSWORD)
    person = user_with_role("wangfang", role=seeds.SALES, password=OLD)
    with_two_factor(person, clock)
    sign_in_browser(page, "itadmin", ADMIN_PASSWORD)
    page.goto(f"/manage/users/{person.pk}/")
    page.get_by_label("新密码", exact=True).fill("12345678")
    page.get_by_label("再次输入新密码").fill("12345678")
    page.get_by_role("button", name="设置密码").click()
    page.get_by_text("这个密码太常见了。").wait_for()
    shot(page, "admin-user-password-refused")
    page.get_by_label("新密码", exact=True).fill(NEW)
    page.get_by_label("再次输入新密码").fill(NEW)
    page.get_by_role("button", name="设置密码").click()
    page.get_by_text("新密码已设置").wait_for()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="重置双因素认证").click()
    page.get_by_text("双因素认证已重置").wait_for()
    assert page.get_by_role("button", name="重置双因素认证").count() == 0
    shot(page, "admin-user-reset")
    assert [d["change"] for d in resets()] == ["password_reset", "2fa_reset"]
