"""Sharing a document from its page: a user with `share` on it (and not `manage`) gives a
colleague view, or view and download, of that one document."""

import pytest

from docket.access.models import Role
from docket.audit.models import AuditEvent


@pytest.fixture
def sales_may_share(world):
    sales = Role.objects.get(code="sales")
    sales.permissions = [*sales.permissions, "share"]
    sales.save()
    return world


def test_the_share_form_shows_for_a_user_who_may_share(client, sales_may_share):
    world = sales_may_share
    client.force_login(world.sales_east)
    page = client.get(f"/documents/{world.document.id}/").content.decode()
    assert f'action="/documents/{world.document.id}/share/"' in page
    assert "分享此文档" in page


def test_sharing_from_the_page_lets_the_colleague_open_it(client, sales_may_share):
    world = sales_may_share
    client.force_login(world.sales_north)
    assert client.get(f"/documents/{world.document.id}/").status_code == 404
    client.force_login(world.sales_east)
    answer = client.post(
        f"/documents/{world.document.id}/share/",
        {"username": world.sales_north.username, "permission": "view"},
    )
    assert answer.status_code in (200, 302)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SHARE).count() == 1
    client.force_login(world.sales_north)
    assert client.get(f"/documents/{world.document.id}/").status_code == 200


def test_an_unknown_colleague_is_explained(client, sales_may_share):
    world = sales_may_share
    client.force_login(world.sales_east)
    answer = client.post(
        f"/documents/{world.document.id}/share/", {"username": "nobody", "permission": "view"}
    )
    assert answer.status_code == 400
    assert "没有这个用户名或姓名的用户" in answer.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SHARE).count() == 0


def test_sharing_to_oneself_is_refused_in_chinese(client, sales_may_share):
    world = sales_may_share
    client.force_login(world.sales_east)
    answer = client.post(
        f"/documents/{world.document.id}/share/",
        {"username": world.sales_east.username, "permission": "view"},
    )
    assert answer.status_code == 400
    assert "您已拥有此文档" in answer.content.decode()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SHARE).count() == 0


def test_without_share_the_page_offers_no_form_and_a_post_is_refused(client, world):
    client.force_login(world.sales_east)
    page = client.get(f"/documents/{world.document.id}/").content.decode()
    assert "/share/" not in page
    answer = client.post(
        f"/documents/{world.document.id}/share/",
        {"username": world.sales_north.username, "permission": "view"},
    )
    assert answer.status_code == 403


def test_a_colleague_can_be_named_by_full_name_as_the_pages_show_people(client, sales_may_share):
    world = sales_may_share
    world.sales_north.first_name = "刘洋"
    world.sales_north.save()
    client.force_login(world.sales_east)
    answer = client.post(
        f"/documents/{world.document.id}/share/", {"username": " 刘洋 ", "permission": "view"}
    )
    assert answer.status_code in (200, 302)
    shared = AuditEvent.objects.get(action=AuditEvent.Action.SHARE)
    assert shared.details["user"] == world.sales_north.username
    client.force_login(world.sales_north)
    assert client.get(f"/documents/{world.document.id}/").status_code == 200
