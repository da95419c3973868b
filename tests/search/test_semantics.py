"""What a query means: operators, phrases, fields, understanding, dates, pinyin."""

import datetime

import pytest

from docket.customers.services import customer_update
from docket.documents.models import DocumentType
from tests.search.conftest import ids

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 22)


def test_words_are_anded_or_ored_and_negated(every_path, make_doc, find):
    both = make_doc("付款 违约")
    pay = make_doc("付款 条款")
    breach = make_doc("违约 责任")
    assert ids(find("付款 违约")) == {both.id}
    assert ids(find("付款 AND 违约")) == {both.id}
    assert ids(find("付款 OR 违约")) == {both.id, pay.id, breach.id}
    assert ids(find("付款 或 违约")) == {both.id, pay.id, breach.id}
    assert ids(find("付款 -违约")) == {pay.id}
    assert ids(find("付款 NOT 违约")) == {pay.id}
    assert ids(find("(付款 OR 责任) -条款")) == {both.id, breach.id}


def test_a_query_of_only_negated_words_returns_everything_else(make_doc, find):
    pay = make_doc("付款 条款")
    make_doc("违约 责任")
    assert ids(find("-违约")) == {pay.id}


def test_a_quoted_phrase_matches_words_in_that_order(every_path, make_doc, find):
    phrase = make_doc("the payment terms are net 30")
    apart = make_doc("terms of payment")
    assert ids(find('"payment terms"')) == {phrase.id}
    assert ids(find("payment terms")) == {phrase.id, apart.id}
    assert ids(find("“付款 条款”")) == set()


def test_field_syntax_filters_by_customer_type_tag_and_date(
    make_doc, find, other_customer, invoice_type
):
    old = make_doc("服务", document_date=datetime.date(2023, 3, 5), tags=["重要"])
    new = make_doc("服务", document_date=datetime.date(2024, 6, 1))
    theirs = make_doc(
        "服务",
        customer=other_customer,
        document_type=invoice_type,
        document_date=datetime.date(2022, 5, 1),
    )
    assert ids(find("服务 customer:ABC")) == {old.id, new.id}
    assert ids(find("服务 客户:星河")) == {theirs.id}
    assert ids(find("type:发票")) == {theirs.id}
    assert ids(find("服务 -type:发票")) == {old.id, new.id}
    assert ids(find("tag:重要")) == {old.id}
    assert ids(find("date:2023")) == {old.id}
    assert ids(find("date:2023-01..2023-12")) == {old.id}
    assert ids(find("服务 date:>2024-01-01")) == {new.id}


def test_type_field_takes_a_seeded_types_english_name_while_it_keeps_the_seeded_one(
    make_doc, find, invoice_type
):
    contract = make_doc("服务")
    invoice = make_doc("服务", document_type=invoice_type)
    assert ids(find("type:contract")) == ids(find("type:合同")) == {contract.id}
    assert ids(find("服务 -type:Invoice")) == {contract.id}
    assert ids(find("contract", understand=True)) == set()  # a plain word stays a word
    DocumentType.objects.filter(pk=invoice_type.pk).update(name="增值税专用发票")
    assert ids(find("type:invoice")) == set()
    assert ids(find("type:增值税专用发票")) == {invoice.id}


def test_a_field_that_names_nothing_matches_nothing_and_says_so(make_doc, find):
    make_doc("服务")
    result = find("服务 customer:不存在的客户")
    assert ids(result) == set()
    assert any("不存在的客户" in notice for notice in result.notices)


def test_understanding_last_months_contracts_of_a_customer(
    make_doc, find, other_customer, invoice_type
):
    wanted = make_doc("采购", document_date=datetime.date(2026, 10, 12))
    make_doc("采购", document_date=datetime.date(2026, 9, 30))  # the month before
    make_doc("采购", document_date=datetime.date(2026, 10, 3), document_type=invoice_type)
    make_doc("采购", document_date=datetime.date(2026, 10, 3), customer=other_customer)
    result = find("上个月 ABC 的合同", understand=True, today=TODAY)
    assert ids(result) == {wanted.id}
    kinds = {u.kind: u for u in result.understood}
    assert kinds["date"].values == [
        {"start": datetime.date(2026, 10, 1), "end": datetime.date(2026, 10, 31)}
    ]
    assert kinds["customer"].values[0]["name"] == "上海ABC贸易有限公司"
    assert kinds["type"].values[0]["name"] == "合同"


def test_understanding_works_without_spaces(make_doc, find):
    wanted = make_doc("采购", document_date=datetime.date(2026, 10, 12))
    make_doc("采购", document_date=datetime.date(2025, 10, 12))
    assert ids(find("上个月ABC的合同", understand=True, today=TODAY)) == {wanted.id}


def test_quoting_a_name_searches_it_as_text(make_doc, find, other_customer):
    mentions = make_doc("与ABC公司的往来", customer=other_customer)
    own = make_doc("采购")
    assert ids(find("ABC", understand=True)) == {own.id}
    assert ids(find('"ABC"', understand=True)) == {mentions.id, own.id}
    assert ids(find("ABC", understand=False)) == {mentions.id, own.id}


@pytest.mark.parametrize(
    ("query", "start", "end"),
    [
        ("今天", "2026-11-22", "2026-11-22"),
        ("昨天", "2026-11-21", "2026-11-21"),
        ("本周", "2026-11-16", "2026-11-22"),
        ("上周", "2026-11-09", "2026-11-15"),
        ("last week", "2026-11-09", "2026-11-15"),
        ("本月", "2026-11-01", "2026-11-30"),
        ("今年", "2026-01-01", "2026-12-31"),
        ("去年", "2025-01-01", "2025-12-31"),
        ("2023年", "2023-01-01", "2023-12-31"),
        ("2023年3月", "2023-03-01", "2023-03-31"),
        ("第一季度", "2026-01-01", "2026-03-31"),
        ("2023 Q1", "2023-01-01", "2023-03-31"),
    ],
)
def test_relative_dates_become_a_date_filter(make_doc, find, query, start, end):
    inside = make_doc("报告", document_date=datetime.date.fromisoformat(start))
    make_doc("报告", document_date=datetime.date.fromisoformat(end) + datetime.timedelta(days=1))
    result = find(f"报告 {query}", understand=True, today=TODAY)
    assert ids(result) == {inside.id}


def test_an_undated_document_counts_by_its_upload_day(make_doc, find):
    undated = make_doc("报告")
    assert ids(find("报告 今天", understand=True)) == {undated.id}


@pytest.mark.parametrize("query", ["shanghai abc", "shanghaiabc", "shabc", "SHABC"])
def test_customers_are_found_by_pinyin_and_initials(make_doc, find, query, other_customer):
    own = make_doc("采购")
    make_doc("采购", customer=other_customer)
    result = find(query, understand=True)
    assert [c.name for c in result.customers] == ["上海ABC贸易有限公司"]
    assert ids(result) == {own.id}


def test_a_renamed_customer_is_found_by_its_new_name_only(make_doc, find, user, customer):
    document = make_doc("采购")
    customer_update(actor=user, customer=customer, name="上海新名贸易有限公司")
    assert ids(find("新名")) == {document.id}
    assert ids(find("ABC")) == set()
    assert [c.name for c in find("shxm", understand=True).customers] == ["上海新名贸易有限公司"]
