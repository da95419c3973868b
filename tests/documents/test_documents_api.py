"""Listing, filtering, reading and editing documents; archive numbers."""

import datetime
import threading

import pytest
from django.db import connection

from docket.customers.services import customer_create
from docket.documents.catalog import document_type_create
from docket.documents.models import Document, DocumentType
from docket.documents.services import document_upload, next_archive_number
from tests.conftest import named_file


def make_document(user, customer, doc_type, data: bytes, date=None, title=""):
    return document_upload(
        actor=user,
        file=named_file(data, "f.pdf"),
        filename="f.pdf",
        customer=customer,
        document_type=doc_type,
        document_date=date,
        title=title,
    )


def test_archive_numbers_follow_the_type_pattern_per_year(user, customer, contract_type):
    quote_type = DocumentType.objects.get(name="报价单")
    numbers = [
        make_document(
            user, customer, contract_type, b"a", datetime.date(2023, 1, 1)
        ).archive_number,
        make_document(
            user, customer, contract_type, b"b", datetime.date(2023, 6, 1)
        ).archive_number,
        make_document(
            user, customer, contract_type, b"c", datetime.date(2024, 2, 1)
        ).archive_number,
        make_document(user, customer, quote_type, b"d", datetime.date(2023, 3, 1)).archive_number,
    ]
    assert numbers == ["HT-2023-0001", "HT-2023-0002", "HT-2024-0001", "BJD-2023-0001"]


def test_an_archive_number_is_never_reused_after_delete(user, customer, contract_type):
    from docket.documents.services import document_delete

    first = make_document(user, customer, contract_type, b"a", datetime.date(2023, 1, 1))
    document_delete(actor=user, document=first)
    second = make_document(user, customer, contract_type, b"b", datetime.date(2023, 1, 2))
    assert second.archive_number == "HT-2023-0002"


def test_a_custom_pattern_is_applied(user, customer):
    doc_type = document_type_create(
        actor=user, name="保密协议", code="NDA", number_pattern="{code}{year}-{seq:05d}"
    )
    assert make_document(
        user, customer, doc_type, b"x", datetime.date(2025, 5, 5)
    ).archive_number == ("NDA2025-00001")


@pytest.mark.django_db(transaction=True)
def test_concurrent_uploads_get_distinct_archive_numbers(user, customer, contract_type):
    numbers, errors = [], []

    def worker(i: int) -> None:
        try:
            doc = make_document(
                user, customer, contract_type, f"并发{i}".encode(), datetime.date(2023, 1, 1)
            )
            numbers.append(doc.archive_number)
        except Exception as exc:  # noqa: BLE001 (collected and asserted below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [f"HT-2023-{n:04d}" for n in range(1, 9)]


def test_list_filters_by_customer_type_tag_status_and_date(api, user, customer, contract_type):
    other = customer_create(actor=user, name="北京华信科技有限公司")
    invoice = DocumentType.objects.get(name="发票")
    a = make_document(user, customer, contract_type, b"1", datetime.date(2023, 1, 1), "购销合同")
    make_document(user, customer, invoice, b"2", datetime.date(2023, 5, 1), "增值税发票")
    c = make_document(user, other, contract_type, b"3", datetime.date(2024, 1, 1), "服务合同")
    api.patch(f"/api/documents/{a.id}/", {"tags": ["重要"]}, format="json")
    api.patch(f"/api/documents/{c.id}/", {"status": "archived"}, format="json")

    def titles(query: str) -> list[str]:
        response = api.get(f"/api/documents/?{query}")
        assert response.status_code == 200, response.content
        return sorted(d["title"] for d in response.json()["results"])

    assert titles(f"customer={customer.id}") == ["增值税发票", "购销合同"]
    assert titles(f"type={contract_type.id}") == ["服务合同", "购销合同"]
    tag_id = api.get("/api/tags/").json()["results"][0]["id"]
    assert titles(f"tag={tag_id}") == ["购销合同"]
    assert titles("status=archived") == ["服务合同"]
    assert titles("date_after=2023-02-01&date_before=2023-12-31") == ["增值税发票"]
    assert titles("") == ["增值税发票", "服务合同", "购销合同"]


@pytest.mark.parametrize(
    "query", ["customer=abc", "type=-1", "date_after=2023-13-45", "date_before=昨天"]
)
def test_malformed_filters_are_a_clear_400(api, query, db):
    response = api.get(f"/api/documents/?{query}")
    assert response.status_code == 400
    assert response.json()["error"]["message"]


def test_list_uses_a_fixed_number_of_queries(
    api, user, customer, contract_type, django_assert_max_num_queries
):
    for i in range(15):
        make_document(user, customer, contract_type, f"doc{i}".encode())
    api.get("/api/documents/")  # a token's first use notes when it was used, once
    with django_assert_max_num_queries(6):
        response = api.get("/api/documents/")
    assert response.json()["count"] == 15


def test_metadata_edit_updates_fields_and_tags(api, user, customer, contract_type):
    doc = make_document(user, customer, contract_type, b"x")
    response = api.patch(
        f"/api/documents/{doc.id}/",
        {
            "title": "购销合同（最终版）",
            "document_date": "2023-01-01",
            "notes": "已盖章",
            "tags": "重要，已归档",
            "type": "合同",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["title"] == "购销合同（最终版）"
    assert body["document_date"] == "2023-01-01"
    assert sorted(t["name"] for t in body["tags"]) == ["已归档", "重要"]
    assert api.patch(f"/api/documents/{doc.id}/", {"title": ""}, format="json").status_code == 400
    assert (
        api.patch(f"/api/documents/{doc.id}/", {"status": "gone"}, format="json").status_code == 400
    )


def test_document_ids_that_are_not_numbers_or_not_there_are_404_or_400(api, db):
    assert api.get("/api/documents/999999/").status_code == 404
    assert api.get("/api/documents/999999/").json()["error"]["code"] == "not_found"
    assert api.get("/api/documents/abc/").status_code in (400, 404)


def test_next_archive_number_skips_nothing_on_rollback(user, customer, contract_type):
    from django.db import transaction

    try:
        with transaction.atomic():
            next_archive_number(contract_type, 2030)
            raise RuntimeError("abort")
    except RuntimeError:
        pass
    assert next_archive_number(contract_type, 2030) == "HT-2030-0001"
    assert Document.all_objects.count() == 0


def test_pages_are_complete_ordered_and_disjoint(api, user, customer, contract_type):
    for i in range(23):
        make_document(user, customer, contract_type, f"page{i}".encode(), title=f"文档{i:02d}")
    seen = []
    for page in (1, 2, 3):
        body = api.get(f"/api/documents/?page_size=10&page={page}").json()
        assert body["count"] == 23
        seen += [d["title"] for d in body["results"]]
    assert seen == [f"文档{i:02d}" for i in reversed(range(23))]  # newest first, each once
    assert api.get("/api/documents/?page_size=10&page=4").status_code == 404
