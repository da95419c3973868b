"""API tokens: hashed at rest, listed, made with a lifetime, revoked; expired or revoked
tokens are refused with 401."""

import hashlib
import importlib
import types

import pytest
from rest_framework.test import APIClient

from docket.accounts.models import ApiToken
from docket.accounts.tokens import api_token_issue
from docket.audit.models import AuditEvent
from tests.accounts.conftest import PASSWORD
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def with_key(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_token_endpoint_returns_an_expiring_token(user, clock):
    answer = APIClient().post("/api/auth/token/", {"username": "zhangwei", "password": PASSWORD})
    assert answer.status_code == 200
    info = answer.json()["token_info"]
    token = ApiToken.objects.get(pk=info["id"])
    assert (token.expires_at - clock.now).days == 90
    assert with_key(answer.json()["token"]).get("/api/customers/").status_code == 200


def test_only_the_sha256_of_a_key_is_stored(user):
    token, key = api_token_issue(user=user, name="扫描仪")
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    stored = list(ApiToken.objects.values_list(flat=False))
    assert key not in repr(stored)
    assert token.prefix == key[:8]


def test_a_user_makes_a_named_token_and_sees_the_key_once(user, clock):
    api = client_for(user)
    made = api.post("/api/auth/tokens/", {"name": "CRM 同步", "days": 30})
    assert made.status_code == 201
    body = made.json()
    assert (body["name"], body["state"]) == ("CRM 同步", "active")
    assert with_key(body["key"]).get("/api/customers/").status_code == 200
    listed = api.get("/api/auth/tokens/").json()["results"]
    assert "CRM 同步" in [t["name"] for t in listed]
    assert all("key" not in t and "key_hash" not in t for t in listed)
    event = AuditEvent.objects.get(action="settings_change")
    assert event.details["change"] == "token_created" and event.details["token"] == "CRM 同步"


@pytest.mark.parametrize("days", [0, 366])
def test_a_lifetime_beyond_a_year_or_below_a_day_is_refused(user, days):
    answer = client_for(user).post("/api/auth/tokens/", {"name": "长期", "days": days})
    assert answer.status_code == 400


def test_the_default_lifetime_is_ninety_days(user, clock):
    body = client_for(user).post("/api/auth/tokens/", {"name": "默认"}).json()
    token = ApiToken.objects.get(pk=body["id"])
    assert (token.expires_at - clock.now).days == 90


def test_an_expired_token_is_401(user, clock):
    _, key = api_token_issue(user=user, name="短期", days=1)
    assert with_key(key).get("/api/customers/").status_code == 200
    clock.advance(days=1, seconds=1)
    answer = with_key(key).get("/api/customers/")
    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == "this token has expired"


def test_a_revoked_token_is_401(user, clock):
    api = client_for(user)
    body = api.post("/api/auth/tokens/", {"name": "临时"}).json()
    assert api.delete(f"/api/auth/tokens/{body['id']}/").status_code == 204
    answer = with_key(body["key"]).get("/api/customers/")
    assert answer.status_code == 401
    assert answer.json()["error"]["message"] == "this token has been revoked"
    listed = {t["id"]: t["state"] for t in api.get("/api/auth/tokens/").json()["results"]}
    assert listed[body["id"]] == "revoked"


def test_nobody_sees_or_revokes_another_users_tokens(user, other_user):
    theirs, _ = api_token_issue(user=other_user, name="李娜的令牌")
    api = client_for(user)
    assert "李娜的令牌" not in str(api.get("/api/auth/tokens/").json())
    assert api.delete(f"/api/auth/tokens/{theirs.id}/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_use_is_noted_at_most_once_a_minute(user, clock):
    token, key = api_token_issue(user=user, name="统计")
    first_use = clock.now
    with_key(key).get("/api/customers/")
    clock.advance(seconds=30)
    with_key(key).get("/api/customers/")
    token.refresh_from_db()
    assert token.last_used_at == first_use
    clock.advance(seconds=30)
    with_key(key).get("/api/customers/")
    token.refresh_from_db()
    assert token.last_used_at == clock.now


def test_tokens_from_before_are_carried_over_hashed_and_expiring(user, clock):
    """Migration 0002: DRF authtoken keys of an older installation keep working."""
    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("docket.accounts.migrations.0002_import_drf_tokens")
    old_key = "401f7ac837da42b97f613d789819ff93537bee6a"
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, created timestamp,"
            " user_id integer NOT NULL)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, NULL, %s)", [old_key, user.pk])
    migration.import_drf_tokens(apps, types.SimpleNamespace(connection=connection))
    carried = ApiToken.objects.get(user=user)
    assert carried.key_hash == hashlib.sha256(old_key.encode()).hexdigest()
    assert with_key(old_key).get("/api/customers/").status_code == 200
