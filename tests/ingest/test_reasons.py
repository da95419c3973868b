"""Why a job stopped: the English sentence the API and the CLI show, kept with its template and
values so that a page shows it in the user's language (IngestJob.reason_text)."""

import datetime
import io

import pytest
from django.utils import timezone, translation

from docket.core.inline_tasks import run_ready_tasks
from docket.core.notices import Notice, translated
from docket.customers.services import customer_create
from docket.demo.pdfgen import make_pdf
from docket.ingest.models import IngestJob
from docket.ingest.parsers import DOCX, office
from docket.ingest.services import ingest_retry, ingest_submit, recover_stalled_jobs
from docket.ingest.tasks import run_ingest_job
from docket.ingest.types import CorruptFile
from docket.storage.blobstore import get_blob_store
from tests.ingest import samples

pytestmark = pytest.mark.django_db


def damaged_pdf() -> bytes:
    data = samples.pdf([["购销合同", "甲方：上海ABC贸易有限公司"]])
    return data[:200] + b"\x00garbage\x00" * 200 + data[-100:]  # header and trailer intact


def waiting_job(user, **fields) -> IngestJob:
    """A job as the pipeline leaves it, made directly; its file is stored."""
    stored = get_blob_store().put(io.BytesIO(b"%PDF-1.7"))
    return IngestJob.objects.create(
        source=IngestJob.Source.UPLOAD,
        sha256=stored.sha256,
        size=stored.size,
        original_name="扫描件.pdf",
        created_by=user,
        **fields,
    )


def in_language(language: str, job: IngestJob) -> str:
    with translation.override(language):
        return job.reason_text


def test_a_damaged_pdf_waits_with_its_reason_in_english_and_in_chinese(ingest):
    job = ingest(damaged_pdf(), "购销合同.pdf")
    assert job.state == IngestJob.State.FAILED
    assert job.reason.startswith("the PDF is damaged: ")
    detail = job.reason.removeprefix("the PDF is damaged: ")
    assert job.reason_notice == {
        "template": "the PDF is damaged: %(detail)s",
        "values": {"detail": detail},
    }
    assert in_language("zh-hans", job) == f"PDF 文件已损坏：{detail}"
    assert in_language("en", job) == job.reason


def test_the_api_still_answers_the_english_sentence(ingest, api):
    job = ingest(damaged_pdf(), "购销合同.pdf")
    answer = api.get(f"/api/ingest/{job.id}/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert answer["reason"] == job.reason
    assert answer["reason"].startswith("the PDF is damaged: ")
    assert "reason_notice" not in answer


def test_a_job_waiting_for_review_says_in_chinese_what_to_choose(ingest, contract_type):
    both = ingest(make_pdf(["会议纪要", "讨论了明年的计划"]), "纪要.pdf")
    assert (
        both.reason == "choose the customer and the document type: none could be told from the file"
    )
    assert in_language("zh-hans", both) == "请选择客户和文档类型：无法从文件中判断"
    customer_only = ingest(make_pdf(["会议纪要"]), "纪要2.pdf", document_type=contract_type)
    assert in_language("zh-hans", customer_only) == "请选择客户：无法从文件中判断"


def uploaded(user, lines: list[str], contract_type) -> IngestJob:
    job = ingest_submit(
        actor=user,
        file=io.BytesIO(make_pdf(lines)),
        filename="合同.pdf",
        source=IngestJob.Source.UPLOAD,
        document_type=contract_type,
    )
    run_ready_tasks()
    job.refresh_from_db()
    return job


def test_a_file_naming_another_sales_users_customer_says_the_uploader_may_not_file_there(
    sales, stranger, theirs, contract_type
):
    job = uploaded(sales, ["购销合同", "甲方：天津恒通物流有限公司"], contract_type)
    assert job.state == IngestJob.State.NEEDS_REVIEW
    assert in_language("zh-hans", job) == "请选择客户：上传人无权归档到文件所指向的客户"


def test_a_file_naming_a_company_that_is_no_customer_says_none_could_be_told(
    sales, own, stranger, contract_type
):
    # 上海ABC科技有限公司 is no customer; its short form 上海ABC科技 only resembles another
    # user's customer, which the file does not name.
    customer_create(actor=None, name="上海ABC科技发展集团", owner=stranger)
    job = uploaded(sales, ["购销合同", "甲方：上海ABC科技有限公司"], contract_type)
    assert job.state == IngestJob.State.NEEDS_REVIEW
    assert job.reason == "choose the customer: none could be told from the file"
    assert in_language("zh-hans", job) == "请选择客户：无法从文件中判断"


def test_a_file_named_inside_a_reason_is_named_in_chinese_too():
    with pytest.raises(CorruptFile) as caught:
        office.parse(samples.docx_file()[:300], DOCX)
    assert caught.value.reason.startswith("the Word document is damaged: ")
    with translation.override("zh-hans"):
        assert translated(caught.value.reason).startswith("Word 文档已损坏：")


def test_an_old_job_without_a_template_shows_its_english_reason(user):
    job = waiting_job(
        user,
        state=IngestJob.State.FAILED,
        reason="the PDF is damaged: unable to find trailer dictionary",
    )
    assert in_language("zh-hans", job) == "the PDF is damaged: unable to find trailer dictionary"
    job.set_reason(Notice("the PDF has no pages"))
    job.reason = "rewritten without set_reason"  # the template no longer says the same
    assert in_language("zh-hans", job) == "rewritten without set_reason"


def test_a_retried_job_forgets_its_reason(ingest):
    job = ingest(damaged_pdf(), "购销合同.pdf")
    ingest_retry(actor=None, job=job)
    job.refresh_from_db()
    assert (job.reason, job.reason_notice, job.reason_text) == ("", None, "")


def test_an_internal_error_names_its_step_in_the_users_language(user, monkeypatch):
    from docket.ingest import pipeline

    job = waiting_job(user)

    def broken(job: IngestJob, data: bytes, steps: list) -> None:
        job.step = "ocr"
        raise RuntimeError("显存不足")

    monkeypatch.setattr(pipeline, "run_job", broken)
    with pytest.raises(RuntimeError):
        run_ingest_job.call(str(job.id))
    job.refresh_from_db()
    assert job.reason == "internal error in step ocr: RuntimeError: 显存不足"
    assert in_language("zh-hans", job) == "步骤 ocr 发生内部错误：RuntimeError: 显存不足"


def test_a_job_left_running_by_a_dead_worker_is_queued_again_with_a_chinese_reason(user):
    job = waiting_job(
        user,
        state=IngestJob.State.RUNNING,
        heartbeat_at=timezone.now() - datetime.timedelta(hours=1),
    )
    assert [j.pk for j in recover_stalled_jobs()] == [job.pk]
    job.refresh_from_db()
    assert job.reason == "the worker stopped; queued again"
    assert in_language("zh-hans", job) == "处理进程已停止，已重新排队"
