"""A person's answers to the inbox (ingest_resolve) and corrections to what the pipeline
filed (ingest_correct): checked when they are given, not by the worker later."""

import datetime

import pytest

from docket.access.models import Permission
from docket.access.services import grant_add
from docket.audit.models import AuditEvent
from docket.audit.selectors import customer_timeline
from docket.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from docket.customers.services import customer_create
from docket.demo.pdfgen import make_pdf
from docket.documents.models import Document
from docket.ingest.models import IngestJob
from docket.ingest.services import ingest_correct, ingest_resolve, ingest_submit
from tests.conftest import named_file, user_with_role
from tests.ingest import samples

MINUTES = ["会议纪要", "讨论了明年的计划"]


def run(user, data: bytes, name: str, run_tasks, **hints) -> IngestJob:
    job = ingest_submit(
        actor=user, file=named_file(data, name), filename=name, source="upload", **hints
    )
    run_tasks()
    job.refresh_from_db()
    return job


def test_a_reviewed_job_is_queued_with_the_customer_chosen(sales, own, contract_type, run_tasks):
    job = run(sales, make_pdf(MINUTES), "纪要.pdf", run_tasks, document_type=contract_type)
    assert job.state == IngestJob.State.NEEDS_REVIEW
    ingest_resolve(actor=sales, job=job, customer=own, tag_names=["重要"])
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.DONE
    assert job.document.customer == own
    assert [t.name for t in job.document.tags.all()] == ["重要"]


def test_a_customer_the_uploader_may_not_see_is_refused_and_the_job_keeps_waiting(
    sales, theirs, contract_type, run_tasks
):
    job = run(sales, make_pdf(MINUTES), "纪要.pdf", run_tasks, document_type=contract_type)
    with pytest.raises(NotFound):
        ingest_resolve(actor=sales, job=job, customer=theirs)
    grant_add(actor=None, permission=Permission.VIEW, user=sales, customer=theirs)
    with pytest.raises(Forbidden):
        ingest_resolve(actor=sales, job=job, customer=theirs)
    job.refresh_from_db()
    assert job.state == IngestJob.State.NEEDS_REVIEW and job.customer is None


def test_a_manager_answering_for_a_team_member_files_only_where_the_member_may(
    east, sales, own, contract_type, run_tasks
):
    manager = user_with_role("chenjing", role="manager", team=east)
    colleague = user_with_role("zhaolei", role="sales", team=east)
    colleagues_customer = customer_create(actor=None, name="北京XYZ科技有限公司", owner=colleague)
    job = run(sales, make_pdf(MINUTES), "纪要.pdf", run_tasks, document_type=contract_type)
    with pytest.raises(NotFound):  # the manager sees it; the uploader may not file there
        ingest_resolve(actor=manager, job=job, customer=colleagues_customer)
    ingest_resolve(actor=manager, job=job, customer=own)
    assert job.state == IngestJob.State.QUEUED


def test_a_wrong_password_is_invalid_input_and_the_job_keeps_waiting(
    sales, own, contract_type, run_tasks
):
    locked = samples.encrypted_pdf("密码123")
    job = run(sales, locked, "加密.pdf", run_tasks, customer=own, document_type=contract_type)
    with pytest.raises(InvalidInput) as refused:
        ingest_resolve(actor=sales, job=job, password="错的")
    assert refused.value.field == "password"
    job.refresh_from_db()
    assert job.state == IngestJob.State.NEEDS_PASSWORD
    ingest_resolve(actor=sales, job=job, password="密码123")
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.DONE, job.reason


def test_a_retry_is_audited_naming_what_was_given_never_the_password(
    sales, own, contract_type, run_tasks
):
    locked = samples.encrypted_pdf("密码123")
    job = run(sales, locked, "加密.pdf", run_tasks, customer=own, document_type=contract_type)
    with pytest.raises(InvalidInput):
        ingest_resolve(actor=sales, job=job, password="错的")
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.INGEST_RETRY).exists()
    ingest_resolve(actor=sales, job=job, password="密码123", title="加密合同")
    event = AuditEvent.objects.get(action=AuditEvent.Action.INGEST_RETRY)
    assert (event.actor, event.outcome, event.customer_id, event.document_id) == (
        sales, "success", own.id, None,
    )  # fmt: skip
    assert event.details == {
        "job": str(job.id),
        "file": "加密.pdf",
        "state": "needs_password",
        "given": ["password", "title"],
    }
    assert "密码123" not in str(event.details)
    assert event not in customer_timeline(user=sales, customer_id=own.id)


def test_a_reviewed_job_retried_over_the_api_is_audited_with_the_customer_chosen(
    sales, own, contract_type, run_tasks
):
    from tests.conftest import client_for

    job = run(sales, make_pdf(MINUTES), "纪要.pdf", run_tasks, document_type=contract_type)
    answer = client_for(sales).post(
        f"/api/ingest/{job.id}/retry/", {"customer": own.id, "tags": ["重要"]}, format="json"
    )
    assert answer.status_code == 202
    event = AuditEvent.objects.get(action=AuditEvent.Action.INGEST_RETRY)
    assert event.customer_id == own.id  # the customer just chosen
    assert event.details["state"] == "needs_review"
    assert event.details["given"] == ["customer", "tags"]


def test_correcting_a_filed_document_needs_the_edit_permission_and_is_audited(
    east, sales, own, contract_type, run_tasks
):
    from docket.documents.models import DocumentType

    minutes = DocumentType.objects.get_or_create(name="会议纪要", defaults={"code": "HY"})[0]
    contract = make_pdf(["购销合同", "甲方：上海ABC贸易有限公司"])
    first = run(sales, contract, "c.pdf", run_tasks, document_type=contract_type)
    again = run(sales, contract, "c2.pdf", run_tasks, document_type=contract_type)
    assert first.document.customer == own and again.duplicate
    filed_long_ago = first.document.created_at - datetime.timedelta(days=2)
    Document.objects.filter(pk=first.document_id).update(created_at=filed_long_ago)
    first = IngestJob.objects.get(pk=first.pk)
    with pytest.raises(Forbidden):  # a sales role views and uploads; its uploader's time is up
        ingest_correct(actor=sales, job=first, customer=own, document_type=minutes, tag_names=[])
    with pytest.raises(Conflict):  # a duplicate filed nothing of its own
        ingest_correct(actor=sales, job=again, customer=own, document_type=minutes, tag_names=[])
    manager = user_with_role("chenjing", role="manager", team=east)
    ingest_correct(
        actor=manager, job=first, customer=own, document_type=minutes, tag_names=["已核对"]
    )
    document = Document.objects.get()
    assert document.document_type == minutes
    assert [t.name for t in document.tags.all()] == ["已核对"]
    assert AuditEvent.objects.filter(action="edit", actor=manager, document_id=document.id).exists()
