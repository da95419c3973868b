"""Check-out locks (on versions, restore, delete, details and tags), forced check-in, and the
trash."""

import datetime

import pytest
from django.utils import timezone

from docket.access import seeds
from docket.audit.models import AuditEvent
from docket.core.errors import Locked
from docket.demo.pdfgen import make_pdf
from docket.documents.checkout import document_checkout
from docket.documents.models import Checkout, Document, Tag
from docket.documents.services import document_update
from tests.conftest import client_for, named_file, user_with_role


@pytest.fixture
def document(api, customer, contract_pdf):
    response = api.post(
        "/api/documents/",
        {"file": named_file(contract_pdf, "合同.pdf"), "customer": customer.id, "type": "合同"},
        format="multipart",
    )
    return response.json()


def new_version(client, document, text="修订版"):
    return client.post(
        f"/api/documents/{document['id']}/versions/",
        {"file": named_file(make_pdf([text]), "v.pdf")},
        format="multipart",
    )


def test_checked_out_document_takes_versions_only_from_its_holder(api, other_user, document):
    response = api.post(
        f"/api/documents/{document['id']}/checkout/", {"note": "修改条款"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["user"] == "zhangwei"
    other = client_for(other_user)
    refused = new_version(other, document)
    assert refused.status_code == 423
    assert "checked out by zhangwei" in refused.json()["error"]["message"]
    assert other.post(f"/api/documents/{document['id']}/versions/1/restore/").status_code == 423
    assert other.delete(f"/api/documents/{document['id']}/").status_code == 423
    assert new_version(api, document).status_code == 201
    detail = api.get(f"/api/documents/{document['id']}/").json()
    assert detail["checkout"]["note"] == "修改条款"


def test_check_in_releases_the_lock(api, other_user, document):
    api.post(f"/api/documents/{document['id']}/checkout/", {}, format="json")
    assert api.delete(f"/api/documents/{document['id']}/checkout/").status_code == 204
    assert new_version(client_for(other_user), document).status_code == 201
    assert api.delete(f"/api/documents/{document['id']}/checkout/").status_code == 409


def test_another_user_cannot_check_out_or_check_in_a_held_document(api, document):
    api.post(f"/api/documents/{document['id']}/checkout/", {}, format="json")
    # an archivist may edit the document, but not manage it (force a check-in)
    other = client_for(user_with_role("huangli", seeds.ARCHIVIST))
    assert (
        other.post(f"/api/documents/{document['id']}/checkout/", {}, format="json").status_code
        == 423
    )
    assert other.delete(f"/api/documents/{document['id']}/checkout/").status_code == 423
    assert other.delete(f"/api/documents/{document['id']}/checkout/?force=true").status_code == 403


def test_force_check_in_needs_the_manage_permission(api, other_user, document):
    api.post(f"/api/documents/{document['id']}/checkout/", {}, format="json")
    other = client_for(other_user)  # an administrator
    assert other.delete(f"/api/documents/{document['id']}/checkout/?force=1").status_code == 204
    assert new_version(other, document).status_code == 201


def test_an_expired_check_out_no_longer_locks(api, other_user, document):
    api.post(f"/api/documents/{document['id']}/checkout/", {"hours": 1}, format="json")
    Checkout.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    other = client_for(other_user)
    assert new_version(other, document).status_code == 201
    assert (
        other.post(f"/api/documents/{document['id']}/checkout/", {}, format="json").status_code
        == 201
    )


def test_check_out_length_is_bounded(api, document):
    for hours in (0, -1, 24 * 31):
        response = api.post(
            f"/api/documents/{document['id']}/checkout/", {"hours": hours}, format="json"
        )
        assert response.status_code == 400


def test_deleted_document_goes_to_the_trash_and_can_be_restored(api, document):
    assert api.delete(f"/api/documents/{document['id']}/").status_code == 204
    assert api.get(f"/api/documents/{document['id']}/").status_code == 404
    assert api.get("/api/documents/").json()["count"] == 0
    trash = api.get("/api/trash/").json()
    assert [d["archive_number"] for d in trash["results"]] == [document["archive_number"]]
    assert trash["results"][0]["deleted_at"] is not None
    restored = api.post(f"/api/trash/{document['id']}/restore/")
    assert restored.status_code == 200
    assert api.get(f"/api/documents/{document['id']}/").status_code == 200
    assert api.get("/api/trash/").json()["count"] == 0
    assert api.post(f"/api/trash/{document['id']}/restore/").status_code == 409


def test_a_refused_move_to_the_trash_is_recorded_as_denied(api, other_user, document):
    url = f"/api/documents/{document['id']}/"
    archivist = client_for(user_with_role("huangli", seeds.ARCHIVIST))  # sees it, may not delete
    assert archivist.delete(url).status_code == 403
    api.post(url + "checkout/", {}, format="json")
    assert client_for(other_user).delete(url).status_code == 423  # zhangwei holds it
    denied = AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED).order_by("seq")
    assert [(e.actor_name, e.document_id, e.action, e.details) for e in denied] == [
        ("huangli", document["id"], "edit", {"method": "DELETE", "path": url}),
        ("lina", document["id"], "edit", {"method": "DELETE", "path": url}),
    ]
    assert Document.objects.filter(id=document["id"]).exists()  # not in the trash
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.DELETE).exists()


def test_trashed_document_keeps_its_versions_and_blob(api, document, blob_root):
    api.delete(f"/api/documents/{document['id']}/")
    from docket.storage.blobstore import get_blob_store

    assert get_blob_store().exists(document["current_version"]["sha256"])


def test_a_checked_out_documents_details_and_tags_change_only_through_its_holder(
    api, other_user, document
):
    url = f"/api/documents/{document['id']}/"
    api.post(f"{url}checkout/", {"note": "修改条款"}, format="json")
    other = client_for(other_user)
    refused = other.patch(url, {"title": "购销合同（改）"}, format="json")
    assert refused.status_code == 423
    assert refused.json()["error"]["code"] == "locked"
    assert "checked out by zhangwei" in refused.json()["error"]["message"]
    assert other.patch(url, {"tags": ["加急"]}, format="json").status_code == 423
    assert not Tag.objects.filter(name="加急").exists()  # a refused edit makes no tag
    assert api.get(url).json()["title"] == document["title"]
    edits = AuditEvent.objects.filter(action=AuditEvent.Action.EDIT, document_id=document["id"])
    assert not edits.exists()
    # the holder edits as usual
    assert api.patch(url, {"title": "购销合同（修订）"}, format="json").status_code == 200
    assert api.get(url).json()["title"] == "购销合同（修订）"


def test_after_a_forced_check_in_another_user_may_change_the_details(api, other_user, document):
    url = f"/api/documents/{document['id']}/"
    api.post(f"{url}checkout/", {}, format="json")
    other = client_for(other_user)  # an administrator: may manage the document
    assert other.delete(f"{url}checkout/?force=1").status_code == 204
    answer = other.patch(url, {"notes": "客户要求加急", "tags": ["加急"]}, format="json")
    assert answer.status_code == 200
    assert answer.json()["notes"] == "客户要求加急"


def test_the_update_service_refuses_anyone_but_the_holder_and_the_system_too(
    user, other_user, document
):
    doc = Document.objects.get(pk=document["id"])
    document_checkout(actor=user, document=doc)
    for actor in (other_user, None):
        with pytest.raises(Locked, match="checked out by zhangwei"):
            document_update(actor=actor, document=doc, title="改了")
    doc.refresh_from_db()
    assert doc.title == document["title"]
    document_update(actor=user, document=doc, title="购销合同（修订）")
    doc.refresh_from_db()
    assert doc.title == "购销合同（修订）"


def test_an_edit_made_from_a_stale_copy_keeps_what_another_edit_saved_meanwhile(user, document):
    first = Document.objects.get(id=document["id"])
    stale = Document.objects.get(id=document["id"])  # read before the first edit
    document_update(actor=user, document=first, title="购销合同（盖章版）")
    document_update(actor=user, document=stale, notes="已归档原件")
    saved = Document.objects.get(id=document["id"])
    assert (saved.title, saved.notes) == ("购销合同（盖章版）", "已归档原件")
