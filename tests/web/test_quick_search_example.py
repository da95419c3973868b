"""The header's search box shows an example query in its placeholder: in each language the
example must be one the search really understands (the English one once read "contract ABC",
which finds nothing, since plain words are not read as types in English)."""

import datetime
import io
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext

from docket.accounts.preferences import language_set
from docket.customers.services import customer_create
from docket.documents.models import DocumentType
from docket.documents.services import document_create_from_blob
from docket.storage.blobstore import get_blob_store

pytestmark = pytest.mark.django_db

PLACEHOLDER = "Search documents, e.g. ABC type:contract last month"


def example(language: str) -> str:
    """The example in the catalogue's translation of the placeholder."""
    with translation.override(language):
        text = gettext(PLACEHOLDER)
    return re.split(r"e\.g\. |例如：", text, maxsplit=1)[1]


def last_month() -> tuple[datetime.date, datetime.date]:
    first_of_this = timezone.localdate().replace(day=1)
    end = first_of_this - datetime.timedelta(days=1)
    return end.replace(day=1), end


def file_document(user, customer, document_type, title: str, date: datetime.date):
    blob = get_blob_store().put(io.BytesIO(f"{title} {date}".encode()))
    return document_create_from_blob(
        actor=user,
        blob=blob,
        mime_type="text/plain",
        filename=f"{title}.txt",
        customer=customer,
        document_type=document_type,
        title=title,
        document_date=date,
        text=f"{title}\n签订日期：{date:%Y年%m月%d日}",
    )


@pytest.fixture
def contracts(user, customer, contract_type) -> dict[str, object]:
    """Of 上海ABC贸易有限公司: a contract of last month (the one meant), one of the month
    before, an invoice of last month; and a contract of last month of another customer."""
    invoice = DocumentType.objects.get_or_create(name="发票", defaults={"code": "FP"})[0]
    other = customer_create(actor=user, name="北京星河科技有限公司")
    start, end = last_month()
    earlier = start - datetime.timedelta(days=1)
    return {
        "meant": file_document(user, customer, contract_type, "购销合同", start),
        "earlier": file_document(user, customer, contract_type, "框架合同", earlier),
        "invoice": file_document(user, customer, invoice, "增值税发票", end),
        "other": file_document(user, other, contract_type, "星河采购合同", end),
    }


def understood(body: dict) -> dict[str, list]:
    return {entry["kind"]: entry["values"] for entry in body["understood"]}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_placeholders_example_finds_last_months_contracts_of_abc(
    api, customer, contract_type, contracts, language
):
    query = example(language)
    body = api.get("/api/search/", {"q": query}).json()
    assert [hit["id"] for hit in body["results"]] == [contracts["meant"].id], query
    read = understood(body)
    assert [value["name"] for value in read["customer"]] == ["上海ABC贸易有限公司"]
    assert [value["id"] for value in read["type"]] == [contract_type.id]
    start, end = last_month()
    assert read["date"] == [{"start": start.isoformat(), "end": end.isoformat()}]
    assert body["notices"] == []


def test_the_english_example_is_an_english_query_and_the_chinese_one_chinese():
    assert example("en") == "ABC type:contract last month"
    assert example("zh-hans") == "上个月 ABC 的合同"


@pytest.mark.parametrize(("language", "shown"), [("en", PLACEHOLDER), ("zh-hans", "搜索文档")])
def test_the_header_shows_the_example_in_the_users_language(client, user, language, shown):
    language_set(user=user, language=language)
    client.force_login(user)
    page = client.get("/").content.decode()
    placeholder = re.search(r'id="quick-q"[^>]*placeholder="([^"]*)"', page)[1]
    assert placeholder.startswith(shown) and placeholder.endswith(example(language))
