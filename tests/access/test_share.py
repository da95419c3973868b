"""Sharing one document with a colleague (分享): to view, or to view and download, by whoever
holds `share` on it; recorded as a share."""

from docket.access.models import Grant, Role
from docket.audit.models import AuditEvent
from tests.conftest import client_for, download


def share(world, actor, document, username, permission="view"):
    api = client_for(getattr(world, actor))
    url = f"/api/documents/{document.id}/share/"
    return api.post(url, {"user": username, "permission": permission}, format="json")


def test_a_manager_shares_a_document_to_view_and_it_is_recorded(world):
    colleague = client_for(world.sales_north)
    assert colleague.get(f"/api/documents/{world.document.id}/").status_code == 404
    answer = share(world, "manager_east", world.document, world.sales_north.username)
    assert answer.status_code == 201
    assert colleague.get(f"/api/documents/{world.document.id}/").status_code == 200
    assert colleague.get(f"/api/documents/{world.document.id}/download/").status_code == 403
    event = AuditEvent.objects.filter(action=AuditEvent.Action.SHARE).get()
    assert event.document_id == world.document.id
    assert event.details == {"permission": "view", "user": world.sales_north.username}


def test_sharing_to_download_lets_the_colleague_see_and_download(world):
    answer = share(world, "manager_east", world.document, world.sales_north.username, "download")
    assert answer.status_code == 201
    granted = Grant.objects.filter(user=world.sales_north, document=world.document)
    assert set(granted.values_list("permission", flat=True)) == {"view", "download"}
    colleague = client_for(world.sales_north)
    response, body = download(colleague, f"/api/documents/{world.document.id}/download/")
    assert response.status_code == 200 and body


def test_only_view_and_download_can_be_shared(world):
    answer = share(world, "manager_east", world.document, world.sales_north.username, "edit")
    assert answer.status_code == 400
    assert not Grant.objects.filter(user=world.sales_north).exists()


def test_a_user_without_share_is_refused_and_the_refusal_is_recorded(world):
    answer = share(world, "sales_east", world.document, world.sales_north.username)
    assert answer.status_code == 403
    assert not Grant.objects.filter(user=world.sales_north).exists()
    assert AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED).exists()


def test_a_role_given_share_may_share_what_it_may_see(world):
    sales = Role.objects.get(code="sales")
    sales.permissions = [*sales.permissions, "share"]
    sales.save()
    answer = share(world, "sales_east", world.document, world.sales_north.username)
    assert answer.status_code == 201


def test_an_outsider_cannot_share_what_they_cannot_see(world):
    answer = share(world, "manager_north", world.document, world.sales_north.username)
    assert answer.status_code == 404


def test_an_unknown_or_deactivated_colleague_is_a_clear_error(world):
    assert share(world, "manager_east", world.document, "nobody").status_code == 400
    world.sales_north.is_active = False
    world.sales_north.save()
    answer = share(world, "manager_east", world.document, world.sales_north.username)
    assert answer.status_code == 400
