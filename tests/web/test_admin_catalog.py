"""Administration of the catalogue: document types (档号 pattern, 命名规则, live preview) and
tags (colours, rename, delete)."""

import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from docket.access import seeds
from docket.audit.models import AuditEvent
from docket.documents.models import DocumentType, Tag
from docket.documents.services import document_upload
from docket.search.engine import search
from docket.search.serializers import SearchParamsSerializer
from tests.conftest import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def archivist(db):
    return user_with_role("huangli", role=seeds.ARCHIVIST)


@pytest.fixture
def catalog_client(client, archivist) -> Client:
    """An archivist: `manage_catalog` without `manage_users`."""
    client.force_login(archivist)
    return client


def changes() -> list[dict]:
    events = AuditEvent.objects.filter(action=AuditEvent.Action.SETTINGS_CHANGE).order_by("seq")
    return [e.details for e in events]


NEW_TYPE = {
    "name": "保密协议",
    "code": "BM",
    "number_pattern": "BM-{year}-{seq:03d}",
    "naming_template": "{customer}_{type}_{date:%Y%m%d}",
}


def test_a_document_type_is_created_with_its_pattern_and_naming_rule(catalog_client):
    answer = catalog_client.post("/manage/types/", NEW_TYPE)
    assert answer.status_code == 302
    created = DocumentType.objects.get(name="保密协议")
    assert (created.code, created.number_pattern) == ("BM", "BM-{year}-{seq:03d}")
    page = catalog_client.get("/manage/types/").content.decode()
    assert "BM-2023-001" in page  # the example number in the list
    assert "上海ABC贸易有限公司_保密协议_20230101.pdf" in page
    assert changes() == [
        {"change": "document_type_created", "document_type": "保密协议"},
    ]


@pytest.mark.parametrize(
    "pattern",
    ["{code}-{year}", "{code}-{nope}-{seq}", "HT-{seq:s}", "HT-{year}-{seq", "{0}-{seq}"],
)
def test_a_document_type_with_a_broken_number_pattern_is_refused(catalog_client, pattern):
    answer = catalog_client.post("/manage/types/", NEW_TYPE | {"number_pattern": pattern})
    assert answer.status_code == 200
    assert "这个档号格式无效。它必须包含流水号 {seq}" in answer.content.decode()
    assert not DocumentType.objects.filter(name="保密协议").exists()
    assert changes() == []


def test_a_broken_naming_rule_and_a_taken_name_are_refused_with_their_reasons(catalog_client):
    answer = catalog_client.post("/manage/types/", NEW_TYPE | {"naming_template": "{secret}"})
    assert answer.status_code == 200
    assert "这个命名规则无效。" in answer.content.decode()
    DocumentType.objects.get_or_create(name="合同", defaults={"code": "HT"})
    answer = catalog_client.post("/manage/types/", NEW_TYPE | {"name": "合同"})
    assert answer.status_code == 200
    assert "已有同名或同代码的文档类型。" in answer.content.decode()


def test_the_preview_shows_the_example_number_and_name_or_why_not(catalog_client):
    answer = catalog_client.get("/manage/types/preview/", NEW_TYPE, HTTP_HX_REQUEST="true")
    page = answer.content.decode()
    assert answer.status_code == 200 and "<html" not in page  # a fragment for htmx
    assert "BM-2023-001" in page and "上海ABC贸易有限公司_保密协议_20230101.pdf" in page
    broken = catalog_client.get("/manage/types/preview/", NEW_TYPE | {"number_pattern": "BM"})
    assert "这个档号格式无效" in broken.content.decode()
    unnamed = catalog_client.get("/manage/types/preview/", NEW_TYPE | {"name": ""})
    assert "填写名称和代码后即可看到示例。" in unnamed.content.decode()
    assert changes() == []  # a preview saves nothing


def test_editing_a_type_changes_it_and_records_which_fields(catalog_client):
    contract = DocumentType.objects.get_or_create(name="合同", defaults={"code": "HT"})[0]
    answer = catalog_client.post(
        f"/manage/types/{contract.pk}/",
        {
            "name": "合同",
            "code": "HT",
            "number_pattern": "HT{year}{seq:05d}",
            "naming_template": contract.naming_template,
        },
    )
    assert answer.status_code == 302
    contract.refresh_from_db()
    assert contract.number_pattern == "HT{year}{seq:05d}"
    assert changes() == [
        {"change": "document_type_updated", "document_type": "合同", "fields": ["number_pattern"]}
    ]
    form = catalog_client.get(f"/manage/types/{contract.pk}/").content.decode()
    assert 'value="HT{year}{seq:05d}"' in form and "HT202300001" in form  # the preview


def test_a_tag_is_created_and_listed_with_its_colour(catalog_client):
    answer = catalog_client.post("/manage/tags/", {"name": "重要", "color": "#DC2626"})
    assert answer.status_code == 302
    assert Tag.objects.get(name="重要").color == "#dc2626"
    page = catalog_client.get("/manage/tags/").content.decode()
    assert 'class="tag" data-color="#dc2626" data-tag-sample>重要</span>' in page
    assert 'data-color="#dc2626"' in page and 'type="color"' in page
    assert changes() == [{"change": "tag_created", "tag": "重要", "color": "#dc2626"}]


def test_a_tag_with_a_taken_name_or_no_colour_is_refused(catalog_client):
    Tag.objects.create(name="重要")
    taken = catalog_client.post("/manage/tags/", {"name": "重要", "color": "#000000"})
    assert taken.status_code == 200 and "已有同名的标签。" in taken.content.decode()
    no_colour = catalog_client.post("/manage/tags/", {"name": "加急", "color": "red"})
    assert no_colour.status_code == 200 and "请选择一种颜色。" in no_colour.content.decode()
    assert Tag.objects.count() == 1


def test_a_tag_renamed_inline_reaches_its_documents_search_entries(
    catalog_client, archivist, contract_type, contract_pdf
):
    from docket.customers.services import customer_create

    tag = Tag.objects.create(name="加急", color="#f59e0b")
    customer = customer_create(actor=None, name="上海ABC贸易有限公司", owner=archivist)
    document_upload(
        actor=None,
        file=io.BytesIO(contract_pdf),
        filename="购销合同.pdf",
        customer=customer,
        document_type=contract_type,
        tags=[tag],
    )
    answer = catalog_client.post(
        f"/manage/tags/{tag.pk}/",
        {f"tag-{tag.pk}-name": "特急件", f"tag-{tag.pk}-color": "#dc2626"},
        HTTP_HX_REQUEST="true",
    )
    row = answer.content.decode()
    assert answer.status_code == 200 and "<html" not in row
    assert "已保存" in row and 'data-color="#dc2626"' in row and "1 份文档" in row
    params = SearchParamsSerializer(data={"q": "特急件"})
    assert params.is_valid()
    assert search(user=archivist, params=params.to_params()).count == 1
    assert changes()[-1] == {
        "change": "tag_updated",
        "tag": "特急件",
        "old_name": "加急",
        "color": "#dc2626",
        "old_color": "#f59e0b",
    }


def test_a_tag_is_deleted_after_asking(catalog_client):
    tag = Tag.objects.create(name="过期", color="#6b7280")
    question = catalog_client.get(f"/manage/tags/{tag.pk}/delete/").content.decode()
    assert "该标签将从 0 份文档上移除" in question
    assert Tag.objects.filter(pk=tag.pk).exists()
    answer = catalog_client.post(f"/manage/tags/{tag.pk}/delete/")
    assert answer.status_code == 302 and not Tag.objects.filter(pk=tag.pk).exists()
    assert changes() == [{"change": "tag_deleted", "tag": "过期", "documents": 0}]


def test_a_sales_user_may_not_preview_or_change_tags_even_with_htmx(client):
    client.force_login(user_with_role("wangfang", role=seeds.SALES))
    tag = Tag.objects.create(name="重要", color="#dc2626")
    answer = client.post(
        f"/manage/tags/{tag.pk}/", {f"tag-{tag.pk}-name": "x"}, HTTP_HX_REQUEST="true"
    )
    assert answer.status_code == 403
    tag.refresh_from_db()
    assert tag.name == "重要"


def queries_for(client: Client, url: str) -> int:
    client.get(url)  # the session's first use writes to it; count a later one
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_types_and_tags_lists_run_as_many_queries_for_30_rows_as_for_3(catalog_client):
    def grow(n: int) -> None:
        for _ in range(n):
            i = Tag.objects.count()
            Tag.objects.create(name=f"标签{i}", color="#10b981")
            DocumentType.objects.create(name=f"类型{i}", code=f"T{i}")

    grow(3)
    few = {url: queries_for(catalog_client, url) for url in ("/manage/types/", "/manage/tags/")}
    grow(27)
    for url, count in few.items():
        assert queries_for(catalog_client, url) == count, url
