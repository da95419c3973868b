"""Roles in the administration: created with the edit form's fields, deleted after a
confirmation, refused while users hold them (the page says how many) and for the seeded ones;
only for user administrators. Editing is in test_admin_pages.py."""

import re

import pytest
from django.test import Client

from docket.access import seeds
from docket.access.models import Role
from docket.audit.models import AuditEvent
from tests.conftest import user_with_role
from tests.web.test_admin_pages import queries_for

pytestmark = pytest.mark.django_db

LEGAL = {
    "name": "法务",
    "description": "合同审核",
    "scope": "all",
    "permissions": ["view", "download"],
    "capabilities": ["approve"],
    "requires_2fa": "on",
}


@pytest.fixture
def admin_client(client) -> Client:
    client.force_login(user_with_role("itadmin", role=seeds.ADMINISTRATOR))
    return client


def role_changes() -> list[str]:
    events = AuditEvent.objects.filter(action=AuditEvent.Action.PERMISSION_CHANGE)
    return [e.details.get("change", "member_set") for e in events.order_by("seq")]


def test_a_role_is_created_from_the_roles_page_and_recorded(admin_client):
    assert 'href="/manage/roles/new/"' in admin_client.get("/manage/roles/").content.decode()
    form = admin_client.get("/manage/roles/new/").content.decode()
    assert "成员必须使用双因素认证" in form
    assert re.search(r'value="own"[^>]* checked', form)  # the narrowest scope to start from
    answer = admin_client.post("/manage/roles/new/", LEGAL)
    assert answer.status_code == 302 and answer["Location"] == "/manage/roles/"
    legal = Role.objects.get(name="法务")
    assert (legal.code, legal.scope, legal.requires_2fa) == ("fawu", "all", True)
    assert legal.permissions == ["view", "download"] and legal.capabilities == ["approve"]
    page = admin_client.get("/manage/roles/").content.decode()
    assert "角色 法务 已创建。" in page and "合同审核" in page
    assert f'href="/manage/roles/{legal.pk}/delete/"' in page
    assert role_changes() == ["role_created"]


def test_a_new_role_with_a_taken_or_missing_name_shows_the_form_again(admin_client):
    taken = admin_client.post("/manage/roles/new/", {**LEGAL, "name": "销售"})
    assert taken.status_code == 200
    assert "这个名称已被使用。" in taken.content.decode()
    missing = admin_client.post("/manage/roles/new/", {**LEGAL, "name": ""})
    assert missing.status_code == 200
    assert "请修改下面标出的内容。" in missing.content.decode()
    assert not Role.objects.filter(description="合同审核").exists()
    assert role_changes() == []


def test_a_role_no_one_holds_is_deleted_after_a_confirmation(admin_client):
    legal = Role.objects.create(code="legal", name="法务")
    confirm = admin_client.get(f"/manage/roles/{legal.pk}/delete/").content.decode()
    assert "没有人担任此角色" in confirm and "删除角色" in confirm
    answer = admin_client.post(f"/manage/roles/{legal.pk}/delete/")
    assert answer.status_code == 302 and answer["Location"] == "/manage/roles/"
    assert not Role.objects.filter(code="legal").exists()
    assert "角色 法务 已删除。" in admin_client.get("/manage/roles/").content.decode()
    assert role_changes() == ["role_deleted"]


def test_a_role_users_hold_is_not_deleted_and_the_page_says_how_many(admin_client):
    legal = Role.objects.create(code="legal", name="法务")
    for username in ("sunli", "zhoujie", "wujing"):
        user_with_role(username, role="legal")
    user_with_role("wangfang", role=seeds.SALES)
    confirm = admin_client.get(f"/manage/roles/{legal.pk}/delete/").content.decode()
    assert "仍有 3 个用户担任此角色" in confirm
    assert 'type="submit"' not in confirm.split("<main", 1)[1]
    answer = admin_client.post(f"/manage/roles/{legal.pk}/delete/")
    assert answer.status_code == 200 and "仍有 3 个用户担任此角色" in answer.content.decode()
    assert Role.objects.filter(code="legal").exists()
    holders = admin_client.get(f"/manage/users/?role={legal.pk}").content.decode()
    assert "sunli" in holders and "wujing" in holders and "wangfang" not in holders
    assert role_changes() == []


def test_a_seeded_role_offers_no_deletion_and_is_refused_one(admin_client):
    sales = Role.objects.get(code=seeds.SALES)
    roles = admin_client.get("/manage/roles/").content.decode()
    assert f'href="/manage/roles/{sales.pk}/delete/"' not in roles and "内置" in roles
    answer = admin_client.post(f"/manage/roles/{sales.pk}/delete/")
    assert answer.status_code == 200
    assert "这是内置角色之一：可以编辑，但不能删除。" in answer.content.decode()
    assert Role.objects.filter(code=seeds.SALES).exists()


def test_a_manager_is_refused_creating_and_deleting_roles(client):
    legal = Role.objects.create(code="legal", name="法务")
    client.force_login(user_with_role("chenjing", role=seeds.MANAGER))
    for url in ("/manage/roles/new/", f"/manage/roles/{legal.pk}/delete/"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, LEGAL).status_code == 403, url
    assert Role.objects.filter(code="legal").exists() and not Role.objects.filter(
        name="法务", code="fawu"
    )
    assert role_changes() == []


def test_deleting_an_unknown_role_is_a_not_found_page(admin_client):
    assert admin_client.get("/manage/roles/999/delete/").status_code == 404
    assert admin_client.post("/manage/roles/999/delete/").status_code == 404


def test_the_users_of_one_role_run_as_many_queries_for_30_as_for_3(admin_client):
    legal = Role.objects.create(code="legal", name="法务")
    for i in range(3):
        user_with_role(f"legal{i}", role="legal")
    url = f"/manage/users/?role={legal.pk}"
    few = queries_for(admin_client, url)
    for i in range(3, 30):
        user_with_role(f"legal{i}", role="legal")
    assert queries_for(admin_client, url) == few
