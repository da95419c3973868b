"""What the history of a document and its customer's timeline say an edit changed: each field
with its old and new value, the tags added and taken off by name, in the reader's language;
events recorded before edits kept their values still say which fields changed."""

import datetime

import pytest
from django.test import Client

from docket.access import seeds
from docket.accounts.preferences import language_set
from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.customers.services import customer_create, customer_update
from docket.documents.models import Document, DocumentType, Tag
from docket.documents.services import document_update
from tests.conftest import user_with_role
from tests.web.test_document_page import Office, history_of, make_office

pytestmark = pytest.mark.django_db

ZH_CHANGES = (
    "标题：购销合同 → 购销合同（修订）；客户：上海ABC贸易有限公司 → 北京XYZ科技有限公司；"
    "类型：合同 → 报价单；日期：2023年1月1日 → 2023年2月1日"
)
EN_CHANGES = (
    "Title: 购销合同 → 购销合同（修订）; Customer: 上海ABC贸易有限公司 → 北京XYZ科技有限公司; "
    "Type: Contract → Quotation; Date: Jan. 1, 2023 → Feb. 1, 2023"
)


@pytest.fixture
def office(db) -> Office:
    office = make_office()
    Document.objects.filter(pk=office.document.pk).update(document_date=datetime.date(2023, 1, 1))
    office.document.tags.add(Tag.objects.create(name="草稿"))  # as it was filed, no event
    office.document.refresh_from_db()
    return office


def reader(user, language: str) -> Client:
    language_set(user=user, language=language)
    client = Client()
    client.force_login(user)
    return client


def edit_everything(client: Client, office: Office) -> None:
    """Title, customer, type and date in the form; then two tags on, one off, as the page
    does it: one request (and one event) each."""
    other = customer_create(actor=None, name="北京XYZ科技有限公司", owner=office.owner)
    quotation = DocumentType.objects.get_or_create(name="报价单", defaults={"code": "BJD"})[0]
    document = office.document
    answer = client.post(
        f"/documents/{document.id}/edit/",
        {
            "title": "购销合同（修订）",
            "customer": other.id,
            "document_type": quotation.id,
            "document_date": "2023-02-01",
            "status": document.status,
            "notes": document.notes,
        },
    )
    assert answer.status_code == 302
    tags = f"/documents/{document.id}/tags/"
    assert client.post(tags, {"name": "重要"}).status_code == 302
    assert client.post(tags, {"name": "加急"}).status_code == 302
    assert client.post(tags, {"remove": Tag.objects.get(name="草稿").id}).status_code == 302


def test_an_edit_records_old_and_new_values_and_the_tags_by_name(office):
    edit_everything(reader(office.manager, "zh-hans"), office)
    edits = AuditEvent.objects.filter(document_id=office.document.id, action="edit")
    form, important, urgent, draft = [event.details for event in edits.order_by("seq")]
    new_customer = Document.objects.get(pk=office.document.pk).customer
    quotation = DocumentType.objects.get(code="BJD")
    contract = DocumentType.objects.get(code="HT")
    assert form == {
        "fields": ["customer", "document_date", "document_type", "title"],
        "title": {"from": "购销合同", "to": "购销合同（修订）"},
        "customer": {
            "from": {"id": office.customer.id, "name": "上海ABC贸易有限公司"},
            "to": {"id": new_customer.id, "name": "北京XYZ科技有限公司"},
        },
        "document_type": {
            "from": {"id": contract.id, "code": "HT", "name": "合同"},
            "to": {"id": quotation.id, "code": "BJD", "name": "报价单"},
        },
        "document_date": {"from": "2023-01-01", "to": "2023-02-01"},
    }
    assert important == {"fields": ["tags"], "tags": {"added": ["重要"], "removed": []}}
    assert urgent == {"fields": ["tags"], "tags": {"added": ["加急"], "removed": []}}
    assert draft == {"fields": ["tags"], "tags": {"added": [], "removed": ["草稿"]}}


def test_the_history_says_each_change_with_its_old_and_new_value_in_chinese(office):
    client = reader(office.manager, "zh-hans")
    edit_everything(client, office)
    history = history_of(client.get(f"/documents/{office.document.id}/").content.decode())
    assert ZH_CHANGES in history
    assert "标签：+重要" in history and "标签：+加急" in history and "标签：−草稿" in history
    assert "修改了" not in history


def test_the_history_says_each_change_with_its_old_and_new_value_in_english(office):
    client = reader(office.manager, "en")
    edit_everything(client, office)
    history = history_of(client.get(f"/documents/{office.document.id}/").content.decode())
    assert EN_CHANGES in history
    assert "Tags: +重要" in history and "Tags: +加急" in history and "Tags: −草稿" in history


def test_the_customer_timeline_says_the_same_changes(office):
    client = reader(office.manager, "zh-hans")
    edit_everything(client, office)
    customer = Document.objects.get(pk=office.document.pk).customer  # where it is now
    timeline = client.get(f"/customers/{customer.id}/history/").content.decode()
    assert ZH_CHANGES in timeline and "标签：+重要" in timeline and "标签：−草稿" in timeline
    english = reader(office.manager, "en").get(f"/customers/{customer.id}/history/")
    assert EN_CHANGES in english.content.decode()


def test_the_audit_page_says_the_same_changes(office):
    edit_everything(reader(office.manager, "zh-hans"), office)
    admin = reader(user_with_role("itadmin", role=seeds.ADMINISTRATOR), "zh-hans")
    page = admin.get("/manage/audit/?user=chenjing&action=edit").content.decode()
    assert ZH_CHANGES in page and "标签：+重要" in page and "标签：−草稿" in page


def test_a_long_title_is_recorded_cut_to_100_characters(office):
    long_title = "上海ABC贸易有限公司2023年度框架采购合同" * 10
    document_update(actor=office.manager, document=office.document, title=long_title)
    change = AuditEvent.objects.filter(action="edit").latest("seq").details["title"]
    assert change["from"] == "购销合同"
    assert len(change["to"]) == 100 and change["to"] == long_title[:99] + "…"


def test_the_history_keeps_the_names_a_customer_and_a_tag_had_then(office):
    client = reader(office.manager, "zh-hans")
    edit_everything(client, office)
    customer_update(actor=None, customer=office.customer, name="上海ABC国际贸易有限公司")
    Tag.objects.filter(name="草稿").delete()
    history = history_of(client.get(f"/documents/{office.document.id}/").content.decode())
    assert "客户：上海ABC贸易有限公司 → 北京XYZ科技有限公司" in history
    assert "标签：−草稿" in history


def test_a_renumbering_status_and_notes_say_what_changed(office):
    document = office.document
    old_number = document.archive_number
    quotation = DocumentType.objects.get_or_create(name="报价单", defaults={"code": "BJD"})[0]
    document_update(
        actor=office.manager,
        document=document,
        renumber=True,
        document_type=quotation,
        status=Document.Status.ARCHIVED,
        notes="客户要求加急",
        document_date=None,
    )
    document.refresh_from_db()
    assert old_number.startswith("HT-") and document.archive_number.startswith("BJD-")
    history = history_of(
        reader(office.manager, "zh-hans").get(f"/documents/{document.id}/").content.decode()
    )
    assert (
        f"类型：合同 → 报价单；档号：{old_number} → {document.archive_number}；"
        "日期：2023年1月1日 → 未填写；状态：有效 → 已归档；修改了：备注"
    ) in history


def test_an_edit_that_changed_nothing_it_names_says_only_the_fields(office):
    document_update(actor=office.manager, document=office.document, title="购销合同")
    edit = AuditEvent.objects.filter(action="edit").latest("seq")
    assert edit.details == {"fields": ["title"]}
    history = history_of(
        reader(office.manager, "zh-hans").get(f"/documents/{office.document.id}/").content.decode()
    )
    assert "修改了：标题" in history


def test_an_event_recorded_before_values_were_kept_still_says_which_fields_changed(office):
    document = office.document
    audit_record(
        action=AuditEvent.Action.EDIT,
        actor=office.manager,
        document_id=document.id,
        customer_id=document.customer_id,
        details={"fields": ["archive_number", "document_type", "tags", "title"]},
    )
    zh = history_of(
        reader(office.manager, "zh-hans").get(f"/documents/{document.id}/").content.decode()
    )
    assert "修改了：档号、类型、标签、标题" in zh
    en = history_of(reader(office.manager, "en").get(f"/documents/{document.id}/").content.decode())
    assert "Changed: archive number, type, tags, title" in en
    timeline = reader(office.manager, "zh-hans").get(f"/customers/{office.customer.id}/history/")
    assert "修改了：档号、类型、标签、标题" in timeline.content.decode()


def test_a_reader_who_may_not_see_the_customer_a_document_came_from_is_not_told_its_name(
    office,
):
    theirs = customer_create(actor=None, name="北京XYZ科技有限公司", owner=office.outsider)
    document_update(actor=None, document=office.document, customer=theirs)
    page = reader(office.outsider, "zh-hans").get(f"/documents/{office.document.id}/")
    history = history_of(page.content.decode())
    assert "客户：另一位客户 → 北京XYZ科技有限公司" in history
    assert "上海ABC" not in history
    api = reader(office.outsider, "zh-hans").get(f"/api/documents/{office.document.id}/history/")
    moved = next(e for e in api.json()["results"] if e["action"] == "edit")
    assert moved["details"]["customer"]["from"] == {"id": None, "name": None}
    assert "上海ABC" not in api.content.decode()
    recorded = [
        e.details for e in AuditEvent.objects.filter(action="edit") if "customer" in e.details
    ]
    # The trail keeps the name; only what this reader is shown leaves it out.
    assert [d["customer"]["from"]["name"] for d in recorded] == ["上海ABC贸易有限公司"]
