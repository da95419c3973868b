"""The document page's actions: a new version and its side-by-side compare (in Chinese),
restore, check-out and check-in (and the details read-only under another's lock), and grants
on the document."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from docket.access.models import Grant, Permission, Team
from docket.audit.models import AuditEvent
from docket.documents.models import Checkout, Tag, Version
from docket.web.views.document_compare import mark_words, side_by_side
from tests.web.test_document_page import CONTRACT_TEXT, Office, make_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db) -> Office:
    return make_office()


REVISED_TEXT = (
    "购销合同\n甲方:上海ABC贸易有限公司\n乙方:北京星河科技有限公司\n"
    "合同金额:¥150,000.00\n签订日期:2023年1月1日"
)


def upload_version(client, document, text: str, comment: str = "改了金额"):
    upload = SimpleUploadedFile("购销合同（修订）.txt", text.encode(), content_type="text/plain")
    return client.post(f"/documents/{document.id}/versions/", {"file": upload, "comment": comment})


def test_a_new_version_then_compare_shows_the_changed_chinese_text_side_by_side(
    client, office, run_tasks
):
    client.force_login(office.manager)
    response = upload_version(client, office.document, REVISED_TEXT)
    assert response.status_code == 302
    run_tasks()  # the new version's text
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert "版本 2 已上传" in page and "购销合同（修订）.txt" in page and "改了金额" in page
    response = client.get(f"/documents/{office.document.id}/compare/", {"old": 1, "new": 2})
    assert response.status_code == 200
    compare = response.content.decode()
    assert "删除 1 行，新增 2 行。" in compare
    # the changed amount: struck out on the left, inserted on the right, rest of line plain
    assert '<span class="visually-hidden">删除： </span>合同金额:<del>¥128,000.00</del>' in compare
    assert "合同金额:<ins>¥150,000.00</ins>" in compare
    # the added line faces an empty cell; the amounts face each other
    added = '<span class="visually-hidden">新增： </span>乙方:北京星河科技有限公司'
    assert '<td class="line empty"></td>' in compare.split(added)[0].rsplit("<tr>", 1)[1]
    assert compare.count('<td class="line same">甲方:上海ABC贸易有限公司</td>') == 2


def test_compare_defaults_to_the_newest_two_and_says_when_a_text_is_not_read_yet(client, office):
    client.force_login(office.manager)
    upload_version(client, office.document, REVISED_TEXT)  # its text waits for the worker
    response = client.get(f"/documents/{office.document.id}/compare/")
    assert response.status_code == 409
    assert "版本 2 的文本仍在提取中" in response.content.decode()
    assert client.get(f"/documents/{office.document.id}/compare/?old=1&new=9").status_code == 400


def test_restoring_an_old_version_adds_it_as_the_newest(client, office, run_tasks):
    client.force_login(office.manager)
    upload_version(client, office.document, REVISED_TEXT)
    run_tasks()
    response = client.post(f"/documents/{office.document.id}/versions/1/restore/")
    assert response.status_code == 302
    newest = office.document.versions.order_by("-number").first()
    assert newest.number == 3 and newest.restored_from == 1 and newest.text == CONTRACT_TEXT
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert "版本 1 已恢复为版本 3" in page and "（从版本 1 恢复）" in page


def test_check_out_then_another_user_sees_it_locked_and_may_not_add_a_version(
    client, office, run_tasks
):
    client.force_login(office.manager)
    assert (
        client.post(f"/documents/{office.document.id}/checkout/", {"hours": 8}).status_code == 302
    )
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert "您已检出此文档" in page and f'action="/documents/{office.document.id}/checkin/"' in page

    client.force_login(office.owner)  # may view: sees who holds it
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert "chenjing 已检出此文档" in page

    client.force_login(office.archivist)  # may edit, but it is locked
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert "version-form" not in page and "强制检入" not in page  # no manage permission
    response = upload_version(client, office.document, REVISED_TEXT)
    assert response.status_code == 423
    assert "chenjing 已检出此文档，至" in response.content.decode()
    response = client.post(f"/documents/{office.document.id}/checkin/")
    assert response.status_code == 423
    assert office.document.versions.count() == 1

    client.force_login(office.manager)
    assert client.post(f"/documents/{office.document.id}/checkin/").status_code == 302
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert "文档已检入" in page and "已检出此文档" not in page


def test_a_manager_may_force_the_check_in_of_someone_elses_lock(client, office):
    client.force_login(office.archivist)
    client.post(f"/documents/{office.document.id}/checkout/", {"hours": 2, "note": "核对条款"})
    client.force_login(office.manager)
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert "强制检入" in page and "核对条款" in page
    response = client.post(f"/documents/{office.document.id}/checkin/", {"force": "1"})
    assert response.status_code == 302
    forced = AuditEvent.objects.filter(action=AuditEvent.Action.CHECKIN).latest("seq")
    assert forced.details == {"forced": True}
    response = client.post(f"/documents/{office.document.id}/checkin/")
    assert response.status_code == 409 and "此文档没有被检出" in response.content.decode()


def test_while_someone_else_holds_the_check_out_the_details_are_read_only_and_say_by_whom(
    client, office
):
    client.force_login(office.manager)
    client.post(f"/documents/{office.document.id}/checkout/", {"hours": 8})
    lock = Checkout.objects.get(document=office.document)
    since = timezone.localtime(lock.checked_out_at).strftime("%Y-%m-%d %H:%M")
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert f'href="/documents/{office.document.id}/edit/"' in page  # the holder still edits

    client.force_login(office.archivist)  # may edit, but it is locked
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert f"只读：chenjing 自 {since} 起已检出此文档" in page
    assert f'href="/documents/{office.document.id}/edit/"' not in page
    assert "tag-add" not in page and "tag-remove" not in page
    url = f"/documents/{office.document.id}/edit/"
    response = client.get(url)
    assert response.status_code == 423 and 'class="edit-form"' not in response.content.decode()
    assert "chenjing 已检出此文档，至" in response.content.decode()
    card = client.get(url, HTTP_HX_REQUEST="true")  # a page gone stale: the card, read-only
    assert card.status_code == 200 and "只读：chenjing" in card.content.decode()
    assert 'class="edit-form"' not in card.content.decode()


def test_a_document_checked_out_by_someone_else_refuses_their_edits_and_tags(client, office):
    client.force_login(office.manager)
    client.post(f"/documents/{office.document.id}/checkout/", {"hours": 8})
    client.force_login(office.archivist)
    data = {
        "title": "购销合同（改）",
        "customer": office.customer.id,
        "document_type": office.document.document_type_id,
        "status": "active",
    }
    response = client.post(f"/documents/{office.document.id}/edit/", data)
    assert response.status_code == 423
    assert "chenjing 已检出此文档，至" in response.content.decode()
    response = client.post(f"/documents/{office.document.id}/tags/", {"name": "加急"})
    assert response.status_code == 423 and not Tag.objects.filter(name="加急").exists()
    office.document.refresh_from_db()
    assert office.document.title == "购销合同"

    client.force_login(office.manager)  # the holder may
    response = client.post(f"/documents/{office.document.id}/edit/", data)
    assert response.status_code == 302
    office.document.refresh_from_db()
    assert office.document.title == "购销合同（改）"


def test_a_manager_gives_and_removes_a_grant_and_a_sales_user_only_reads_them(client, office):
    client.force_login(office.manager)
    url = f"/documents/{office.document.id}/grants/"
    response = client.post(url, {"permission": "download", "user": "zhaolei"})
    assert response.status_code == 302
    grant = Grant.objects.get(document=office.document, permission=Permission.DOWNLOAD)
    team = Team.objects.get(name="华北销售组")
    assert client.post(url, {"permission": "view", "team": team.id}).status_code == 302
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert "授予 zhaolei “下载”权限" in page and "团队 华北销售组" in page

    client.force_login(office.owner)
    page = client.get(f"/documents/{office.document.id}/").content.decode()
    assert "团队 华北销售组" in page and "grant-form" not in page
    assert f"/grants/{grant.id}/remove/" not in page
    response = client.post(url, {"permission": "edit", "user": "wangfang"})
    assert response.status_code == 403
    assert client.post(f"{url}{grant.id}/remove/").status_code == 403

    client.force_login(office.manager)
    assert client.post(f"{url}{grant.id}/remove/").status_code == 302
    assert not Grant.objects.filter(pk=grant.pk).exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"permission": "view", "user": "nobody"}, "没有这个用户名或姓名的用户"),
        ({"permission": "view"}, "请填写一个用户或选择一个团队"),
    ],
)
def test_a_grant_form_with_a_mistake_is_shown_again_with_it(client, office, data, message):
    client.force_login(office.manager)
    response = client.post(f"/documents/{office.document.id}/grants/", data)
    assert response.status_code == 400 and message in response.content.decode()


def test_a_version_form_without_a_file_is_shown_again(client, office):
    client.force_login(office.manager)
    response = client.post(f"/documents/{office.document.id}/versions/", {"comment": "无文件"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert Version.objects.filter(document=office.document).count() == 1


def test_side_by_side_pairs_changed_lines_and_marks_chinese_characters_and_amounts():
    unified = (
        "--- v1\n+++ v2\n@@ -1,3 +1,3 @@\n 购销合同\n-甲方：上海ABC贸易有限公司\n"
        "+甲方：上海ABD贸易有限公司\n-合同金额：¥128,000.00\n+合同金额：¥150,000.00\n"
        "@@ -10 +10,2 @@\n-旧条款\n+新条款\n+附加条款"
    )
    rows = side_by_side(unified)
    assert [row.gap for row in rows] == [False, False, False, True, False, False]
    assert rows[0].left.kind == rows[0].right.kind == "same"
    assert rows[1].left.parts == [("甲方：上海", False), ("ABC", True), ("贸易有限公司", False)]
    assert rows[2].right.parts == [("合同金额：", False), ("¥150,000.00", True)]
    assert (rows[4].left.number, rows[4].right.number) == (10, 10)
    assert rows[5].left.kind == "empty" and rows[5].right.parts == [("附加条款", False)]


def test_words_of_latin_text_are_marked_whole():
    left, right = mark_words("Payment in 30 days", "Payment in 60 days")
    assert left == [("Payment in ", False), ("30", True), (" days", False)]
    assert right == [("Payment in ", False), ("60", True), (" days", False)]


def test_a_version_over_the_upload_limit_is_refused_in_chinese_and_nothing_is_stored(
    client, office, settings
):
    settings.MAX_UPLOAD_MB = 1
    client.force_login(office.manager)
    response = upload_version(client, office.document, "合同" * 400_000)  # 2.4 MB
    assert response.status_code == 413
    assert "文件超过了 1 MB 的上限。" in response.content.decode()
    assert Version.objects.filter(document=office.document).count() == 1
