"""Passwords: stored with Argon2, older PBKDF2 hashes upgraded at login, and a policy that
refuses weak ones wherever Docket sets a password."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command
from django.utils import translation
from rest_framework.test import APIClient

from docket.accounts.services import password_check
from docket.core.errors import InvalidInput
from tests.accounts.conftest import PASSWORD, login

pytestmark = pytest.mark.django_db

ARGON2_FIRST = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def test_a_new_password_is_stored_as_an_argon2_hash(settings, user):
    settings.PASSWORD_HASHERS = ARGON2_FIRST
    user.set_password("长城-Great-Wall-2024")
    user.save()
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password("长城-Great-Wall-2024")


def test_an_old_pbkdf2_hash_still_logs_in_and_is_rehashed_with_argon2(settings, user):
    settings.PASSWORD_HASHERS = ARGON2_FIRST
    user.password = make_password(PASSWORD, hasher="pbkdf2_sha256")
    user.save()
    assert login(APIClient(), "zhangwei", PASSWORD).status_code == 200
    user.refresh_from_db()
    assert user.password.startswith("argon2$")


@pytest.mark.parametrize(
    ("password", "says"),
    [
        ("短密码-1", "at least 10 characters"),
        ("password123", "too common"),
        ("2024061812345", "entirely numeric"),
        ("zhangwei2024", "too similar to the username"),
    ],
)
def test_a_weak_password_is_refused_with_a_message_saying_why(user, password, says):
    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        password_check(password, user=user)
    assert says in refused.value.message
    assert refused.value.field == "password"


def test_a_strong_chinese_password_passes_the_policy(user):
    assert password_check("上海外滩-夜景-2024", user=user) is None  # a refusal would raise


def test_createadmin_refuses_a_weak_password_and_creates_nobody():
    with translation.override("en"), pytest.raises(CommandError, match="at least 10"):
        call_command("createadmin", username="boss", password="s3cret")
    assert not get_user_model().objects.filter(username="boss").exists()


def test_createadmin_creates_an_administrator_with_a_strong_password(settings, capsys):
    settings.PASSWORD_HASHERS = ARGON2_FIRST
    call_command("createadmin", username="boss", password="档案室-Admin-2024")
    boss = get_user_model().objects.get(username="boss")
    assert boss.is_superuser and boss.password.startswith("argon2$")
    assert "Created administrator 'boss'" in capsys.readouterr().out
