"""Every action on a document leaves its event: who, what, on which document and customer,
from where, and how it ended; a document's history lists them."""

from django.core.management import call_command

from docket.access import seeds
from docket.audit.models import AuditEvent
from docket.audit.verify import verify_chain
from docket.demo.pdfgen import make_pdf
from tests.conftest import client_for, download, named_file, user_with_role

A = AuditEvent.Action
UA = "Mozilla/5.0 (Windows NT 10.0) Chrome/120.0 QQBrowser/12.0"


def events(**filters) -> list[tuple[str, str]]:
    rows = AuditEvent.objects.filter(**filters).order_by("seq")
    return [(e.action, e.outcome) for e in rows]


def upload(api, customer, contract_pdf) -> dict:
    response = api.post(
        "/api/documents/",
        {"file": named_file(contract_pdf, "购销合同.pdf"), "customer": customer.id, "type": "合同"},
        format="multipart",
        HTTP_USER_AGENT=UA,
        REMOTE_ADDR="10.1.2.3",
    )
    assert response.status_code == 201
    return response.json()


def test_an_upload_is_recorded_with_who_where_and_which_customer(api, user, customer, contract_pdf):
    document = upload(api, customer, contract_pdf)
    event = AuditEvent.objects.get(action=A.UPLOAD)
    assert (event.actor_name, event.document_id, event.customer_id) == (
        user.username,
        document["id"],
        customer.id,
    )
    assert (event.ip, event.user_agent) == ("10.1.2.3", UA)
    assert event.details["file"] == "购销合同.pdf"


def test_a_documents_whole_life_is_in_its_history_in_order(api, customer, contract_pdf, run_tasks):
    document = upload(api, customer, contract_pdf)
    url = f"/api/documents/{document['id']}/"
    api.get(url)
    download(api, url + "download/")
    api.patch(url, {"title": "购销合同（2023年修订）"}, format="json")
    api.post(
        url + "versions/", {"file": named_file(make_pdf(["修订版"]), "v2.pdf")}, format="multipart"
    )
    api.post(url + "versions/1/restore/", {}, format="json")
    api.post(url + "checkout/", {}, format="json")
    api.delete(url + "checkout/")
    api.delete(url)
    api.post(f"/api/trash/{document['id']}/restore/")
    expected = [
        A.UPLOAD,
        A.VIEW,
        A.DOWNLOAD,
        A.EDIT,
        A.NEW_VERSION,
        A.RESTORE_VERSION,
        A.CHECKOUT,
        A.CHECKIN,
        A.DELETE,
        A.RESTORE_FROM_TRASH,
    ]
    assert events(document_id=document["id"]) == [(a, "success") for a in expected]
    history = api.get(url + "history/").json()["results"]
    assert [e["action"] for e in history][:2] == ["restore_from_trash", "delete"]
    edit = AuditEvent.objects.get(action=A.EDIT, document_id__isnull=False)
    assert edit.details == {
        "fields": ["title"],
        "title": {"from": "购销合同", "to": "购销合同（2023年修订）"},
    }
    assert verify_chain().intact


def test_a_search_is_recorded_with_its_query(api):
    api.get("/api/search/", {"q": "上海ABC贸易有限公司 合同"})
    event = AuditEvent.objects.get(action=A.SEARCH)
    assert event.details == {"q": "上海ABC贸易有限公司 合同", "count": 0}


def test_a_refused_download_is_recorded_as_denied(api, customer, contract_pdf):
    document = upload(api, customer, contract_pdf)
    reader = user_with_role("huangli", seeds.ARCHIVIST)  # may view, and download within clearance
    from docket.documents.models import Document

    Document.objects.filter(id=document["id"]).update(confidentiality=3)
    response = client_for(reader).get(f"/api/documents/{document['id']}/download/")
    assert response.status_code == 403
    denied = AuditEvent.objects.get(outcome=AuditEvent.Outcome.DENIED)
    assert (denied.actor_name, denied.document_id) == ("huangli", document["id"])
    assert not AuditEvent.objects.filter(action=A.DOWNLOAD).exists()


def test_history_is_not_shown_to_who_may_not_see_the_document(api, customer, contract_pdf):
    document = upload(api, customer, contract_pdf)
    outsider = client_for(user_with_role("liuyang", seeds.SALES))
    assert outsider.get(f"/api/documents/{document['id']}/history/").status_code == 404


def test_a_grant_is_recorded_as_a_permission_change(api, customer, other_user):
    response = api.post(
        "/api/access/grants/",
        {"permission": "download", "user": other_user.id, "customer": customer.id},
        format="json",
    )
    assert response.status_code == 201
    event = AuditEvent.objects.get(action=A.PERMISSION_CHANGE, customer_id=customer.id)
    assert event.details == {
        "grant": "added",
        "permission": "download",
        "user": "lina",
        "team": None,
    }


def test_an_export_from_the_command_line_is_recorded(api, customer, contract_pdf, tmp_path):
    upload(api, customer, contract_pdf)
    call_command("export_tree", str(tmp_path / "导出"), verbosity=0)
    event = AuditEvent.objects.get(action=A.EXPORT)
    assert event.actor_name == "" and event.details["files"] == 1
