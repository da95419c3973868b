"""The upload page: many files at once, each with its own progress and error, each job's
state polled until it is final, suggestions accepted or corrected, and refusals that store
nothing. Django test client first, then the real browser with the real OCR engine."""

import base64
import datetime
import io
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from docket.access import seeds
from docket.access import services as access_services
from docket.access.models import Permission, Team
from docket.accounts.preferences import language_set
from docket.customers.services import customer_create
from docket.demo.pdfgen import make_pdf
from docket.documents.models import Checkout, Document, DocumentType
from docket.ingest.models import IngestJob, MatchRule
from docket.ingest.scanner import render_page
from docket.ingest.services import ingest_submit
from tests.conftest import client_for, named_file, user_with_role
from tests.ingest import samples
from tests.web.conftest import shot, sign_in

CONTRACT = [
    "购销合同",
    "甲方：上海ABC贸易有限公司",
    "合同金额：¥128,000.00",
    "签订日期：2023年1月1日",
]
# Names no customer, so Docket cannot tell where it belongs; "ABC贸易" hints at one (0.75).
MINUTES = ["会议纪要", "与ABC贸易洽谈续签事宜", "讨论了明年的供货计划"]
PASSWORD = "pw-王芳-12345"
SCRIPTED = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def teams(db):
    seeds.ensure_roles()
    return Team.objects.create(name="华东销售组"), Team.objects.create(name="华北销售组")


@pytest.fixture
def sales(teams):
    return user_with_role("wangfang", role="sales", password=PASSWORD, team=teams[0])


@pytest.fixture
def other_sales(teams):
    return user_with_role("liuyang", role="sales", password=PASSWORD, team=teams[1])


@pytest.fixture
def abc(sales):
    return customer_create(actor=None, name="上海ABC贸易有限公司", owner=sales, region="上海")


@pytest.fixture
def xyz(sales):
    return customer_create(actor=None, name="北京XYZ科技有限公司", owner=sales, region="北京")


@pytest.fixture
def north_customer(other_sales):
    return customer_create(actor=None, name="天津恒通物流有限公司", owner=other_sales)


@pytest.fixture
def contract(db) -> DocumentType:
    return DocumentType.objects.get_or_create(name="合同", defaults={"code": "HT"})[0]


@pytest.fixture
def minutes_type(db) -> DocumentType:
    return DocumentType.objects.get_or_create(name="会议纪要", defaults={"code": "HY"})[0]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def send(client: Client, data: bytes, name: str, **fields):
    """What upload.js sends: one file per request."""
    body = {"files": named_file(data, name), **fields}
    return client.post("/upload/files/", body, **SCRIPTED)


def submit(user, data: bytes, name: str, **hints) -> IngestJob:
    return ingest_submit(
        actor=user,
        file=io.BytesIO(data),
        filename=name,
        source=IngestJob.Source.UPLOAD,
        **hints,
    )


def stored_blobs(blob_root) -> list:
    return [p for p in blob_root.rglob("*") if p.is_file() and "tmp" not in p.parts]


# --- Django test client ---------------------------------------------------------------------
@pytest.mark.django_db
def test_the_page_offers_defaults_a_drop_zone_and_a_labelled_file_input(sales, abc, contract):
    page = signed_in(sales).get("/upload/").content.decode()
    assert '<label for="upload-files"' in page and 'type="file" name="files" multiple' in page
    assert 'id="drop-zone"' in page
    # the customer: a picker (typed, then chosen), not a list of every customer
    assert 'id="upload-customer"' in page and 'role="combobox"' in page
    assert 'name="customer" value=""' in page and "上海ABC贸易有限公司" not in page
    assert f'<option value="{contract.id}">合同</option>' in page
    assert "web/upload.js" in page and "<script>" not in page and 'style="' not in page


@pytest.mark.django_db
def test_a_scripted_upload_answers_with_the_jobs_row_that_polls_its_state(sales, abc, contract):
    answer = send(
        signed_in(sales),
        make_pdf(CONTRACT),
        "购销合同.pdf",
        customer=abc.id,
        type=contract.id,
        tags="重要，2023",
        title="ABC购销合同",
    )
    assert answer.status_code == 202
    job = IngestJob.objects.get()
    assert (job.customer, job.document_type, job.title) == (abc, contract, "ABC购销合同")
    assert job.tag_names == ["重要", "2023"]
    row = answer.content.decode()
    assert f'id="job-{job.id}"' in row
    assert f'hx-get="/upload/jobs/{job.id}/"' in row and 'hx-trigger="every 1s"' in row
    assert "排队中" in row


@pytest.mark.django_db
def test_the_plain_form_uploads_every_file_and_comes_back_to_the_page(sales):
    answer = signed_in(sales).post(
        "/upload/files/",
        {"files": [named_file(make_pdf(CONTRACT), "a.pdf"), named_file(b"txt", "b.txt")]},
    )
    assert answer.status_code == 302 and answer["Location"] == "/upload/"
    assert IngestJob.objects.count() == 2


@pytest.mark.django_db
def test_an_empty_file_is_refused_with_400_and_nothing_is_stored(sales, blob_root):
    answer = send(signed_in(sales), b"", "空文件.pdf")
    assert answer.status_code == 400
    assert "文件是空的" in answer.content.decode()
    assert IngestJob.objects.count() == 0 and stored_blobs(blob_root) == []


@pytest.mark.django_db
def test_a_file_over_the_limit_is_refused_with_413_and_nothing_is_stored(
    sales, settings, blob_root
):
    settings.MAX_UPLOAD_MB = 1
    answer = send(signed_in(sales), b"%PDF-1.7\n" + b"0" * (3 * 2**20), "大文件.pdf")
    assert answer.status_code == 413
    assert "超过" in answer.content.decode() and "1 MB" in answer.content.decode()
    assert IngestJob.objects.count() == 0 and stored_blobs(blob_root) == []


@pytest.mark.django_db
def test_a_sales_user_cannot_upload_to_another_teams_customer(sales, north_customer, blob_root):
    answer = send(signed_in(sales), make_pdf(CONTRACT), "合同.pdf", customer=north_customer.id)
    assert answer.status_code == 404
    assert "天津恒通" not in answer.content.decode()
    assert IngestJob.objects.count() == 0 and stored_blobs(blob_root) == []
    # nor sees it offered
    assert "天津恒通" not in signed_in(sales).get("/upload/").content.decode()


@pytest.mark.django_db
def test_a_customer_the_user_may_only_view_is_refused_with_403(sales, north_customer, blob_root):
    from docket.audit.models import AuditEvent

    access_services.grant_add(
        actor=None, permission=Permission.VIEW, user=sales, customer=north_customer
    )
    answer = send(signed_in(sales), make_pdf(CONTRACT), "合同.pdf", customer=north_customer.id)
    assert answer.status_code == 403
    assert "您没有执行此操作的权限" in answer.content.decode()
    assert IngestJob.objects.count() == 0 and stored_blobs(blob_root) == []
    assert AuditEvent.objects.filter(outcome="denied", actor=sales).exists()


@pytest.mark.django_db
def test_the_page_lists_the_users_recent_jobs_each_with_its_anchor(sales, other_sales):
    mine = [submit(sales, f"报价单 {n}".encode(), f"报价单{n}.txt") for n in range(3)]
    theirs = submit(other_sales, b"other", "other.txt")
    page = signed_in(sales).get("/upload/").content.decode()
    for job in mine:
        assert f'id="job-{job.id}"' in page
    assert str(theirs.id) not in page


@pytest.mark.django_db
def test_an_old_job_waiting_in_the_inbox_is_still_on_the_page(sales, run_tasks):
    waiting = submit(sales, b"%PDF-1.7\n\x00broken" * 50, "坏.pdf")
    run_tasks()
    for n in range(55):  # newer, done or not, push it past the latest fifty
        submit(sales, f"文本 {n}".encode(), f"{n}.txt")
    page = signed_in(sales).get("/upload/").content.decode()
    assert f'id="job-{waiting.id}"' in page
    assert "重试" in page


@pytest.mark.django_db
def test_the_page_makes_as_many_queries_for_30_jobs_as_for_3(
    sales, abc, contract, run_tasks, django_assert_num_queries
):
    client = signed_in(sales)

    def add(count: int) -> None:
        for n in range(count):
            submit(sales, make_pdf([*CONTRACT, f"第{n}号"]), f"{n}.pdf", document_type=contract)
        run_tasks()

    add(3)
    client.get("/upload/")  # the session's first use writes to it
    with CaptureQueriesContext(connection) as three:
        assert client.get("/upload/").status_code == 200
    add(27)
    assert IngestJob.objects.filter(state="done").count() == 30
    with django_assert_num_queries(len(three.captured_queries)):
        page = client.get("/upload/").content.decode()
    assert page.count('class="job"') == 30


@pytest.mark.django_db
def test_polling_answers_204_while_nothing_changed_and_286_once_final(
    sales, abc, contract, run_tasks
):
    client = signed_in(sales)
    job = submit(sales, make_pdf(CONTRACT), "合同.pdf", customer=abc, document_type=contract)
    url = f"/upload/jobs/{job.id}/"
    assert client.get(url, {"seen": "queued::"}, **HTMX).status_code == 204
    run_tasks()
    done = client.get(url, {"seen": "queued::"}, **HTMX)
    assert done.status_code == 286
    body = done.content.decode()
    document = Document.objects.get()
    assert f'href="/documents/{document.id}/"' in body and document.archive_number in body
    assert "hx-trigger" not in body


@pytest.mark.django_db
def test_another_users_job_is_not_found_on_any_route(sales, other_sales, abc, contract):
    job = submit(other_sales, make_pdf(CONTRACT), "合同.pdf")
    client = signed_in(sales)
    assert client.get(f"/upload/jobs/{job.id}/").status_code == 404
    for action in ("retry", "review", "correct", "dismiss"):
        answer = client.post(
            f"/upload/jobs/{job.id}/{action}/", {"customer": abc.id, "type": contract.id}
        )
        assert answer.status_code == 404, action
    job.refresh_from_db()
    assert job.state == IngestJob.State.QUEUED and job.customer is None


@pytest.fixture
def waiting_for_review(sales, abc, xyz, contract, minutes_type, settings, run_tasks):
    """A job Docket could not file: a rule suggests 会议纪要, the text hints at ABC (75 %),
    below the threshold."""
    settings.SUGGESTION_THRESHOLD = 0.8
    MatchRule.objects.create(
        target_kind="type", target_id=minutes_type.id, mode="any", pattern="纪要"
    )
    job = submit(sales, make_pdf(MINUTES), "纪要.pdf")
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.NEEDS_REVIEW, job.reason
    return job


@pytest.mark.django_db
def test_a_job_waiting_for_review_shows_its_suggestions_with_their_scores(
    sales, waiting_for_review, abc, minutes_type
):
    row = signed_in(sales).get(f"/upload/jobs/{waiting_for_review.id}/").content.decode()
    assert re.search(r"上海ABC贸易有限公司 <span class=\"score\">75%</span>", row)
    assert re.search(r"会议纪要 <span class=\"score\">100%</span>", row)
    # the best suggestions are chosen in the form, so accepting them is one click
    assert 'value="上海ABC贸易有限公司"' in row and f'name="customer" value="{abc.id}"' in row
    assert f'<option value="{minutes_type.id}" selected>会议纪要 (100%)</option>' in row


@pytest.mark.django_db
def test_a_suggested_seeded_type_is_named_in_the_readers_language(
    sales, waiting_for_review, minutes_type
):
    language_set(user=sales, language="en")
    row = signed_in(sales).get(f"/upload/jobs/{waiting_for_review.id}/").content.decode()
    assert re.search(r"Meeting minutes <span class=\"score\">100%</span>", row)
    assert f'<option value="{minutes_type.id}" selected>Meeting minutes (100%)</option>' in row
    assert "会议纪要" not in row


@pytest.mark.django_db
def test_a_reviewed_job_is_filed_with_the_customer_type_and_tags_chosen(
    sales, waiting_for_review, xyz, contract, run_tasks
):
    answer = signed_in(sales).post(
        f"/upload/jobs/{waiting_for_review.id}/review/",
        {"customer": xyz.id, "type": contract.id, "tags": "续签, 重要"},
        **HTMX,
    )
    assert answer.status_code == 200 and "排队中" in answer.content.decode()
    run_tasks()
    waiting_for_review.refresh_from_db()
    assert waiting_for_review.state == IngestJob.State.DONE, waiting_for_review.reason
    document = waiting_for_review.document
    assert (document.customer, document.document_type) == (xyz, contract)
    assert sorted(t.name for t in document.tags.all()) == ["续签", "重要"]


@pytest.mark.django_db
def test_review_to_a_customer_the_uploader_may_not_file_to_is_refused(
    sales, waiting_for_review, north_customer, contract
):
    answer = signed_in(sales).post(
        f"/upload/jobs/{waiting_for_review.id}/review/",
        {"customer": north_customer.id, "type": contract.id},
        **HTMX,
    )
    assert answer.status_code == 404
    assert answer["HX-Retarget"] == "find .form-error"
    waiting_for_review.refresh_from_db()
    assert waiting_for_review.state == IngestJob.State.NEEDS_REVIEW
    assert waiting_for_review.customer is None and Document.objects.count() == 0


@pytest.mark.django_db
def test_review_needs_a_customer_and_a_type(sales, waiting_for_review):
    answer = signed_in(sales).post(f"/upload/jobs/{waiting_for_review.id}/review/", {}, **HTMX)
    assert answer.status_code == 400
    assert "请选择客户" in answer.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_is_refused_and_the_right_one_files_the_pdf(
    sales, abc, contract, run_tasks
):
    job = submit(
        sales, samples.encrypted_pdf("密码123"), "加密.pdf", customer=abc, document_type=contract
    )
    run_tasks()
    client = signed_in(sales)
    row = client.get(f"/upload/jobs/{job.id}/").content.decode()
    assert 'type="password" name="password"' in row
    wrong = client.post(f"/upload/jobs/{job.id}/retry/", {"password": "错的"}, **HTMX)
    assert wrong.status_code == 400 and "密码不正确" in wrong.content.decode()
    job.refresh_from_db()
    assert job.state == IngestJob.State.NEEDS_PASSWORD
    right = client.post(f"/upload/jobs/{job.id}/retry/", {"password": "密码123"}, **HTMX)
    assert right.status_code == 200
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.DONE, job.reason


@pytest.mark.django_db
def test_a_failed_job_shows_its_reason_and_can_be_tried_again(sales, run_tasks):
    job = submit(sales, b"%PDF-1.7\n" + b"\x00broken" * 100, "坏.pdf")
    run_tasks()
    client = signed_in(sales)
    row = client.get(f"/upload/jobs/{job.id}/").content.decode()
    assert "失败" in row and "重试" in row
    assert "PDF 文件不完整：缺少文件结束标记" in row  # the reason, in the user's language
    answer = client.post(f"/upload/jobs/{job.id}/retry/", **HTMX)
    assert answer.status_code == 200 and 'hx-trigger="every 1s"' in answer.content.decode()
    job.refresh_from_db()
    assert job.state == IngestJob.State.QUEUED and job.attempts == 1


@pytest.mark.django_db
def test_a_damaged_pdfs_reason_is_shown_in_the_users_language(sales, run_tasks):
    data = samples.pdf([["购销合同"]])
    job = submit(sales, data[:200] + b"\x00garbage\x00" * 200 + data[-100:], "购销合同.pdf")
    run_tasks()
    job.refresh_from_db()
    detail = job.reason.removeprefix("the PDF is damaged: ")
    assert detail and detail != job.reason
    client = signed_in(sales)
    chinese = client.get(f"/upload/jobs/{job.id}/").content.decode()
    assert f"PDF 文件已损坏：{detail}" in chinese and 'lang="en"' not in chinese
    language_set(user=sales, language="en")
    english = client.get(f"/upload/jobs/{job.id}/").content.decode()
    assert f"the PDF is damaged: {detail}" in english and "PDF 文件已损坏" not in english


@pytest.mark.django_db
def test_retrying_a_job_that_is_done_is_refused_naming_its_state_in_chinese(
    sales, abc, contract, run_tasks
):
    job = submit(sales, make_pdf(CONTRACT), "购销合同.pdf", customer=abc, document_type=contract)
    run_tasks()
    answer = signed_in(sales).post(f"/upload/jobs/{job.id}/retry/", **HTMX)
    assert answer.status_code == 409
    assert "只有失败或等待处理的任务可以重试（该任务状态：已完成）" in answer.content.decode()
    api = client_for(sales).post(f"/api/ingest/{job.id}/retry/", {}, format="json")
    assert api.json()["error"]["message"] == (
        "only a failed or waiting job can be retried (this one is done)"
    )


@pytest.mark.django_db
def test_correcting_a_document_another_user_has_checked_out_names_the_holder_in_chinese(
    teams, abc, xyz, contract, run_tasks
):
    manager = user_with_role("chenjing", role="manager", password=PASSWORD, team=teams[0])
    holder = user_with_role("zhangwei", role="manager", team=teams[0])
    job = submit(manager, make_pdf(CONTRACT), "合同.pdf", customer=abc, document_type=contract)
    run_tasks()
    job.refresh_from_db()
    until = datetime.datetime(2099, 1, 1, 2, 0, tzinfo=datetime.UTC)
    Checkout.objects.create(document=job.document, user=holder, expires_at=until)
    client = signed_in(manager)
    correction = {"customer": xyz.id, "type": contract.id, "tags": "已核对"}
    answer = client.post(f"/upload/jobs/{job.id}/correct/", correction, **HTMX)
    assert answer.status_code == 423
    assert "已被 zhangwei 检出，至 2099-01-01 02:00（UTC）" in answer.content.decode()
    language_set(user=manager, language="en")
    english = client.post(f"/upload/jobs/{job.id}/correct/", correction, **HTMX)
    assert "checked out by zhangwei until 2099-01-01 02:00 UTC" in english.content.decode()
    api = client_for(manager).patch(
        f"/api/documents/{job.document.id}/", {"title": "新标题"}, format="json"
    )
    assert api.status_code == 423
    assert api.json()["error"]["message"] == "checked out by zhangwei until 2099-01-01 02:00"
    assert Document.objects.get().customer == abc


@pytest.mark.django_db
def test_a_manager_corrects_what_was_suggested_for_a_filed_document(
    teams, abc, xyz, contract, minutes_type, run_tasks
):
    manager = user_with_role("chenjing", role="manager", password=PASSWORD, team=teams[0])
    job = submit(manager, make_pdf(CONTRACT), "合同.pdf", document_type=contract)
    run_tasks()
    job.refresh_from_db()
    assert job.document.customer == abc  # suggested from the text
    client = signed_in(manager)
    row = client.get(f"/upload/jobs/{job.id}/").content.decode()
    assert "Docket 的建议" in row and f"/upload/jobs/{job.id}/correct/" in row
    answer = client.post(
        f"/upload/jobs/{job.id}/correct/",
        {"customer": xyz.id, "type": minutes_type.id, "tags": "已核对"},
        **HTMX,
    )
    assert answer.status_code == 200 and "已保存" in answer.content.decode()
    document = Document.objects.get()
    assert (document.customer, document.document_type) == (xyz, minutes_type)
    assert [t.name for t in document.tags.all()] == ["已核对"]


@pytest.mark.django_db
def test_a_sales_user_may_not_correct_a_document_filed_more_than_a_day_ago(
    sales, abc, xyz, contract, run_tasks
):
    job = submit(sales, make_pdf(CONTRACT), "合同.pdf", document_type=contract)
    run_tasks()
    filed_long_ago = Document.objects.get().created_at - datetime.timedelta(days=2)
    Document.objects.update(created_at=filed_long_ago)  # the uploader's time to correct is up
    client = signed_in(sales)
    row = client.get(f"/upload/jobs/{job.id}/").content.decode()
    assert "/correct/" not in row  # the suggestions are shown, the form is not
    answer = client.post(
        f"/upload/jobs/{job.id}/correct/", {"customer": xyz.id, "type": contract.id}, **HTMX
    )
    assert answer.status_code == 403
    assert Document.objects.get().customer == abc


@pytest.mark.django_db
def test_a_suggested_customer_the_user_may_not_see_is_not_named(
    sales, north_customer, contract, run_tasks
):
    job = submit(sales, make_pdf(["购销合同", "甲方：天津恒通物流有限公司"]), "合同.pdf")
    run_tasks()
    job.refresh_from_db()
    assert job.suggestions["customer"]  # Docket found it …
    row = signed_in(sales).get(f"/upload/jobs/{job.id}/").content.decode()
    assert "天津恒通" not in row  # … but does not tell this user it exists


@pytest.fixture
def bad_pdf(sales, run_tasks) -> IngestJob:
    job = submit(sales, samples.truncated_pdf(), "bad.pdf")
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.FAILED, job.reason
    return job


@pytest.mark.django_db
def test_a_failed_upload_can_be_dismissed_and_leaves_the_upload_list(sales, bad_pdf):
    client = signed_in(sales)
    assert "移除 bad.pdf" in client.get(f"/upload/jobs/{bad_pdf.id}/").content.decode()
    answer = client.post(f"/upload/jobs/{bad_pdf.id}/dismiss/", **HTMX)
    assert answer.status_code == 200
    assert 'role="status">已将 bad.pdf 移出待处理。</li>' in answer.content.decode()
    assert f'id="job-{bad_pdf.id}"' not in client.get("/upload/").content.decode()
    bad_pdf.refresh_from_db()
    assert bad_pdf.dismissed_by == sales and bad_pdf.state == IngestJob.State.FAILED


@pytest.mark.django_db
def test_without_script_dismissing_goes_back_to_the_page_the_form_was_on(sales, bad_pdf, run_tasks):
    client = signed_in(sales)
    answer = client.post(f"/upload/jobs/{bad_pdf.id}/dismiss/", {"back": "dashboard"}, follow=True)
    assert answer.redirect_chain == [("/", 302)]
    assert "已将 bad.pdf 移出待处理。" in answer.content.decode()
    other = submit(sales, samples.truncated_pdf() + b"\n", "bad2.pdf")
    run_tasks()
    back = client.post(f"/upload/jobs/{other.id}/dismiss/", {"back": "https://evil.example/"})
    assert back.status_code == 302 and back["Location"] == "/upload/"


@pytest.mark.django_db
def test_a_filed_job_offers_no_dismissal_and_refuses_one_naming_its_state(
    sales, abc, contract, run_tasks
):
    job = submit(sales, make_pdf(CONTRACT), "购销合同.pdf", customer=abc, document_type=contract)
    run_tasks()
    client = signed_in(sales)
    assert "dismiss" not in client.get(f"/upload/jobs/{job.id}/").content.decode()
    answer = client.post(f"/upload/jobs/{job.id}/dismiss/", **HTMX)
    assert answer.status_code == 409
    assert "只有失败或等待处理的任务可以移除（该任务状态：已完成）" in answer.content.decode()
    assert IngestJob.objects.get(pk=job.pk).dismissed_at is None


@pytest.mark.django_db
def test_a_job_dismissed_twice_is_refused_the_second_time(sales, bad_pdf):
    client = signed_in(sales)
    assert client.post(f"/upload/jobs/{bad_pdf.id}/dismiss/", **HTMX).status_code == 200
    again = client.post(f"/upload/jobs/{bad_pdf.id}/dismiss/", **HTMX)
    assert again.status_code == 409 and "该任务已从待处理中移除" in again.content.decode()


@pytest.mark.django_db
def test_a_retried_job_that_fails_again_says_so_with_the_time(sales, bad_pdf, run_tasks):
    client = signed_in(sales)
    first = client.get(f"/upload/jobs/{bad_pdf.id}/").content.decode()
    assert "再次失败" not in first
    client.post(f"/upload/jobs/{bad_pdf.id}/retry/", **HTMX)
    run_tasks()
    bad_pdf.refresh_from_db()
    assert bad_pdf.state == IngestJob.State.FAILED and bad_pdf.attempts == 2
    again = client.get(f"/upload/jobs/{bad_pdf.id}/", {"seen": "queued::"}, **HTMX)
    when = datetime.datetime.fromisoformat(str(bad_pdf.updated_at))
    local = when.astimezone(datetime.timezone(datetime.timedelta(hours=8)))
    assert f"再次失败：{local:%Y-%m-%d %H:%M:%S}（第 2 次尝试）。" in again.content.decode()


@pytest.mark.django_db
def test_a_managers_upload_list_names_who_uploaded_a_colleagues_file(teams, sales, bad_pdf):
    sales.first_name, sales.last_name = "芳", "王"
    sales.save()
    manager = user_with_role("chenjing", role="manager", team=teams[0])
    mine = submit(manager, b"manager's note", "备忘.txt")
    page = signed_in(manager).get("/upload/").content.decode()
    assert "上传者：芳 王" in page and "移除 bad.pdf" in page
    assert page.count("上传者：") == 1  # not on the manager's own row
    assert f'id="job-{mine.id}"' in page


# --- in the browser -------------------------------------------------------------------------
def scanned_contract_png() -> bytes:
    """A scanned page (no text layer): the OCR engine must read it."""
    image, _ = render_page(dpi=200, lines=CONTRACT, traditional=False, english=False)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


NO_THROTTLING = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


def slow_uploads(page, bytes_per_second: int):
    """Chromium's network throttling (DevTools protocol), for uploads only."""
    network = page.context.new_cdp_session(page)
    network.send("Network.enable")
    conditions = {**NO_THROTTLING, "uploadThroughput": bytes_per_second}
    network.send("Network.emulateNetworkConditions", conditions)
    return network


def drop_files(page, files: list[tuple[str, bytes, str]]) -> None:
    """Drop files on the drop zone as a person dragging them from the desktop would."""
    payload = [
        {"name": name, "type": mime, "data": base64.b64encode(data).decode()}
        for name, data, mime in files
    ]
    transfer = page.evaluate_handle(
        """(files) => {
            const transfer = new DataTransfer();
            for (const f of files) {
                const bytes = Uint8Array.from(atob(f.data), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], f.name, { type: f.type }));
            }
            return transfer;
        }""",
        payload,
    )
    zone = page.locator("#drop-zone")
    zone.dispatch_event("dragenter", {"dataTransfer": transfer})
    zone.dispatch_event("dragover", {"dataTransfer": transfer})
    zone.dispatch_event("drop", {"dataTransfer": transfer})


@pytest.fixture
def page_expecting_refusals(browser, live_server):
    """Like conftest's `page`, for tests that provoke a refusal on purpose: Chromium logs each
    4xx answer as a console error ("Failed to load resource: … status of 400"). Those, and
    only those, are allowed; any other console or page error fails the test."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 860}, locale="zh-CN"
    )
    context.set_default_timeout(15_000)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    yield tab
    context.close()
    refused = re.compile(r"^Failed to load resource: the server responded with a status of 4\d\d")
    assert not [e for e in errors if not refused.match(e)], f"the page reported errors: {errors}"


@pytest.mark.browser
def test_two_chinese_contracts_dropped_together_are_filed_one_of_them_by_ocr(
    page, sales, abc, contract, worker
):
    sign_in(page, "wangfang", PASSWORD)
    page.goto("/upload/")
    page.get_by_label("类型").select_option(label="合同")
    network = slow_uploads(page, bytes_per_second=8_000)  # so that progress can be seen
    drop_files(
        page,
        [
            ("购销合同.pdf", make_pdf(CONTRACT), "application/pdf"),
            ("扫描合同.png", scanned_contract_png(), "image/png"),
        ],
    )
    rows = page.locator("#jobs > li.job")
    rows.nth(1).wait_for()
    assert rows.count() == 2
    page.wait_for_function(
        """() => [...document.querySelectorAll("#jobs progress[value]")]
            .some((bar) => bar.value > 0 && bar.value < 100)"""
    )
    uploading = page.locator("#jobs > li.job", has_text="扫描合同.png")
    assert uploading.get_by_label("扫描合同.png 正在上传").is_visible()
    shot(page, "upload-progress")
    network.send("Network.emulateNetworkConditions", NO_THROTTLING)
    for name in ("购销合同.pdf", "扫描合同.png"):
        row = page.locator("#jobs > li.job", has_text=name)
        row.locator(".badge.state-done").wait_for(timeout=120_000)
        link = row.get_by_role("link", name=re.compile("HT-2023-"))
        assert link.is_visible()
    shot(page, "upload-done")
    page.set_viewport_size({"width": 820, "height": 1100})
    shot(page, "upload-done-tablet")
    documents = {d.versions.get().original_name: d for d in Document.objects.all()}
    assert set(documents) == {"购销合同.pdf", "扫描合同.png"}
    scanned = documents["扫描合同.png"]
    assert scanned.customer == abc and scanned.document_type == contract
    assert "上海ABC贸易有限公司" in scanned.versions.get().text
    row = page.locator("#jobs > li.job", has_text="扫描合同.png")
    assert row.get_by_role("link").get_attribute("href") == f"/documents/{scanned.id}/"
    # a reload keeps the picture
    page.reload()
    assert page.locator("#jobs > li.job .badge.state-done").count() == 2


@pytest.mark.browser
def test_an_empty_file_shows_its_error_while_the_other_is_filed(
    page_expecting_refusals, sales, abc, contract, worker
):
    page = page_expecting_refusals
    sign_in(page, "wangfang", PASSWORD)
    page.goto("/upload/")
    page.get_by_role("combobox", name="客户").fill("shabc")
    page.get_by_role("option", name=re.compile("上海ABC贸易有限公司")).click()
    page.get_by_label("类型").select_option(label="合同")
    page.get_by_label("选择文件").set_input_files(
        [
            {"name": "空文件.pdf", "mimeType": "application/pdf", "buffer": b""},
            {"name": "购销合同.pdf", "mimeType": "application/pdf", "buffer": make_pdf(CONTRACT)},
        ]
    )
    empty = page.locator("#jobs > li.job", has_text="空文件.pdf")
    empty.get_by_role("alert").filter(has_text="文件是空的").wait_for()
    good = page.locator("#jobs > li.job", has_text="购销合同.pdf")
    good.locator(".badge.state-done").wait_for(timeout=60_000)
    assert good.get_by_role("link", name=re.compile("HT-2023-0001")).is_visible()
    shot(page, "upload-error")
    assert IngestJob.objects.count() == 1


@pytest.mark.browser
def test_a_job_needing_review_is_corrected_and_filed_to_the_chosen_customer_and_type(
    page, sales, abc, xyz, contract, minutes_type, settings, worker
):
    settings.SUGGESTION_THRESHOLD = 0.8
    MatchRule.objects.create(
        target_kind="type", target_id=minutes_type.id, mode="any", pattern="纪要"
    )
    sign_in(page, "wangfang", PASSWORD)
    page.goto("/upload/")
    page.get_by_label("选择文件").set_input_files(
        [{"name": "纪要.pdf", "mimeType": "application/pdf", "buffer": make_pdf(MINUTES)}]
    )
    row = page.locator("#jobs > li.job", has_text="纪要.pdf")
    row.locator(".badge.state-needs_review").wait_for(timeout=60_000)
    assert row.locator(".suggestion", has_text="上海ABC贸易有限公司").inner_text().endswith("75%")
    shot(page, "upload-review")
    row.get_by_role("combobox", name="客户").fill("北京XYZ")
    row.get_by_role("option", name=re.compile("北京XYZ科技有限公司")).click()
    row.get_by_label("类型").select_option(label="合同")
    row.get_by_label("标签").fill("续签，重要")
    row.get_by_role("button", name="确认并归档").click()
    row = page.locator("#jobs > li.job", has_text="纪要.pdf")
    row.locator(".badge.state-done").wait_for(timeout=60_000)
    assert row.get_by_role("link", name=re.compile("HT-")).is_visible()
    document = Document.objects.get()
    assert (document.customer, document.document_type) == (xyz, contract)
    assert sorted(t.name for t in document.tags.all()) == ["续签", "重要"]
