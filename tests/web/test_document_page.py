"""The document page: who sees what (404 for outsiders, metadata only above clearance), the
edit of its details and tags, the view it records, and a query count that does not grow with
its versions, grants and history."""

import io
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from docket.access import seeds
from docket.access import services as access_services
from docket.access.models import Level, Permission, Team
from docket.audit.models import AuditEvent
from docket.customers.models import Customer
from docket.customers.services import customer_create
from docket.documents.models import Document, DocumentType, Tag
from docket.documents.services import (
    document_create_from_blob,
    document_update,
    version_add_from_blob,
)
from docket.documents.text import normalise
from docket.storage.blobstore import get_blob_store
from tests.conftest import download, user_with_role

pytestmark = pytest.mark.django_db

# As text extraction leaves it (NFKC: a full-width colon becomes ":").
CONTRACT_TEXT = normalise(
    "购销合同\n甲方：上海ABC贸易有限公司\n合同金额：¥128,000.00\n签订日期：2023年1月1日"
)


@dataclass
class Office:
    owner: AbstractBaseUser  # sales (view, download, upload), owns the customer
    colleague: AbstractBaseUser  # sales in the same team, given `view` on the document only
    outsider: AbstractBaseUser  # sales in another team
    manager: AbstractBaseUser  # the owner's team's manager
    archivist: AbstractBaseUser  # all metadata, clearance 内部
    customer: Customer
    document: Document


def filed(customer, *, title="购销合同", text=CONTRACT_TEXT, mime="text/plain", data=None):
    doc_type = DocumentType.objects.get_or_create(name="合同", defaults={"code": "HT"})[0]
    blob = get_blob_store().put(io.BytesIO(data or text.encode()))
    return document_create_from_blob(
        actor=customer.owner,
        blob=blob,
        mime_type=mime,
        filename=f"{title}.txt",
        customer=customer,
        document_type=doc_type,
        title=title,
        text=text,
    )


@pytest.fixture
def office(db) -> Office:
    return make_office()


def make_office() -> Office:
    seeds.ensure_roles()
    east = Team.objects.create(name="华东销售组")
    north = Team.objects.create(name="华北销售组")
    owner = user_with_role("wangfang", seeds.SALES, team=east)
    customer = customer_create(actor=None, name="上海ABC贸易有限公司", owner=owner, region="上海")
    document = filed(customer)
    colleague = user_with_role("zhaolei", seeds.SALES, team=east)
    access_services.grant_add(
        actor=None, permission=Permission.VIEW, user=colleague, document=document
    )
    return Office(
        owner=owner,
        colleague=colleague,
        outsider=user_with_role("liuyang", seeds.SALES, team=north),
        manager=user_with_role("chenjing", seeds.MANAGER, team=east),
        archivist=user_with_role("huangli", seeds.ARCHIVIST, clearance=Level.INTERNAL),
        customer=customer,
        document=document,
    )


def page_of(client, user, document) -> str:
    client.force_login(user)
    response = client.get(f"/documents/{document.id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_details_text_versions_and_history_and_records_the_view(client, office):
    page = page_of(client, office.manager, office.document)
    document = office.document
    assert "<h1>购销合同</h1>" in page
    for shown in ("上海ABC贸易有限公司", document.archive_number, "内部", "有效", "购销合同.txt"):
        assert shown in page
    assert "合同金额:¥128,000.00" in page  # the text, in its collapsible section
    assert (
        f"/documents/{document.id}/edit/" in page
        and f"/api/documents/{document.id}/download/" in page
    )
    assert AuditEvent.objects.filter(
        action=AuditEvent.Action.VIEW, document_id=document.id, actor=office.manager
    ).exists()


def test_a_pdf_is_framed_from_the_preview_endpoint_and_an_image_is_inline(
    client, office, contract_pdf
):
    pdf = filed(office.customer, title="扫描合同", mime="application/pdf", data=contract_pdf)
    page = page_of(client, office.owner, pdf)
    src = f"/api/documents/{pdf.id}/preview/#view=FitH&amp;navpanes=0"  # fitted, no thumbnails
    assert f'<iframe class="preview-frame" src="{src}"' in page
    image = filed(office.customer, title="营业执照", mime="image/png", data=b"\x89PNG fake")
    page = page_of(client, office.owner, image)
    assert f'<img class="preview-image" src="/api/documents/{image.id}/preview/"' in page
    page = page_of(client, office.owner, office.document)  # text: no preview, a download
    assert "preview-frame" not in page and "无法在浏览器中显示" in page
    assert "preview-thumbnail" not in page  # none was made
    office.document.versions.update(thumbnail_sha256="ab" * 32)  # e.g. a scanned OFD's
    page = page_of(client, office.owner, office.document)
    assert f'src="/api/documents/{office.document.id}/thumbnail/"' in page


def test_the_preview_may_be_framed_by_this_site_only_and_stays_sandboxed(
    client, office, contract_pdf
):
    pdf = filed(office.customer, title="扫描合同", mime="application/pdf", data=contract_pdf)
    client.force_login(office.owner)
    preview, body = download(client, f"/api/documents/{pdf.id}/preview/")
    assert preview.status_code == 200 and body == contract_pdf
    policy = preview["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "frame-ancestors 'self'" in policy
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    page = client.get(f"/documents/{pdf.id}/")  # everything else keeps the strict policy
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "url",
    ["", "edit/", "compare/", "history/"],
)
def test_a_sales_user_of_another_team_gets_404_for_the_document(client, office, url):
    client.force_login(office.outsider)
    response = client.get(f"/documents/{office.document.id}/{url}")
    assert response.status_code == 404
    body = response.content.decode()
    assert "上海ABC" not in body and "128,000" not in body


@pytest.mark.parametrize(
    "url",
    ["edit/", "tags/", "versions/", "versions/1/restore/", "checkout/", "checkin/", "grants/"],
)
def test_another_teams_sales_user_gets_404_when_posting_and_nothing_changes(client, office, url):
    client.force_login(office.outsider)
    response = client.post(f"/documents/{office.document.id}/{url}", {"title": "改了", "name": "x"})
    assert response.status_code == 404
    assert "上海ABC" not in response.content.decode()
    office.document.refresh_from_db()
    assert office.document.title == "购销合同" and office.document.versions.count() == 1


@pytest.mark.parametrize("who", ["owner", "colleague"])  # sales: their role; a `view` grant
def test_a_user_who_may_view_but_not_edit_gets_no_edit_form_and_403_on_posting_it(
    client, office, who
):
    page = page_of(client, getattr(office, who), office.document)
    assert "/edit/" not in page and "tag-add" not in page and "version-form" not in page
    assert f'action="/documents/{office.document.id}/checkout/"' not in page
    response = client.post(f"/documents/{office.document.id}/edit/", {"title": "改了"})
    assert response.status_code == 403
    assert "您没有执行此操作的权限" in response.content.decode()
    assert client.get(f"/documents/{office.document.id}/edit/").status_code == 403
    office.document.refresh_from_db()
    assert office.document.title == "购销合同"


def test_an_editor_changes_the_details_and_only_the_changed_fields_are_recorded(client, office):
    client.force_login(office.manager)
    url = f"/documents/{office.document.id}/edit/"
    form = client.get(url).content.decode()
    assert 'name="title"' in form and 'value="购销合同"' in form
    response = client.post(
        url,
        {
            "title": "购销合同（修订）",
            "customer": office.customer.id,
            "document_type": office.document.document_type_id,
            "document_date": "2023-01-01",
            "status": "active",
            "notes": "客户要求加急",
        },
    )
    assert response.status_code == 302
    office.document.refresh_from_db()
    assert office.document.title == "购销合同（修订）" and office.document.notes == "客户要求加急"
    edit = AuditEvent.objects.filter(action=AuditEvent.Action.EDIT).latest("seq")
    assert edit.details["fields"] == ["document_date", "notes", "title"]
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    changes = "标题：购销合同 → 购销合同（修订）；日期：未填写 → 2023年1月1日；修改了：备注"
    assert "详细信息已保存" in page and changes in page


def test_an_edit_without_a_title_shows_the_form_again_with_the_error(client, office):
    client.force_login(office.manager)
    response = client.post(
        f"/documents/{office.document.id}/edit/",
        {"title": "", "customer": office.customer.id, "status": "active"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'class="edit-form"' in page and "该字段是必填项" in page


def test_the_edit_form_comes_as_a_card_for_htmx(client, office):
    client.force_login(office.manager)
    response = client.get(f"/documents/{office.document.id}/edit/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and body.lstrip().startswith("<section")
    assert "<html" not in body and 'class="edit-form"' in body


def test_tags_are_added_by_name_and_removed(client, office):
    client.force_login(office.manager)
    url = f"/documents/{office.document.id}/tags/"
    assert client.post(url, {"name": "重要"}).status_code == 302
    assert client.post(url, {"name": "待续签"}).status_code == 302
    assert sorted(office.document.tags.values_list("name", flat=True)) == ["待续签", "重要"]
    important = Tag.objects.get(name="重要")
    assert client.post(url, {"remove": important.id}).status_code == 302
    assert list(office.document.tags.values_list("name", flat=True)) == ["待续签"]
    response = client.post(url, {"name": "  "})
    assert response.status_code == 400 and "请输入标签名称" in response.content.decode()


def test_an_archivist_above_clearance_sees_the_details_and_a_notice_but_no_content(
    client, office, contract_pdf
):
    secret = filed(office.customer, title="机密报价单", mime="application/pdf", data=contract_pdf)
    Document.objects.filter(pk=secret.pk).update(confidentiality=Level.TOP_SECRET)
    page = page_of(client, office.archivist, secret)
    assert "机密报价单" in page and "密级高于您的权限" in page
    assert "/preview/" not in page and "/download/" not in page and "128,000" not in page
    assert "/edit/" not in page and "compare-form" not in page
    assert client.get(f"/documents/{secret.id}/compare/").status_code == 403
    assert client.get(f"/api/documents/{secret.id}/preview/").status_code == 403


def test_older_history_comes_in_pages_for_htmx(client, office):
    client.force_login(office.owner)
    for _ in range(25):
        client.get(f"/documents/{office.document.id}/")
    page = client.get(f"/documents/{office.document.id}/?reads=1").content.decode()
    assert "更早的记录" in page
    newest = AuditEvent.objects.filter(document_id=office.document.id).order_by("-seq")
    last_shown = newest[19].seq
    rows = client.get(
        f"/documents/{office.document.id}/history/?before={last_shown}&reads=1",
        HTTP_HX_REQUEST="true",
    ).content.decode()
    older = newest.filter(seq__lt=last_shown).count()
    assert rows.count("<tr") == older and "更早的记录" not in rows  # all of them: no "older"
    assert "上传" in rows  # the oldest event: the upload
    full = client.get(f"/documents/{office.document.id}/history/?page=2&reads=1")
    assert full.status_code == 200 and "第 2 页" in full.content.decode()


def queries_for(client, path: str) -> int:
    client.get(path)  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def add_rows(office, count: int) -> None:
    """More versions, grants (each also a history event) and views."""
    for n in range(count):
        blob = get_blob_store().put(io.BytesIO(f"第{n}版 {CONTRACT_TEXT}".encode()))
        version_add_from_blob(
            actor=office.owner,
            document=office.document,
            blob=blob,
            mime_type="text/plain",
            filename=f"购销合同_{n}.txt",
            text=f"第{n}版",
        )
        reader = user_with_role(f"reader{office.document.versions.count()}", seeds.SALES)
        access_services.grant_add(
            actor=None, permission=Permission.DOWNLOAD, user=reader, document=office.document
        )


def test_the_page_runs_as_many_queries_for_12_versions_grants_and_events_as_for_2(client, office):
    client.force_login(office.manager)
    path = f"/documents/{office.document.id}/"
    add_rows(office, 1)
    few = queries_for(client, path)
    add_rows(office, 11)
    assert office.document.versions.count() == 13
    assert queries_for(client, path) == few


def versions_table(page: str) -> str:
    return page.split('id="versions"', 1)[1].split("</table>", 1)[0]


def test_a_restored_version_says_so_once_in_the_readers_language(client, office):
    from docket.accounts.preferences import language_set
    from docket.documents.services import version_restore

    add_rows(office, 1)
    restored = version_restore(actor=office.manager, document=office.document, number=1)
    assert restored.comment == ""  # the note is restored_from's, not English prose in the data
    table = versions_table(page_of(client, office.manager, office.document))
    assert table.count("（从版本 1 恢复）") == 1 and "restored from" not in table
    language_set(user=office.manager, language="en")
    table = versions_table(page_of(client, office.manager, office.document))
    assert table.count("restored from version 1") == 1 and "从版本" not in table


def test_a_restore_keeps_the_comment_typed_and_hides_the_english_note_of_older_ones(client, office):
    from docket.documents.models import Version
    from docket.documents.services import version_restore

    add_rows(office, 1)
    version_restore(actor=office.manager, document=office.document, number=1, comment="退回原价")
    older = version_restore(actor=office.manager, document=office.document, number=2)
    # as restores wrote it before: the note, in English, as the comment
    Version.objects.filter(pk=older.pk).update(comment="restored from version 2")
    table = versions_table(page_of(client, office.manager, office.document))
    assert "退回原价 <span" in table and "（从版本 1 恢复）" in table
    assert "（从版本 2 恢复）" in table and "restored from" not in table


def test_the_permissions_table_names_the_grantee_column_apart_from_the_audit_actor(client, office):
    page = page_of(client, office.manager, office.document)
    grants = page.split('id="grants"', 1)[1].split("</table>", 1)[0]
    assert '<th scope="col">授予对象</th>' in grants and "操作人" not in grants
    history = page.split('id="history"', 1)[1]
    assert '<th scope="col">操作人</th>' in history


def history_of(page: str) -> str:
    return page.split('id="history"', 1)[1]


def test_the_history_shows_what_changed_and_views_and_downloads_only_when_asked(client, office):
    client.force_login(office.owner)
    for _ in range(3):
        client.get(f"/documents/{office.document.id}/")
    document_update(actor=office.manager, document=office.document, title="购销合同（盖章版）")
    path = f"/documents/{office.document.id}/"
    changes = client.get(path)
    actions = [event.action for event, _ in changes.context["page"].history]
    assert actions == ["edit", "permission_change", "upload"]
    history = history_of(changes.content.decode())
    assert f'href="{path}?reads=1#history">显示查看和下载记录</a>' in history
    everything = client.get(path, {"reads": "1"})
    actions = [event.action for event, _ in everything.context["page"].history]
    assert actions == [
        "view",
        "view",
        "edit",
        "view",
        "view",
        "view",
        "permission_change",
        "upload",
    ]
    assert f'href="{path}#history">隐藏查看和下载记录</a>' in history_of(
        everything.content.decode()
    )
    # the audit trail keeps every view: only the page leaves them out
    views = AuditEvent.objects.filter(document_id=office.document.id, action="view")
    assert views.count() == 5


def test_older_events_and_the_history_pages_keep_the_choice_of_reads(client, office):
    client.force_login(office.owner)
    for number in range(25):
        document_update(
            actor=office.manager, document=office.document, title=f"购销合同 第{number}稿"
        )
    client.get(f"/documents/{office.document.id}/")  # one view, hidden by default
    path = f"/documents/{office.document.id}/history/"
    shown = client.get(f"/documents/{office.document.id}/").content.decode()
    assert f'href="{path}"' in shown and "before=" in shown and "reads=1&amp;" not in shown
    asked = client.get(f"/documents/{office.document.id}/", {"reads": "1"}).content.decode()
    assert f'href="{path}?reads=1"' in asked and "&amp;reads=1" in asked
    first = [event.seq for event, _ in client.get(path).context["history"]]
    before = client.get(path, {"before": first[-1]}, HTTP_HX_REQUEST="true")
    rows = [event.action for event, _ in before.context["history"]]
    assert rows == ["edit"] * 5 + ["permission_change", "upload"]
    assert "显示查看和下载记录" not in before.content.decode()
    second = client.get(path, {"page": "1", "reads": "1"})
    assert 'href="?page=2&amp;reads=1" rel="next"' in second.content.decode()


def test_the_page_runs_as_many_queries_with_reads_for_many_events_as_for_few(client, office):
    client.force_login(office.manager)
    path = f"/documents/{office.document.id}/?reads=1"
    add_rows(office, 1)
    few = queries_for(client, path)
    add_rows(office, 11)
    for _ in range(10):
        client.get(f"/documents/{office.document.id}/")
    assert queries_for(client, path) == few


def test_history_rows_show_the_actors_name_with_the_username_on_hover(client, office):
    office.manager.first_name = "陈静"
    office.manager.save(update_fields=["first_name"])
    client.force_login(office.manager)
    client.get(f"/documents/{office.document.id}/")  # a view, recorded (a read: shown on ask)
    page = client.get(f"/documents/{office.document.id}/", {"reads": "1"}).content.decode()
    history = page.split('id="history"', 1)[1]
    assert '<span title="chenjing">陈静</span>' in history
    full = client.get(f"/documents/{office.document.id}/history/", {"reads": "1"})
    assert '<span title="chenjing">陈静</span>' in full.content.decode()
