"""The upload row of a file the pipeline filed without asking: its uploader, though their role
may not edit documents, accepts a suggested tag with one click or corrects the filing with the
review's form, for 24 hours (ingest.correction); anyone else is refused, audited as denied."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone

from docket.access import seeds
from docket.access.models import Role, Team
from docket.accounts.preferences import language_set
from docket.audit.models import AuditEvent
from docket.customers.services import customer_create
from docket.demo.pdfgen import make_pdf
from docket.documents.models import Document, DocumentType, Tag
from docket.documents.services import document_update
from docket.ingest.models import IngestJob, MatchRule
from docket.ingest.services import ingest_submit
from tests.conftest import named_file, user_with_role
from tests.web.conftest import shot, sign_in

# Names its customer in full; the rules below give it the type 合同 (certain) and suggest the
# tag 重要 at 86% ("付款方式和期限" is one character off the rule's phrase).
CONTRACT = [
    "购销合同",
    "甲方：上海ABC贸易有限公司",
    "付款方式和期限：货到三十日内付清",
    "签订日期：2023年1月1日",
]
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def team(db):
    seeds.ensure_roles()
    return Team.objects.create(name="华东销售组")


@pytest.fixture
def sales(team):
    return user_with_role("wangfang", role="sales", team=team)


@pytest.fixture
def abc(sales):
    return customer_create(actor=None, name="上海ABC贸易有限公司", owner=sales)


@pytest.fixture
def xyz(sales):
    return customer_create(actor=None, name="北京XYZ科技有限公司", owner=sales)


@pytest.fixture
def quotation(db) -> DocumentType:
    return DocumentType.objects.get_or_create(name="报价单", defaults={"code": "BJD"})[0]


def suggest_contract_and_important(settings) -> DocumentType:
    """Rules that file a contract as 合同 and only suggest the tag 重要 (below the threshold);
    the type 合同."""
    settings.SUGGESTION_THRESHOLD = 0.9
    contract = DocumentType.objects.get_or_create(name="合同", defaults={"code": "HT"})[0]
    important = Tag.objects.create(name="重要")
    MatchRule.objects.create(
        target_kind="type", target_id=contract.id, mode="any", pattern="购销合同"
    )
    MatchRule.objects.create(
        target_kind="tag", target_id=important.id, mode="fuzzy", pattern="付款方式及期限"
    )
    return contract


@pytest.fixture
def filed(sales, abc, settings, run_tasks) -> IngestJob:
    suggest_contract_and_important(settings)
    job = ingest_submit(
        actor=sales,
        file=named_file(make_pdf(CONTRACT), "购销合同.pdf"),
        filename="购销合同.pdf",
        source=IngestJob.Source.UPLOAD,
    )
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.DONE, job.reason
    assert job.document.archive_number == "HT-2023-0001" and not job.document.tags.exists()
    return job


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class Forms(HTMLParser):
    """The forms of a page, each as its class and the values of its named fields."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append((attrs.get("class", ""), {}))
        elif tag in ("input", "select") and self.forms and attrs.get("name"):
            self.forms[-1][1].setdefault(attrs["name"], attrs.get("value") or "")
        elif tag == "option" and "selected" in attrs and self.forms:
            self.forms[-1][1]["type"] = attrs["value"]


def forms_of(html: str, kind: str) -> list[dict[str, str]]:
    parser = Forms()
    parser.feed(html)
    return [fields for classes, fields in parser.forms if kind in classes.split()]


def test_the_uploaders_row_offers_the_suggested_tag_and_the_correction_form_in_chinese(
    sales, filed
):
    row = signed_in(sales).get(f"/upload/jobs/{filed.id}/").content.decode()
    until = timezone.localtime(filed.document.created_at + datetime.timedelta(hours=24))
    assert f"Docket 已为您自动归档：{until:%Y-%m-%d %H:%M} 前您可以接受或更正它的建议。" in row
    assert '<details class="job-suggestions" open>' in row
    assert "接受标签 重要（86%）" in row
    [form] = forms_of(row, "filing-form")
    assert form["title"] == "购销合同" and form["tags"] == ""
    assert "保存更正" in row and "标题" in row


def test_the_uploaders_row_speaks_english_to_an_english_user(sales, filed):
    language_set(user=sales, language="en")
    row = signed_in(sales).get(f"/upload/jobs/{filed.id}/").content.decode()
    assert "Docket filed this for you: accept its suggestions or correct them until" in row
    assert "Accept tag 重要 (86%)" in row
    assert "Save corrections" in row and ">Title<" in row


def test_one_click_accepts_the_suggested_tag_and_the_edit_is_audited(sales, abc, filed):
    client = signed_in(sales)
    [accept] = forms_of(client.get(f"/upload/jobs/{filed.id}/").content.decode(), "accept-tag")
    answer = client.post(f"/upload/jobs/{filed.id}/correct/", accept, **HTMX)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "您的更正已保存。" in html and "接受标签" not in html
    document = Document.objects.get()
    assert [t.name for t in document.tags.all()] == ["重要"]
    assert (document.customer, document.title, document.archive_number) == (
        abc, "购销合同", "HT-2023-0001",
    )  # fmt: skip
    event = AuditEvent.objects.get(action="edit", document_id=document.id)
    added = {"fields": ["tags"], "tags": {"added": ["重要"], "removed": []}}
    assert (event.actor, event.details) == (sales, added)


def test_a_tag_accepted_from_a_page_shown_before_another_edit_keeps_that_edit(sales, abc, filed):
    client = signed_in(sales)
    [accept] = forms_of(client.get(f"/upload/jobs/{filed.id}/").content.decode(), "accept-tag")
    assert set(accept) == {"csrfmiddlewaretoken", "add_tag"}  # only the tag is sent
    archivist = user_with_role("huangli", seeds.ARCHIVIST)
    document_update(actor=archivist, document=Document.objects.get(), title="购销合同（盖章版）")
    answer = client.post(f"/upload/jobs/{filed.id}/correct/", accept, **HTMX)
    assert answer.status_code == 403  # the filing is someone else's work now
    document = Document.objects.get()
    assert (document.title, [t.name for t in document.tags.all()]) == ("购销合同（盖章版）", [])
    editor = signed_in(archivist)  # who may edit: the tag on top of the edit, nothing undone
    answer = editor.post(f"/upload/jobs/{filed.id}/correct/", accept, **HTMX)
    assert answer.status_code == 200
    document = Document.objects.get()
    assert (document.title, [t.name for t in document.tags.all()]) == (
        "购销合同（盖章版）",
        ["重要"],
    )


def test_the_uploader_changes_the_type_and_the_document_takes_its_archive_number(
    sales, xyz, quotation, filed
):
    client = signed_in(sales)
    [form] = forms_of(client.get(f"/upload/jobs/{filed.id}/").content.decode(), "filing-form")
    form |= {"customer": str(xyz.id), "customer_text": xyz.name}  # as the picker sets them
    form |= {"type": str(quotation.id), "title": "XYZ报价单"}
    answer = client.post(f"/upload/jobs/{filed.id}/correct/", form, **HTMX)
    assert answer.status_code == 200 and "BJD-2023-0001 · XYZ报价单" in answer.content.decode()
    document = Document.objects.get()
    assert (document.customer, document.document_type) == (xyz, quotation)
    event = AuditEvent.objects.get(action="edit", document_id=document.id)
    assert event.details["archive_number"] == {"from": "HT-2023-0001", "to": "BJD-2023-0001"}


def test_an_emptied_title_is_refused_in_chinese_and_nothing_changes(sales, filed):
    client = signed_in(sales)
    [form] = forms_of(client.get(f"/upload/jobs/{filed.id}/").content.decode(), "filing-form")
    answer = client.post(f"/upload/jobs/{filed.id}/correct/", form | {"title": " "}, **HTMX)
    assert answer.status_code == 400
    assert "标题" in answer.content.decode()
    assert Document.objects.get().title == "购销合同"
    assert not AuditEvent.objects.filter(action="edit", document_id=filed.document_id).exists()


def test_a_team_colleague_who_may_see_but_not_edit_is_refused_and_audited_as_denied(
    team, sales, filed, quotation
):
    # A team-scoped role that views and uploads: it sees the team's uploads, edits nothing.
    Role.objects.create(
        code="assistant", name="销售助理", scope="team", permissions=["view", "download", "upload"]
    )
    colleague = user_with_role("zhaolei", role="assistant", team=team)
    client = signed_in(colleague)
    row = client.get(f"/upload/jobs/{filed.id}/").content.decode()
    assert "/correct/" not in row and "接受标签" not in row
    choice = {"customer": filed.document.customer_id, "type": quotation.id, "tags": "重要"}
    answer = client.post(f"/upload/jobs/{filed.id}/correct/", choice, **HTMX)
    assert answer.status_code == 403
    assert "只有上传此文件的人（归档后 24 小时内）或有权编辑该文档的人可以更正其归档" in (
        answer.content.decode()
    )
    denied = AuditEvent.objects.get(outcome="denied")
    assert (denied.actor, denied.action, denied.document_id) == (
        colleague,
        "edit",
        filed.document_id,
    )
    assert Document.objects.get().document_type.code == "HT"


def test_after_24_hours_the_uploader_sees_no_form_and_is_refused_in_english(sales, filed):
    filed_at = timezone.now() - datetime.timedelta(hours=25)
    Document.objects.update(created_at=filed_at)
    language_set(user=sales, language="en")
    client = signed_in(sales)
    row = client.get(f"/upload/jobs/{filed.id}/").content.decode()
    assert "/correct/" not in row and "Accept tag" not in row
    choice = {"customer": filed.document.customer_id, "type": filed.document.document_type_id}
    answer = client.post(f"/upload/jobs/{filed.id}/correct/", choice | {"tags": "重要"}, **HTMX)
    assert answer.status_code == 403
    ended = timezone.localtime(filed_at + datetime.timedelta(hours=24))
    assert f"the time to correct this filing ended at {ended:%Y-%m-%d %H:%M}" in (
        answer.content.decode()
    )
    assert AuditEvent.objects.filter(outcome="denied", actor=sales).count() == 1
    assert not Document.objects.get().tags.exists()


# --- in the browser -------------------------------------------------------------------------
@pytest.mark.browser
def test_a_sales_user_accepts_a_suggested_tag_then_changes_the_type_of_their_filed_upload(
    page, sales, abc, quotation, settings, worker
):
    contract = suggest_contract_and_important(settings)
    sign_in(page, "wangfang", "pw-wangfang-123")
    page.goto("/upload/")
    page.get_by_label("选择文件").set_input_files(
        [{"name": "购销合同.pdf", "mimeType": "application/pdf", "buffer": make_pdf(CONTRACT)}]
    )
    row = page.locator("#jobs > li.job", has_text="购销合同.pdf")
    row.locator(".badge.state-done").wait_for(timeout=60_000)
    assert row.get_by_role("link", name=re.compile("HT-2023-0001")).is_visible()
    assert row.get_by_text("Docket 已为您自动归档").is_visible()
    shot(page, "upload-own-filing")

    row.get_by_role("button", name="接受标签 重要（86%）").click()  # one click
    row.get_by_role("status").filter(has_text="您的更正已保存。").wait_for()
    assert row.locator(".job-status .tag", has_text="重要").is_visible()
    document = Document.objects.get()
    assert [t.name for t in document.tags.all()] == ["重要"]

    row.get_by_label("类型").select_option(label="报价单")
    row.get_by_role("button", name="保存更正").click()
    row.get_by_role("link", name=re.compile("BJD-2023-0001")).wait_for()
    shot(page, "upload-own-filing-corrected")
    document.refresh_from_db()
    assert (document.customer, document.document_type) == (abc, quotation)
    assert document.archive_number == "BJD-2023-0001"
    assert [t.name for t in document.tags.all()] == ["重要"]
    events = AuditEvent.objects.filter(document_id=document.id).exclude(action__in=["view"])
    assert [(e.action, e.actor, e.outcome, e.details) for e in events.order_by("seq")] == [
        (
            "upload",
            sales,
            "success",
            {"file": "购销合同.pdf", "size": document.versions.get().size},
        ),
        (
            "edit",
            sales,
            "success",
            {"fields": ["tags"], "tags": {"added": ["重要"], "removed": []}},
        ),
        (
            "edit",
            sales,
            "success",
            {
                "fields": ["archive_number", "document_type"],
                "archive_number": {"from": "HT-2023-0001", "to": "BJD-2023-0001"},
                "document_type": {
                    "from": {"id": contract.id, "code": "HT", "name": "合同"},
                    "to": {"id": quotation.id, "code": "BJD", "name": "报价单"},
                },
            },
        ),
    ]
