"""The ingest pipeline end to end on born-digital files: every format is filed with its text,
containers fan out, bad files wait in the inbox with a reason, nothing is lost."""

import io
import zipfile

import pytest

from docket.customers.services import contact_create, customer_create
from docket.demo.pdfgen import make_pdf
from docket.documents.models import Document
from docket.ingest.models import IngestJob
from docket.storage.blobstore import get_blob_store
from tests.ingest import samples

CONTRACT_LINES = [
    "购销合同",
    "合同编号：HT-2023-0101",
    "甲方：上海ABC贸易有限公司",
    "乙方：杭州启明信息科技有限公司",
    "合同金额：¥128,000.00（大写：人民币壹拾贰万捌仟元整）",
    "签订日期：2023年1月1日",
]


@pytest.fixture
def abc(user):
    return customer_create(actor=user, name="上海ABC贸易有限公司")


def test_a_born_digital_contract_is_filed_to_the_customer_it_names(ingest, abc, contract_type):
    job = ingest(make_pdf(CONTRACT_LINES), "scan0001.pdf", document_type=contract_type)
    assert job.state == IngestJob.State.DONE, job.reason
    doc = job.document
    assert doc.customer == abc
    assert doc.document_type == contract_type
    assert str(doc.document_date) == "2023-01-01"
    assert doc.archive_number == "HT-2023-0001"
    version = doc.versions.get()
    assert "人民币壹拾贰万捌仟元整" in version.text
    assert version.text_state == "done"
    assert job.fields["amounts"][0] == "128000.00"
    assert job.suggestions["customer"][0]["name"] == "上海ABC贸易有限公司"


def test_what_the_submitter_said_wins_over_suggestions(ingest, user, abc, contract_type):
    other = customer_create(actor=user, name="北京华信科技有限公司")
    job = ingest(make_pdf(CONTRACT_LINES), "c.pdf", customer=other, document_type=contract_type)
    assert job.document.customer == other


def test_without_a_customer_in_sight_the_job_waits_for_review_and_can_be_retried(
    ingest, abc, contract_type, run_tasks
):
    from docket.ingest.services import ingest_retry

    job = ingest(
        make_pdf(["会议纪要", "讨论了明年的计划"]), "minutes.pdf", document_type=contract_type
    )
    assert job.state == IngestJob.State.NEEDS_REVIEW
    assert "customer" in job.reason
    assert Document.objects.count() == 0
    ingest_retry(actor=None, job=job, customer=abc)
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.DONE
    assert job.document.customer == abc


def test_the_same_bytes_twice_point_at_the_first_document(ingest, abc, contract_type):
    first = ingest(make_pdf(CONTRACT_LINES), "a.pdf", document_type=contract_type)
    second = ingest(make_pdf(CONTRACT_LINES), "b.pdf", document_type=contract_type)
    assert second.state == IngestJob.State.DONE
    assert second.duplicate is True
    assert second.document_id == first.document_id
    assert first.document.archive_number in second.reason
    assert Document.objects.count() == 1


@pytest.mark.parametrize(
    ("make", "name", "expected"),
    [
        (samples.docx_file, "合同.docx", "办公桌"),
        (samples.xlsx_file, "报价.xlsx", "应收账款"),
        (samples.pptx_file, "回顾.pptx", "年度客户回顾"),
        (lambda: "品名,金额\n减速机,9250\n".encode("gb18030"), "报价.csv", "减速机"),
        (samples.ofd, "发票.ofd", "增值税电子普通发票"),
    ],
)
def test_office_text_and_ofd_files_are_filed_with_their_text(
    ingest, abc, contract_type, make, name, expected
):
    job = ingest(make(), name, customer=abc, document_type=contract_type)
    assert job.state == IngestJob.State.DONE, job.reason
    assert expected in job.document.versions.get().text


def test_a_zip_becomes_one_document_per_member(ingest, abc, contract_type):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("合同/购销合同.pdf", make_pdf(CONTRACT_LINES))
        archive.writestr("报价单.txt", "报价单\n上海ABC贸易有限公司\n".encode())
    job = ingest(buffer.getvalue(), "资料.zip", customer=abc, document_type=contract_type)
    assert job.state == IngestJob.State.DONE
    assert job.document is None
    children = list(job.children.order_by("original_name"))
    assert [c.state for c in children] == [IngestJob.State.DONE] * 2
    assert sorted(c.document.title for c in children) == ["报价单", "购销合同"]


def test_an_email_is_filed_with_its_attachments_to_the_senders_customer(ingest, abc, contract_type):
    contact_create(actor=None, customer=abc, name="张伟", email="zhangwei@abc-trading.cn")
    eml = samples.eml(attachment=make_pdf(CONTRACT_LINES))
    job = ingest(eml, "message.eml", document_type=contract_type)
    assert job.state == IngestJob.State.DONE, job.reason
    assert job.document.customer == abc
    assert job.document.title == "购销合同 扫描件"
    (child,) = job.children.all()
    assert child.state == IngestJob.State.DONE, child.reason
    assert child.document.customer == abc
    assert child.original_name == "购销合同.pdf"


def test_a_password_protected_pdf_waits_for_its_password(ingest, abc, contract_type, run_tasks):
    from docket.ingest.services import ingest_retry
    from docket.ingest.types import NeedsPassword

    locked = samples.encrypted_pdf("密码123")
    job = ingest(locked, "locked.pdf", customer=abc, document_type=contract_type)
    assert job.state == IngestJob.State.NEEDS_PASSWORD
    with pytest.raises(NeedsPassword):
        ingest_retry(actor=None, job=job, password="wrong")
    ingest_retry(actor=None, job=job, password="密码123")
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.DONE, job.reason
    assert job.document.versions.get().text
    assert get_blob_store().exists(job.fields["encrypted_original_sha256"])  # the original kept


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"%PDF-1.7\n1 0 obj <<\n" + b"\x00garbage" * 50, "坏.pdf", "PDF"),
        (make_pdf(CONTRACT_LINES)[:600], "截断.pdf", "PDF"),
    ],
)
def test_a_corrupt_file_waits_in_the_inbox_with_its_reason_and_bytes(
    ingest, abc, contract_type, data, name, reason
):
    job = ingest(data, name, customer=abc, document_type=contract_type)
    assert job.state == IngestJob.State.FAILED
    assert reason in job.reason
    assert job.step == "read_text"
    assert get_blob_store().read_bytes(job.sha256) == data
    assert Document.objects.count() == 0


def test_an_unsupported_type_is_kept_as_a_document_without_text(ingest, abc, contract_type):
    job = ingest(
        b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 4,
        "tool.bin",
        customer=abc,
        document_type=contract_type,
    )
    assert job.state == IngestJob.State.DONE, job.reason
    version = job.document.versions.get()
    assert version.text == ""
    assert version.text_state == "none"


def test_a_file_whose_extension_lies_is_read_by_its_content(ingest, abc, contract_type):
    job = ingest(make_pdf(CONTRACT_LINES), "照片.jpg", customer=abc, document_type=contract_type)
    assert job.mime_type == "application/pdf"
    assert "购销合同" in job.document.versions.get().text


@pytest.mark.parametrize(
    ("make", "name", "state", "words"),
    [
        (samples.bomb_png, "炸弹.png", IngestJob.State.FAILED, "pixels"),
        (samples.zip_bomb, "炸弹.zip", IngestJob.State.FAILED, "zip"),
        (samples.empty_pdf, "空白.pdf", IngestJob.State.FAILED, "no pages"),
        (samples.truncated_jpeg, "截断.jpg", IngestJob.State.FAILED, "image"),
    ],
)
def test_bombs_and_broken_files_wait_in_the_inbox_with_a_reason(
    ingest, abc, contract_type, make, name, state, words
):
    job = ingest(make(), name, customer=abc, document_type=contract_type)
    assert job.state == state
    assert words in job.reason.lower()
    assert Document.objects.count() == 0
    assert list(job.children.all()) == []


def test_a_pdf_over_the_page_limit_is_refused_with_the_limit_named(
    ingest, abc, contract_type, settings
):
    settings.INGEST_MAX_PAGES = 5
    job = ingest(samples.many_pages_pdf(6), "长文档.pdf", customer=abc, document_type=contract_type)
    assert job.state == IngestJob.State.FAILED
    assert "5" in job.reason and "page" in job.reason
