"""What the suggest step applies on its own: a customer only where the uploader may file, and
never over what a person chose in review."""

import pytest

from docket.access.models import Permission
from docket.access.services import grant_add
from docket.demo.pdfgen import make_pdf
from docket.documents.models import Document, Tag
from docket.ingest.models import IngestJob, MatchRule
from docket.ingest.services import ingest_resolve, ingest_retry
from tests.ingest.test_review_services import run

THEIR_CONTRACT = ["购销合同", "甲方：天津恒通物流有限公司", "合同金额：¥86,000.00"]
URGENT_MINUTES = ["会议纪要", "讨论了明年的计划", "请紧急处理"]


def test_a_customer_the_uploader_may_not_file_to_is_left_for_review(
    sales, theirs, contract_type, run_tasks
):
    job = run(sales, make_pdf(THEIR_CONTRACT), "合同.pdf", run_tasks, document_type=contract_type)
    assert job.state == IngestJob.State.NEEDS_REVIEW, job.reason
    assert "customer" in job.reason and "天津恒通" not in job.reason  # not named to them
    assert job.customer is None and Document.objects.count() == 0
    assert job.suggestions["customer"][0]["id"] == theirs.id  # kept for whoever reviews it


def test_a_customer_the_uploader_may_only_see_is_left_for_review_too(
    sales, own, theirs, contract_type, run_tasks
):
    grant_add(actor=None, permission=Permission.VIEW, user=sales, customer=theirs)
    job = run(sales, make_pdf(THEIR_CONTRACT), "合同.pdf", run_tasks, document_type=contract_type)
    assert job.state == IngestJob.State.NEEDS_REVIEW, job.reason
    ingest_resolve(actor=sales, job=job, customer=own)  # the person decides
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.DONE, job.reason
    assert job.document.customer == own


def test_a_customer_the_uploader_may_file_to_is_still_applied(sales, own, contract_type, run_tasks):
    lines = ["购销合同", "甲方：上海ABC贸易有限公司"]
    job = run(sales, make_pdf(lines), "合同.pdf", run_tasks, document_type=contract_type)
    assert job.state == IngestJob.State.DONE, job.reason
    assert job.document.customer == own


def test_a_job_without_an_uploader_files_to_any_customer_it_names(theirs, contract_type, run_tasks):
    job = run(None, make_pdf(THEIR_CONTRACT), "合同.pdf", run_tasks, document_type=contract_type)
    assert job.state == IngestJob.State.DONE, job.reason  # the system (folder, mailbox, CLI)
    assert job.document.customer == theirs


def test_a_customer_given_that_the_uploader_may_no_longer_file_to_is_left_for_review(
    sales, stranger, own, contract_type, run_tasks
):
    from docket.customers.models import Customer
    from docket.ingest.services import ingest_submit
    from tests.conftest import named_file

    lines = ["购销合同", "甲方：上海ABC贸易有限公司"]
    job = ingest_submit(
        actor=sales,
        file=named_file(make_pdf(lines), "合同.pdf"),
        filename="合同.pdf",
        source="upload",
        customer=own,
        document_type=contract_type,
    )
    Customer.objects.filter(pk=own.pk).update(owner=stranger)  # handed over while it waited
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.NEEDS_REVIEW, job.reason
    assert "customer given" in job.reason and job.customer is None
    assert Document.objects.count() == 0


@pytest.fixture
def urgent_rule(db):
    urgent = Tag.objects.create(name="加急")
    MatchRule.objects.create(target_kind="tag", target_id=urgent.id, mode="any", pattern="紧急")
    return urgent


def test_tags_chosen_in_review_win_over_a_suggested_tag(
    sales, own, contract_type, urgent_rule, run_tasks
):
    job = run(sales, make_pdf(URGENT_MINUTES), "纪要.pdf", run_tasks, document_type=contract_type)
    assert job.state == IngestJob.State.NEEDS_REVIEW
    assert job.tag_names == ["加急"]  # suggested, and offered in the review form
    ingest_resolve(actor=sales, job=job, customer=own, tag_names=["重要"])  # 加急 removed
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.DONE, job.reason
    assert [t.name for t in job.document.tags.all()] == ["重要"]


def test_no_tags_chosen_in_review_means_none(sales, own, contract_type, urgent_rule, run_tasks):
    job = run(sales, make_pdf(URGENT_MINUTES), "纪要.pdf", run_tasks, document_type=contract_type)
    ingest_resolve(actor=sales, job=job, customer=own, tag_names=[])
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.DONE, job.reason
    assert list(job.document.tags.all()) == []


def test_a_retry_that_leaves_the_tags_open_still_takes_suggested_tags(
    sales, own, contract_type, urgent_rule, run_tasks
):
    job = run(sales, make_pdf(URGENT_MINUTES), "纪要.pdf", run_tasks, document_type=contract_type)
    ingest_retry(actor=sales, job=job, customer=own)
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.DONE, job.reason
    assert [t.name for t in job.document.tags.all()] == ["加急"]
