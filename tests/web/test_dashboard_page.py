"""The dashboard: my customers, recent documents, the inbox, my checked-out documents."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from docket.accounts.preferences import language_set
from docket.customers.services import customer_create
from docket.documents.checkout import document_checkout
from docket.documents.services import document_upload
from docket.ingest.models import IngestJob
from docket.ingest.services import ingest_submit
from tests.conftest import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def sales(db):
    return user_with_role("wangfang", role="sales")


def upload(actor, customer, contract_type, pdf, title):
    return document_upload(
        actor=actor,
        file=io.BytesIO(pdf),
        filename=f"{title}.pdf",
        customer=customer,
        document_type=contract_type,
        title=title,
    )


def test_the_dashboard_shows_what_waits_for_the_user(client, sales, contract_type, contract_pdf):
    mine = customer_create(actor=sales, name="上海ABC贸易有限公司")
    document = upload(sales, mine, contract_type, contract_pdf, "购销合同")
    document_checkout(actor=sales, document=document)
    IngestJob.objects.create(
        source=IngestJob.Source.UPLOAD,
        state=IngestJob.State.FAILED,
        reason="文件已损坏",
        sha256="0" * 64,
        size=1024,
        original_name="扫描件.pdf",
        created_by=sales,
    )
    client.force_login(sales)
    page = client.get("/").content.decode()
    assert "上海ABC贸易有限公司" in page  # my customers
    assert page.count(">购销合同<") == 2  # recent documents and checked out by me
    assert "扫描件.pdf" in page and "文件已损坏" in page  # the inbox


def test_the_dashboard_hides_what_the_user_may_not_see(client, sales, contract_type, contract_pdf):
    someone = user_with_role("lisi", role="sales")
    theirs = customer_create(actor=someone, name="北京XYZ科技有限公司")
    upload(someone, theirs, contract_type, contract_pdf, "保密协议")
    client.force_login(sales)
    page = client.get("/").content.decode()
    assert "北京XYZ科技有限公司" not in page and "保密协议" not in page


def test_the_inbox_shows_why_a_damaged_pdf_failed_in_the_users_language(
    client, sales, contract_pdf, run_tasks
):
    damaged = contract_pdf[:200] + b"\x00garbage\x00" * 200 + contract_pdf[-100:]
    job = ingest_submit(
        actor=sales,
        file=io.BytesIO(damaged),
        filename="扫描件.pdf",
        source=IngestJob.Source.UPLOAD,
    )
    run_tasks()
    job.refresh_from_db()
    detail = job.reason.removeprefix("the PDF is damaged: ")
    client.force_login(sales)
    assert f"PDF 文件已损坏：{detail}"[:80] in client.get("/").content.decode()
    language_set(user=sales, language="en")
    assert job.reason[:70] in client.get("/").content.decode()


def queries_for(client, path: str) -> int:
    client.get(path)  # the first request of a session also writes the session
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_dashboard_runs_as_many_queries_for_many_rows_as_for_few(
    client, sales, contract_type, contract_pdf
):
    client.force_login(sales)
    customers = [customer_create(actor=sales, name=f"上海{i}号贸易有限公司") for i in range(12)]
    upload(sales, customers[0], contract_type, contract_pdf, "合同0")
    few = queries_for(client, "/")
    for i, customer in enumerate(customers):
        document = upload(sales, customer, contract_type, contract_pdf, f"合同{i + 1}")
        document_checkout(actor=sales, document=document)
    assert queries_for(client, "/") == few


def test_recent_documents_show_the_document_date_else_the_local_day_of_the_upload(
    client, sales, contract_type, contract_pdf
):
    import datetime

    from docket.documents.models import Document

    customer = customer_create(actor=sales, name="上海ABC贸易有限公司")
    dated = upload(sales, customer, contract_type, contract_pdf, "购销合同")
    Document.objects.filter(pk=dated.pk).update(document_date=datetime.date(2023, 1, 1))
    undated = upload(sales, customer, contract_type, contract_pdf, "报价单")
    # 2023-06-30 20:00 UTC is already 1 July in Shanghai
    late_evening = datetime.datetime(2023, 6, 30, 20, 0, tzinfo=datetime.UTC)
    Document.objects.filter(pk=undated.pk).update(created_at=late_evening)
    client.force_login(sales)
    page = client.get("/").content.decode()
    assert ">2023-01-01<" in page  # was empty: the date filter ran again on ""
    assert ">2023-07-01<" in page and "2023-06-30" not in page


def failed_upload(user, name: str = "bad.pdf") -> IngestJob:
    return IngestJob.objects.create(
        source=IngestJob.Source.UPLOAD,
        state=IngestJob.State.FAILED,
        reason="PDF 文件不完整",
        sha256="0" * 64,
        size=1024,
        original_name=name,
        created_by=user,
    )


@pytest.fixture
def east_team(db):
    from docket.access.models import Team

    return Team.objects.create(name="华东销售组")


def test_the_inbox_names_who_uploaded_each_colleagues_file_and_not_the_users_own(client, east_team):
    wangfang = user_with_role("wangfang", role="sales", team=east_team)
    wangfang.first_name, wangfang.last_name = "芳", "王"
    wangfang.save()
    zhaolei = user_with_role("zhaolei", role="sales", team=east_team)
    manager = user_with_role("chenjing", role="manager", team=east_team)
    failed_upload(wangfang)
    failed_upload(zhaolei)
    failed_upload(manager, "我的扫描件.pdf")
    client.force_login(manager)
    page = client.get("/").content.decode()
    assert page.count("bad.pdf</a>") == 2 and "我的扫描件.pdf" in page
    assert "上传者：芳 王" in page and "上传者：zhaolei" in page
    assert page.count("上传者：") == 2  # the manager's own file is not labelled
    client.force_login(wangfang)
    own = client.get("/").content.decode()
    assert "bad.pdf" in own and "上传者：" not in own


def test_a_failed_upload_dismissed_from_the_dashboard_leaves_the_inbox(client, sales):
    job = failed_upload(sales)
    client.force_login(sales)
    page = client.get("/").content.decode()
    assert f'action="/upload/jobs/{job.id}/dismiss/"' in page and 'value="dashboard"' in page
    answer = client.post(f"/upload/jobs/{job.id}/dismiss/", {"back": "dashboard"}, follow=True)
    assert answer.redirect_chain == [("/", 302)]
    body = answer.content.decode()
    assert "已将 bad.pdf 移出待处理。" in body and "没有待处理的事项。" in body
    job.refresh_from_db()
    assert job.dismissed_by == sales and job.state == IngestJob.State.FAILED


def test_the_inbox_offers_no_dismissal_of_a_colleagues_file_without_manage(client, east_team):
    from docket.access.models import Member, Permission, Role, Scope

    wangfang = user_with_role("wangfang", role="sales", team=east_team)
    assistant = user_with_role("sunli", role="sales", team=east_team)
    Member.objects.filter(user=assistant).update(
        role=Role.objects.create(
            code="assistant", name="助理", scope=Scope.TEAM, permissions=[Permission.VIEW]
        )
    )
    job = failed_upload(wangfang)
    client.force_login(assistant)
    page = client.get("/").content.decode()
    assert "bad.pdf" in page and "/dismiss/" not in page
    refused = client.post(f"/upload/jobs/{job.id}/dismiss/", {"back": "dashboard"})
    assert refused.status_code == 403
    assert IngestJob.objects.get(pk=job.pk).dismissed_at is None


def test_the_dashboard_runs_as_many_queries_for_many_colleagues_uploads_as_for_one(
    client, east_team
):
    manager = user_with_role("chenjing", role="manager", team=east_team)
    colleagues = [user_with_role(f"sales{n}", role="sales", team=east_team) for n in range(8)]
    failed_upload(colleagues[0])
    client.force_login(manager)
    few = queries_for(client, "/")
    for colleague in colleagues[1:]:
        failed_upload(colleague)
    assert queries_for(client, "/") == few
    assert client.get("/").content.decode().count("上传者：") == 8


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_failed_upload_is_dismissed_from_the_dashboard_and_is_gone(page):
    from playwright.sync_api import expect

    from tests.web.conftest import shot, sign_in

    user = user_with_role("wangfang", role="sales", password="pw-王芳-12345")
    failed_upload(user)
    failed_upload(user, "扫描件.pdf")
    sign_in(page, "wangfang", "pw-王芳-12345")
    page.goto("/")
    inbox = page.locator("section[aria-labelledby=inbox-title]")
    expect(inbox.get_by_role("link", name="bad.pdf")).to_be_visible()
    shot(page, "dashboard-inbox")
    inbox.get_by_role("button", name="移除 bad.pdf").click()
    expect(inbox.get_by_role("status")).to_have_text("已将 bad.pdf 移出待处理。")
    expect(inbox.get_by_role("link", name="bad.pdf")).to_have_count(0)
    expect(inbox.get_by_role("link", name="扫描件.pdf")).to_be_visible()
    page.reload()
    expect(inbox.get_by_role("link", name="扫描件.pdf")).to_be_visible()
    expect(inbox.get_by_role("link", name="bad.pdf")).to_have_count(0)
    kept = dict(IngestJob.objects.values_list("original_name", "dismissed_at"))
    assert kept["bad.pdf"] is not None and kept["扫描件.pdf"] is None  # the row stays, dismissed
