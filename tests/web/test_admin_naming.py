"""A document type's naming rule at work on its administration page: the documents whose
names are off the rule (a page at a time), and applying the rule — a preview of the renames,
then a confirmation that renames and is recorded."""

import datetime
import io

import pytest
from django.test import Client

from docket.access import seeds
from docket.access.models import Role
from docket.audit.models import AuditEvent
from docket.customers.services import customer_create
from docket.documents.catalog import document_type_update
from docket.documents.models import Document, DocumentType
from docket.documents.services import document_upload
from docket.web.views import admin_naming
from tests.conftest import user_with_role
from tests.web.test_admin_pages import queries_for

pytestmark = pytest.mark.django_db
CUSTOMER = "上海ABC贸易有限公司"


@pytest.fixture
def catalog_client(client) -> Client:
    """An archivist (`manage_catalog`, every document's metadata), signed in."""
    client.force_login(user_with_role("huangli", role=seeds.ARCHIVIST))
    return client


def file_contracts(customer, document_type, count: int) -> list[Document]:
    """`count` contracts of the customer, titled 购销合同<n>, uploaded as 扫描件<n>.txt."""
    start = Document.all_objects.count()
    return [
        document_upload(
            actor=None,
            file=io.BytesIO(f"购销合同 第{n}号 ¥128,000.00".encode()),
            filename=f"扫描件{n:04d}.txt",
            customer=customer,
            document_type=document_type,
            title=f"购销合同{n}",
            document_date=datetime.date(2023, 1, 1),
        )
        for n in range(start, start + count)
    ]


@pytest.fixture
def contracts(db):
    """The contract type and a way to file n contracts of 上海ABC贸易有限公司 under it."""
    contract = DocumentType.objects.get_or_create(name="合同", defaults={"code": "HT"})[0]
    customer = customer_create(actor=None, name=CUSTOMER)

    def file(n: int, owner_customer=customer) -> list[Document]:
        return file_contracts(owner_customer, contract, n)

    file.type = contract
    file.customer = customer
    return file


def rule_changed(contracts, template: str = "{title}_{date:%Y年%m月%d日}") -> DocumentType:
    return document_type_update(actor=None, document_type=contracts.type, naming_template=template)


def names_url(contracts) -> str:
    return f"/manage/types/{contracts.type.pk}/names/"


def test_the_type_page_loads_its_names_off_the_rule_in_a_request_of_their_own(
    catalog_client, contracts
):
    contracts(2)
    page = catalog_client.get(f"/manage/types/{contracts.type.pk}/").content.decode()
    assert f'hx-get="{names_url(contracts)}"' in page and 'hx-trigger="load"' in page
    report = catalog_client.get(names_url(contracts), HTTP_HX_REQUEST="true")
    assert report.status_code == 200
    assert "此类型的所有文档都已按规则命名。" in report.content.decode()
    rule_changed(contracts)
    report = catalog_client.get(names_url(contracts), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in report  # the section alone, for htmx to swap in
    assert f"{CUSTOMER}_合同_" in report  # the name now
    assert "扫描件0000.txt" in report  # as uploaded
    assert "购销合同0_" in report  # under the rule
    assert f'href="/manage/types/{contracts.type.pk}/rename/"' in report


def test_the_names_off_the_rule_come_a_page_at_a_time(catalog_client, contracts):
    documents = contracts(admin_naming.REPORT_ROWS + 3)
    rule_changed(contracts)
    first = catalog_client.get(names_url(contracts)).content.decode()
    assert first.count("<tr>") == admin_naming.REPORT_ROWS + 1  # and the header's
    last_shown = documents[admin_naming.REPORT_ROWS - 1]
    assert f"?after={last_shown.pk}" in first
    second = catalog_client.get(f"{names_url(contracts)}?after={last_shown.pk}").content.decode()
    assert second.count("<tr>") == 3 + 1 and 'rel="next"' not in second
    assert "第一页" in second and documents[-1].title in second


def test_applying_the_rule_shows_the_renames_then_renames_on_confirmation(
    catalog_client, contracts
):
    documents = contracts(3)
    before = [d.file_stem for d in documents]
    rule = rule_changed(contracts, "{customer}_{type}").naming_template
    preview = catalog_client.get(f"/manage/types/{contracts.type.pk}/rename/")
    text = preview.content.decode()
    assert preview.status_code == 200 and "将有 3 个文档改名。" in text
    for new in (f"{CUSTOMER}_合同", f"{CUSTOMER}_合同_2", f"{CUSTOMER}_合同_3"):
        assert f"<code>{new}</code>" in text
    assert [d.file_stem for d in Document.objects.order_by("id")] == before  # nothing yet
    answer = catalog_client.post(f"/manage/types/{contracts.type.pk}/rename/", {"rule": rule})
    assert answer.status_code == 302
    assert answer["Location"] == f"/manage/types/{contracts.type.pk}/#names"
    assert [d.file_stem for d in Document.objects.order_by("id")] == [
        f"{CUSTOMER}_合同",
        f"{CUSTOMER}_合同_2",
        f"{CUSTOMER}_合同_3",
    ]
    assert "已给 3 个文档改名。" in catalog_client.get(answer["Location"]).content.decode()
    event = AuditEvent.objects.get(details__change="naming_rule_applied")
    assert (event.actor_name, event.details["renamed"], event.details["rule"]) == (
        "huangli",
        3,
        "{customer}_{type}",
    )


def test_a_rule_changed_after_its_preview_is_not_applied(catalog_client, contracts):
    documents = contracts(2)
    previewed = rule_changed(contracts, "{title}").naming_template
    rule_changed(contracts, "{archive_number}")
    answer = catalog_client.post(f"/manage/types/{contracts.type.pk}/rename/", {"rule": previewed})
    assert answer["Location"] == f"/manage/types/{contracts.type.pk}/rename/"
    assert "预览之后命名规则已被修改" in catalog_client.get(answer["Location"]).content.decode()
    assert [d.file_stem for d in Document.objects.order_by("id")] == [
        d.file_stem for d in documents
    ]
    assert not AuditEvent.objects.filter(details__change="naming_rule_applied").exists()


def test_one_confirmation_renames_up_to_the_limit_and_says_more_remain(
    catalog_client, contracts, monkeypatch
):
    monkeypatch.setattr(admin_naming, "APPLY_LIMIT", 2)
    contracts(3)
    rule = rule_changed(contracts, "{title}").naming_template
    preview = catalog_client.get(f"/manage/types/{contracts.type.pk}/rename/").content.decode()
    assert "每次确认改名前 2 个；其余的请再次执行。" in preview
    url = f"/manage/types/{contracts.type.pk}/rename/"
    page = catalog_client.post(url, {"rule": rule}, follow=True).content.decode()
    assert "已给 2 个文档改名。" in page and "还有名称不符合规则" in page
    titles = [d.file_stem for d in Document.objects.order_by("id")]
    assert titles[:2] == ["购销合同0", "购销合同1"] and titles[2] != "购销合同2"
    page = catalog_client.post(url, {"rule": rule}, follow=True).content.decode()
    assert "已给 1 个文档改名。" in page and "还有名称不符合规则" not in page


def test_nothing_to_rename_is_said_and_offers_no_confirmation(catalog_client, contracts):
    contracts(2)
    preview = catalog_client.get(f"/manage/types/{contracts.type.pk}/rename/").content.decode()
    assert "没有需要改名的" in preview and 'name="rule"' not in preview


def test_a_catalogue_manager_sees_only_the_names_of_documents_they_may_see(client, contracts):
    curator = Role.objects.create(
        code="curator",
        name="资料员",
        scope="own",
        permissions=["view"],
        capabilities=["manage_catalog"],
    )
    person = user_with_role("sunli", role=curator.code)
    theirs = customer_create(actor=None, name="北京星河科技有限公司", owner=person)
    contracts(2)
    contracts(1, owner_customer=theirs)
    rule_changed(contracts, "{title}")
    client.force_login(person)
    report = client.get(names_url(contracts)).content.decode()
    assert "北京星河科技有限公司" in report and CUSTOMER not in report
    preview = client.get(f"/manage/types/{contracts.type.pk}/rename/").content.decode()
    assert "将有 3 个文档改名。" in preview  # the rule renames every document of the type
    assert "其中 2 个文档您无权查看" in preview and CUSTOMER not in preview


def test_a_sales_user_is_refused_the_report_and_the_renaming(client, contracts):
    documents = contracts(2)
    rule = rule_changed(contracts, "{title}").naming_template
    client.force_login(user_with_role("wangfang", role=seeds.SALES))
    for url in (names_url(contracts), f"/manage/types/{contracts.type.pk}/rename/"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"rule": rule}).status_code == 403, url
    assert [d.file_stem for d in Document.objects.order_by("id")] == [
        d.file_stem for d in documents
    ]


def test_the_names_and_the_preview_run_as_many_queries_for_30_documents_as_for_3(
    catalog_client, contracts
):
    contracts(3)
    rule_changed(contracts, "{title}")
    urls = [names_url(contracts), f"/manage/types/{contracts.type.pk}/rename/"]
    few = {url: queries_for(catalog_client, url) for url in urls}
    contracts(27)
    for url, count in few.items():
        assert queries_for(catalog_client, url) == count, url
