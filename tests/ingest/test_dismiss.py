"""Dismissing a job from the inbox (ingest_dismiss): who may, which jobs, and what stays: the
job and its file are kept as the record, only the inbox and the upload list leave it out."""

import pytest

from docket.access import seeds
from docket.access.models import Permission, Role, Scope
from docket.access.services import grant_add
from docket.audit.models import AuditEvent
from docket.audit.selectors import customer_timeline
from docket.core.errors import Conflict, Forbidden
from docket.demo.pdfgen import make_pdf
from docket.documents.models import Document
from docket.ingest.models import IngestJob
from docket.ingest.selectors import inbox_jobs, recent_jobs
from docket.ingest.services import ingest_dismiss, ingest_resolve, ingest_submit
from docket.storage.blobstore import get_blob_store
from tests.conftest import client_for, named_file, user_with_role
from tests.ingest import samples

MINUTES = ["会议纪要", "讨论了明年的计划"]


def run(user, data: bytes, name: str, run_tasks, **hints) -> IngestJob:
    job = ingest_submit(
        actor=user, file=named_file(data, name), filename=name, source="upload", **hints
    )
    run_tasks()
    job.refresh_from_db()
    return job


@pytest.fixture
def failed(sales, own, contract_type, run_tasks) -> IngestJob:
    job = run(
        sales,
        samples.truncated_pdf(),
        "bad.pdf",
        run_tasks,
        customer=own,
        document_type=contract_type,
    )
    assert job.state == IngestJob.State.FAILED, job.reason
    return job


def test_a_failed_upload_dismissed_by_its_uploader_leaves_the_inbox_and_keeps_its_record(
    sales, failed
):
    assert list(inbox_jobs(user=sales)) == [failed]
    ingest_dismiss(actor=sales, job=failed)
    assert list(inbox_jobs(user=sales)) == []
    assert recent_jobs(user=sales) == []
    failed.refresh_from_db()
    assert failed.state == IngestJob.State.FAILED  # what happened to the file is unchanged
    assert failed.dismissed_by == sales and failed.dismissed_at is not None
    assert get_blob_store().read_bytes(failed.sha256) == samples.truncated_pdf()


def test_a_job_waiting_for_review_can_be_dismissed_and_nothing_is_filed(
    sales, contract_type, run_tasks
):
    job = run(sales, make_pdf(MINUTES), "纪要.pdf", run_tasks, document_type=contract_type)
    assert job.state == IngestJob.State.NEEDS_REVIEW
    ingest_dismiss(actor=sales, job=job)
    run_tasks()
    job.refresh_from_db()
    assert job.state == IngestJob.State.NEEDS_REVIEW and job.document is None
    assert not Document.all_objects.exists()
    assert list(inbox_jobs(user=sales)) == []


def test_a_dismissed_job_cannot_be_retried_nor_dismissed_again(sales, failed):
    ingest_dismiss(actor=sales, job=failed)
    with pytest.raises(Conflict):
        ingest_resolve(actor=sales, job=failed)
    with pytest.raises(Conflict):
        ingest_dismiss(actor=sales, job=failed)
    failed.refresh_from_db()
    assert failed.state == IngestJob.State.FAILED and failed.dismissed_by == sales


def test_a_job_dismissed_meanwhile_in_another_request_is_a_conflict(sales, failed):
    stale = IngestJob.objects.get(pk=failed.pk)  # read before the other request dismissed it
    ingest_dismiss(actor=sales, job=failed)
    with pytest.raises(Conflict):
        ingest_dismiss(actor=sales, job=stale)


def test_a_retry_from_a_copy_read_before_a_dismissal_is_refused_and_undoes_nothing(sales, failed):
    stale = IngestJob.objects.get(pk=failed.pk)
    ingest_dismiss(actor=sales, job=failed)
    with pytest.raises(Conflict):
        ingest_resolve(actor=sales, job=stale)
    failed.refresh_from_db()
    assert failed.state == IngestJob.State.FAILED and failed.dismissed_by == sales


def test_a_filed_or_queued_job_cannot_be_dismissed(sales, own, contract_type, contract_pdf):
    queued = ingest_submit(
        actor=sales,
        file=named_file(contract_pdf, "合同.pdf"),
        filename="合同.pdf",
        source="upload",
        customer=own,
        document_type=contract_type,
    )
    with pytest.raises(Conflict):
        ingest_dismiss(actor=sales, job=queued)
    queued.state = IngestJob.State.DONE
    with pytest.raises(Conflict):
        ingest_dismiss(actor=sales, job=queued)
    assert IngestJob.objects.get(pk=queued.pk).dismissed_at is None


def test_the_team_manager_and_the_archivist_may_dismiss_a_colleagues_failed_upload(
    east, sales, failed
):
    manager = user_with_role("chenjing", seeds.MANAGER, team=east)
    archivist = user_with_role("huangli", seeds.ARCHIVIST)
    assert list(inbox_jobs(user=manager)) == [failed]
    ingest_dismiss(actor=manager, job=failed)
    failed.refresh_from_db()
    assert failed.dismissed_by == manager
    other = IngestJob.objects.create(
        source="upload", sha256=failed.sha256, size=1, original_name="坏.pdf",
        state=IngestJob.State.FAILED, created_by=sales,
    )  # fmt: skip
    ingest_dismiss(actor=archivist, job=other)
    assert IngestJob.objects.get(pk=other.pk).dismissed_by == archivist


def test_a_colleague_who_sees_the_job_but_may_not_manage_its_customer_is_refused(
    east, own, sales, failed
):
    # A team role that may see and upload for the team's customers, but not manage them.
    assistant_role = Role.objects.create(
        code="assistant",
        name="助理",
        scope=Scope.TEAM,
        permissions=[Permission.VIEW, Permission.UPLOAD],
        capabilities=[],
    )
    assistant = user_with_role("sunli", role="sales", team=east)
    assistant.member.role = assistant_role
    assistant.member.save()
    assert list(inbox_jobs(user=assistant)) == [failed]
    with pytest.raises(Forbidden):
        ingest_dismiss(actor=assistant, job=failed)
    assert IngestJob.objects.get(pk=failed.pk).dismissed_at is None
    grant_add(actor=None, permission=Permission.MANAGE, user=assistant, customer=own)
    ingest_dismiss(actor=assistant, job=failed)
    assert IngestJob.objects.get(pk=failed.pk).dismissed_by == assistant


def test_the_api_dismisses_a_job_and_its_inbox_leaves_it_out(sales, stranger, failed):
    outsider = client_for(stranger).post(f"/api/ingest/{failed.id}/dismiss/")
    assert outsider.status_code == 404
    api = client_for(sales)
    answer = api.post(f"/api/ingest/{failed.id}/dismiss/")
    assert answer.status_code == 200 and answer.json()["dismissed_at"]
    assert api.get("/api/ingest/", {"inbox": "true"}).json()["results"] == []
    again = api.post(f"/api/ingest/{failed.id}/dismiss/")
    assert again.status_code == 409
    assert api.get(f"/api/ingest/{failed.id}/").json()["state"] == "failed"  # the record


def test_the_uploader_may_dismiss_their_own_job_whatever_customer_it_names(sales, theirs):
    """Even one they may not manage (here one they may not even see)."""
    job = IngestJob.objects.create(
        source="upload", sha256="0" * 64, size=1, original_name="坏.pdf",
        state=IngestJob.State.FAILED, created_by=sales, customer=theirs,
    )  # fmt: skip
    ingest_dismiss(actor=sales, job=job)
    assert IngestJob.objects.get(pk=job.pk).dismissed_by == sales


def test_a_dismissal_is_audited_with_the_job_its_file_and_customer_but_not_in_the_timeline(
    sales, own, failed
):
    client_for(sales).post(f"/api/ingest/{failed.id}/dismiss/", REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action=AuditEvent.Action.INGEST_DISMISS)
    assert (event.actor, event.outcome, event.customer_id, event.document_id) == (
        sales, "success", own.id, None,
    )  # fmt: skip
    assert event.details == {"job": str(failed.id), "file": "bad.pdf", "state": "failed"}
    assert event.ip == "10.1.2.3"
    # The timeline shows what was filed; an upload's retries and dismissals stay in the trail.
    assert event not in customer_timeline(user=sales, customer_id=own.id)


def test_a_refused_or_conflicting_dismissal_records_no_dismissal(east, sales, failed):
    with pytest.raises(Forbidden):
        ingest_dismiss(actor=user_with_role("liuyang", seeds.SALES), job=failed)
    ingest_dismiss(actor=sales, job=failed)
    with pytest.raises(Conflict):
        ingest_dismiss(actor=sales, job=failed)
    dismissals = AuditEvent.objects.filter(action=AuditEvent.Action.INGEST_DISMISS)
    assert [event.actor for event in dismissals] == [sales]
