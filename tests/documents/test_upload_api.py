"""Uploading documents through the API, and every way an upload can be refused."""

import hashlib

import pytest
from django.test import override_settings

from docket.documents.models import Document, Version
from docket.storage.blobstore import get_blob_store
from tests.conftest import download


def upload(api, customer, data, name="合同.pdf", doc_type="合同", **extra):
    from tests.conftest import named_file

    payload = {"file": named_file(data, name), "customer": customer.id, "type": doc_type, **extra}
    return api.post("/api/documents/", payload, format="multipart")


def test_upload_creates_document_with_first_version_and_archive_number(api, customer, contract_pdf):
    response = upload(
        api, customer, contract_pdf, title="购销合同", document_date="2023-01-01", tags="重要,2023"
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["archive_number"] == "HT-2023-0001"
    assert body["customer"]["name"] == "上海ABC贸易有限公司"
    assert body["document_type"]["name"] == "合同"
    assert sorted(t["name"] for t in body["tags"]) == ["2023", "重要"]
    version = body["current_version"]
    assert version["number"] == 1
    assert version["sha256"] == hashlib.sha256(contract_pdf).hexdigest()
    assert version["size"] == len(contract_pdf)
    assert version["mime_type"] == "application/pdf"
    assert version["original_name"] == "合同.pdf"
    assert body["processing"]["state"] == "queued"
    assert get_blob_store().read_bytes(version["sha256"]) == contract_pdf


def test_type_is_sniffed_from_content_not_from_the_extension(api, customer, contract_pdf):
    response = upload(api, customer, contract_pdf, name="扫描件.txt")
    assert response.status_code == 201
    assert response.json()["current_version"]["mime_type"] == "application/pdf"


def test_upload_of_empty_file_is_rejected_and_nothing_is_stored(api, customer, blob_root):
    response = upload(api, customer, b"", name="空.pdf")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert "empty" in response.json()["error"]["message"]
    assert Document.all_objects.count() == 0
    assert list(get_blob_store().iter_shas()) == []


@override_settings(MAX_UPLOAD_MB=1)
def test_upload_over_the_size_limit_is_refused_with_413_and_nothing_is_stored(api, customer):
    response = upload(api, customer, b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"
    assert Document.all_objects.count() == 0
    assert list(get_blob_store().iter_shas()) == []


@override_settings(MAX_UPLOAD_MB=1)
def test_upload_declaring_a_huge_body_is_refused_before_it_is_read(api, customer):
    response = api.post(
        "/api/documents/",
        data=b"x",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413


def test_unknown_customer_is_a_400_naming_the_field(api, customer, contract_pdf):
    from tests.conftest import named_file

    response = api.post(
        "/api/documents/",
        {"file": named_file(contract_pdf, "a.pdf"), "customer": 999999, "type": "合同"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "customer" in response.json()["error"]["fields"]
    assert Document.all_objects.count() == 0


def test_unknown_document_type_is_a_400_naming_the_field(api, customer, contract_pdf):
    response = upload(api, customer, contract_pdf, doc_type="不存在的类型")
    assert response.status_code == 400
    assert "type" in response.json()["error"]["fields"]
    assert Document.all_objects.count() == 0


def test_missing_file_is_a_400(api, customer):
    response = api.post(
        "/api/documents/", {"customer": customer.id, "type": "合同"}, format="multipart"
    )
    assert response.status_code == 400
    assert "file" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    "hostile_name",
    [
        "../../etc/passwd",
        "..\\..\\windows\\system32\\合同.pdf",
        "合同\x00.pdf",
        "报价\x07单\x1b[31m.pdf",
        "长" * 300 + ".pdf",
        "CON.pdf",
    ],
)
def test_hostile_filename_is_stored_safely_and_the_original_kept(
    user, customer, contract_type, contract_pdf, hostile_name, blob_root
):
    from docket.documents.naming import download_name
    from docket.documents.services import document_upload
    from tests.conftest import named_file

    document = document_upload(
        actor=user,
        file=named_file(contract_pdf, "x"),
        filename=hostile_name,
        customer=customer,
        document_type=contract_type,
    )
    version = document.versions.get()
    assert "\x00" not in version.original_name
    assert (
        version.original_name.replace("\\x00", "\x00")
        .replace("\\x07", "\x07")
        .replace("\\x1b", "\x1b")
        == hostile_name
    )
    # the blob is named by content, inside the blob root
    stored = [p for p in blob_root.rglob("*") if p.is_file()]
    assert [p.name for p in stored] == [version.sha256]
    download_name = download_name(document, original_name=version.original_name)
    assert "/" not in download_name and "\\" not in download_name and ".." not in download_name
    assert len(download_name.encode()) <= 200


def test_the_same_file_uploaded_twice_is_stored_once(api, customer, contract_pdf, blob_root):
    first = upload(api, customer, contract_pdf)
    second = upload(api, customer, contract_pdf)
    assert first.status_code == second.status_code == 201
    assert first.json()["archive_number"] != second.json()["archive_number"]
    assert len(list(get_blob_store().iter_shas())) == 1
    assert Version.objects.values("sha256").distinct().count() == 1


def test_upload_requires_authentication(customer, contract_pdf):
    from rest_framework.test import APIClient

    response = upload(APIClient(), customer, contract_pdf)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


def test_hostile_names_through_the_api_are_accepted_without_path_or_nul(
    api, customer, contract_pdf
):
    response = upload(api, customer, contract_pdf, name="../../etc/合同\x00.pdf")
    assert response.status_code == 201, response.content
    original = response.json()["current_version"]["original_name"]
    assert "/" not in original and "\x00" not in original
    fetched, body = download(api, f"/api/documents/{response.json()['id']}/download/")
    assert fetched.status_code == 200 and body == contract_pdf
