"""The uploader accepts or corrects how the pipeline filed their upload (ingest.correction, through
ingest_correct), for 24 hours and while no one else has changed the document; whoever may
edit the document may at any time."""

import datetime

import pytest
from django.utils import timezone

from docket.access.models import Permission
from docket.access.services import grant_add
from docket.audit.models import AuditEvent
from docket.audit.selectors import customer_timeline
from docket.core.errors import Forbidden, NotFound
from docket.customers.services import customer_create
from docket.demo.pdfgen import make_pdf
from docket.documents.models import Document, DocumentType
from docket.documents.services import document_delete, document_update
from docket.ingest.correction import CORRECTION_WINDOW, open_filings
from docket.ingest.models import IngestJob
from docket.ingest.services import ingest_correct, ingest_resolve, ingest_submit
from tests.conftest import named_file, user_with_role

CONTRACT = ["购销合同", "甲方：上海ABC贸易有限公司", "签订日期：2023年1月1日"]


@pytest.fixture
def quotation(db) -> DocumentType:
    return DocumentType.objects.get_or_create(name="报价单", defaults={"code": "BJD"})[0]


@pytest.fixture
def xyz(sales):
    return customer_create(actor=None, name="北京XYZ科技有限公司", owner=sales)


@pytest.fixture
def filed(sales, own, contract_type, run_tasks) -> IngestJob:
    """A contract the sales user uploaded, filed by the pipeline without asking."""
    job = ingest_submit(
        actor=sales,
        file=named_file(make_pdf(CONTRACT), "合同.pdf"),
        filename="合同.pdf",
        source=IngestJob.Source.UPLOAD,
        document_type=contract_type,
    )
    run_tasks()
    job = IngestJob.objects.get(pk=job.pk)
    assert job.state == IngestJob.State.DONE and job.document.customer == own
    assert job.document.archive_number == "HT-2023-0001"
    return job


def reloaded(job: IngestJob) -> IngestJob:
    return IngestJob.objects.select_related("document").get(pk=job.pk)


def edits(document: Document) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="edit", document_id=document.id).order_by("seq"))


def filed_ago(job: IngestJob, age: datetime.timedelta) -> IngestJob:
    Document.objects.filter(pk=job.document_id).update(created_at=timezone.now() - age)
    return reloaded(job)


def test_the_uploader_corrects_customer_type_title_and_tags_and_the_edit_is_audited(
    sales, own, xyz, quotation, contract_type, filed
):
    old_title = filed.document.title
    ingest_correct(
        actor=sales,
        job=filed,
        customer=xyz,
        document_type=quotation,
        title="XYZ报价",
        tag_names=["重要", "续签"],
    )
    document = Document.objects.get()
    assert (document.customer, document.document_type, document.title) == (
        xyz,
        quotation,
        "XYZ报价",
    )
    assert sorted(t.name for t in document.tags.all()) == ["续签", "重要"]
    # A new type while the filing is open: its number, as filing it so would have given.
    assert document.archive_number == "BJD-2023-0001"
    assert document.file_stem == "北京XYZ科技有限公司_报价单_20230101"
    [event] = edits(document)
    assert (event.actor, event.outcome, event.customer_id) == (sales, "success", xyz.id)
    assert event.details == {
        "fields": ["archive_number", "customer", "document_type", "title", "tags"],
        "archive_number": {"from": "HT-2023-0001", "to": "BJD-2023-0001"},
        "customer": {
            "from": {"id": own.id, "name": "上海ABC贸易有限公司"},
            "to": {"id": xyz.id, "name": "北京XYZ科技有限公司"},
        },
        "document_type": {
            "from": {"id": contract_type.id, "code": "HT", "name": "合同"},
            "to": {"id": quotation.id, "code": "BJD", "name": "报价单"},
        },
        "title": {"from": old_title, "to": "XYZ报价"},
        "tags": {"added": ["续签", "重要"], "removed": []},
    }
    assert event in customer_timeline(user=sales, customer_id=xyz.id)


def test_the_uploaders_own_corrections_keep_the_filing_open_and_an_unchanged_one_writes_nothing(
    sales, own, contract_type, filed
):
    ingest_correct(
        actor=sales, job=filed, customer=own, document_type=contract_type, tag_names=["重要"]
    )
    job = reloaded(filed)
    assert job.pk in open_filings([job])
    ingest_correct(
        actor=sales, job=job, customer=own, document_type=contract_type, tag_names=["重要"]
    )
    [event] = edits(job.document)  # accepting the filing as it is changes nothing
    assert event.details == {"fields": ["tags"], "tags": {"added": ["重要"], "removed": []}}
    assert job.document.archive_number == "HT-2023-0001"


def test_another_sales_user_who_may_see_the_document_is_refused(
    east, own, contract_type, quotation, filed
):
    colleague = user_with_role("zhaolei", role="sales", team=east)
    grant_add(actor=None, permission=Permission.VIEW, user=colleague, customer=own)
    with pytest.raises(Forbidden) as refused:
        ingest_correct(
            actor=colleague, job=filed, customer=own, document_type=quotation, tag_names=[]
        )
    assert str(refused.value.message).startswith("only whoever uploaded this file")
    assert Document.objects.get().document_type == contract_type
    assert not edits(filed.document)


def test_someone_who_may_not_see_the_document_is_told_it_is_not_found(
    stranger, own, quotation, filed
):
    with pytest.raises(NotFound):
        ingest_correct(
            actor=stranger, job=filed, customer=own, document_type=quotation, tag_names=[]
        )


def test_after_24_hours_the_uploader_is_refused_naming_when_the_time_ended(
    sales, own, contract_type, quotation, filed
):
    job = filed_ago(filed, CORRECTION_WINDOW + datetime.timedelta(minutes=1))
    with pytest.raises(Forbidden) as refused:
        ingest_correct(actor=sales, job=job, customer=own, document_type=quotation, tag_names=[])
    ended = timezone.localtime(job.document.created_at + CORRECTION_WINDOW)
    assert f"ended at {ended:%Y-%m-%d %H:%M}, 24 hours after it was filed" in refused.value.message
    assert Document.objects.get().document_type == contract_type
    assert not edits(job.document)


def test_just_inside_24_hours_the_uploader_may_still_correct(sales, own, quotation, filed):
    job = filed_ago(filed, CORRECTION_WINDOW - datetime.timedelta(minutes=1))
    ingest_correct(actor=sales, job=job, customer=own, document_type=quotation, tag_names=[])
    assert Document.objects.get().document_type == quotation


def test_once_someone_else_changed_the_document_the_uploader_is_refused(
    east, sales, own, contract_type, quotation, filed
):
    manager = user_with_role("chenjing", role="manager", team=east)
    document_update(actor=manager, document=filed.document, notes="已核对原件")
    with pytest.raises(Forbidden) as refused:
        ingest_correct(actor=sales, job=filed, customer=own, document_type=quotation, tag_names=[])
    assert refused.value.message.startswith("someone else has changed this document")
    assert Document.objects.get().document_type == contract_type


def test_once_someone_else_answered_the_files_review_the_uploader_may_not_overrule_it(
    east, sales, own, xyz, contract_type, run_tasks
):
    job = ingest_submit(
        actor=sales,
        file=named_file(make_pdf(["会议纪要", "议题：年度采购计划"]), "纪要.pdf"),
        filename="纪要.pdf",
        source=IngestJob.Source.UPLOAD,
    )
    run_tasks()
    assert IngestJob.objects.get(pk=job.pk).state == IngestJob.State.NEEDS_REVIEW
    manager = user_with_role("chenjing", role="manager", team=east)
    ingest_resolve(
        actor=manager,
        job=IngestJob.objects.get(pk=job.pk),
        customer=own,
        document_type=contract_type,
        tag_names=["经理定的"],
    )
    run_tasks()
    job = reloaded(job)
    assert job.state == IngestJob.State.DONE and job.document.customer == own
    assert job.pk not in open_filings([job])
    with pytest.raises(Forbidden) as refused:
        ingest_correct(
            actor=sales, job=job, customer=xyz, document_type=contract_type, tag_names=[]
        )
    assert refused.value.message.startswith("someone else has changed this document")
    document = Document.objects.get(pk=job.document_id)
    assert document.customer == own
    assert list(document.tags.values_list("name", flat=True)) == ["经理定的"]


def test_a_trashed_document_is_not_corrected_by_its_uploader(east, sales, own, quotation, filed):
    manager = user_with_role("chenjing", role="manager", team=east)
    document_delete(actor=manager, document=filed.document)
    with pytest.raises(Forbidden) as refused:
        ingest_correct(actor=sales, job=filed, customer=own, document_type=quotation, tag_names=[])
    assert refused.value.message == "this document is in the trash"


def test_the_uploader_files_only_to_customers_they_may_upload_to(
    sales, own, stranger, theirs, contract_type, filed
):
    with pytest.raises(NotFound):
        ingest_correct(
            actor=sales, job=filed, customer=theirs, document_type=contract_type, tag_names=[]
        )
    grant_add(actor=None, permission=Permission.VIEW, user=sales, customer=theirs)
    with pytest.raises(Forbidden):
        ingest_correct(
            actor=sales, job=filed, customer=theirs, document_type=contract_type, tag_names=[]
        )
    assert Document.objects.get().customer == own


def test_an_editor_corrects_after_the_window_and_the_archive_number_stays(
    east, own, contract_type, quotation, filed
):
    manager = user_with_role("chenjing", role="manager", team=east)
    job = filed_ago(filed, datetime.timedelta(days=3))
    ingest_correct(actor=manager, job=job, customer=own, document_type=quotation, tag_names=[])
    document = Document.objects.get()
    assert (document.document_type, document.archive_number) == (quotation, "HT-2023-0001")
    [event] = edits(document)
    assert event.details == {
        "fields": ["document_type"],
        "document_type": {
            "from": {"id": contract_type.id, "code": "HT", "name": "合同"},
            "to": {"id": quotation.id, "code": "BJD", "name": "报价单"},
        },
    }
