"""Filter hints (search/hints.py): an entry holds its document's type and year, and a type or
date filter tells the index which of them to intersect with the words. A hint only narrows, so
every path of the engine finds exactly what the filters alone would accept."""

import datetime

import pytest
from django.utils import timezone

from docket.documents.models import Document
from docket.documents.services import document_update
from docket.search.filters import document_date_q
from docket.search.hints import document_hints, filter_hints, type_q
from docket.search.indexer import index_documents
from tests.search.conftest import ids

UTC = datetime.UTC


def at(*args: int) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def test_a_dated_document_holds_its_type_and_the_year_of_its_date():
    hints = document_hints(7, datetime.date(2023, 1, 1), at(2025, 6, 1, 8))
    assert hints == {"type7", "year2023"}


def test_an_undated_document_holds_every_year_its_upload_day_may_fall_in_anywhere():
    # 2023-12-31 17:00 UTC is already 2024年1月1日 in Shanghai (UTC+8).
    assert document_hints(7, None, at(2023, 12, 31, 17)) == {"type7", "year2023", "year2024"}
    assert document_hints(7, None, at(2024, 1, 1, 6)) == {"type7", "year2023", "year2024"}
    assert document_hints(7, None, at(2023, 6, 30, 12)) == {"type7", "year2023"}


def test_type_and_closed_date_filters_give_hints_and_others_do_not():
    jan, dec = datetime.date(2023, 1, 1), datetime.date(2024, 12, 31)
    assert filter_hints([type_q([3, 5])]) == [{"type3", "type5"}]
    assert filter_hints([document_date_q(jan, dec)]) == [{"year2023", "year2024"}]
    assert filter_hints([document_date_q(jan, None)]) == []  # open: any later year
    assert filter_hints([~type_q([3])]) == []  # a negated filter accepts the other types
    assert filter_hints([type_q([3]) | type_q([5])]) == []  # combined: not read
    assert filter_hints([type_q([])]) == []  # matches nothing: the filter says so


@pytest.fixture
def filed(make_doc, contract_type, invoice_type):
    """Contracts and invoices of 2022 and 2023, and an undated invoice uploaded at 01:00 on
    2024年1月1日 Shanghai time, all holding 框架协议."""
    docs = {
        "contract_2022": make_doc("框架协议", document_date=datetime.date(2022, 5, 1)),
        "contract_2023": make_doc("框架协议", document_date=datetime.date(2023, 3, 1)),
        "invoice_2023": make_doc(
            "框架协议", document_type=invoice_type, document_date=datetime.date(2023, 12, 31)
        ),
        "invoice_undated": make_doc("框架协议", document_type=invoice_type),
        "other": make_doc("其他内容", document_type=invoice_type),
    }
    undated = docs["invoice_undated"]
    Document.all_objects.filter(pk=undated.pk).update(created_at=at(2023, 12, 31, 17))
    index_documents([undated.pk])
    return {name: doc.pk for name, doc in docs.items()}


def test_type_and_date_filters_find_exactly_their_documents_on_every_path(every_path, filed, find):
    with timezone.override("Asia/Shanghai"):
        assert ids(find("框架协议 type:发票 date:2023")) == {filed["invoice_2023"]}
        assert ids(find("框架协议 type:发票 date:2024")) == {filed["invoice_undated"]}
        assert ids(find("框架协议 type:合同 date:2022..2023")) == {
            filed["contract_2022"],
            filed["contract_2023"],
        }
        assert ids(find("框架协议 -type:发票 date:2023")) == {filed["contract_2023"]}
        assert ids(find("框架协议 date:2023年12月")) == {filed["invoice_2023"]}


def test_a_document_is_found_by_its_new_type_and_date_after_an_edit(
    every_path, filed, find, user, contract_type
):
    document = Document.objects.get(pk=filed["invoice_2023"])
    document_update(
        actor=user, document=document, document_type=contract_type,
        document_date=datetime.date(2021, 7, 1),
    )  # fmt: skip
    assert ids(find("框架协议 type:合同 date:2021")) == {document.pk}
    assert ids(find("框架协议 type:发票 date:2023")) == set()
