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
    assert page.count("购销合同") == 2  # recent documents and checked out by me
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
