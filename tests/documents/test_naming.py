"""Naming rules: rule-made names, numbered on conflicts, safe on Windows; the report of names
that broke the rule; applying a changed rule."""

import datetime

import pytest
from django.core.management import call_command

from docket.access import seeds
from docket.audit.models import AuditEvent
from docket.core.errors import Forbidden
from docket.documents import naming
from docket.documents.catalog import document_type_update
from docket.documents.models import Document
from docket.documents.services import document_update, document_upload
from tests.conftest import download, named_file, user_with_role


def upload(user, customer, doc_type, name, data, date=datetime.date(2023, 1, 1)):
    return document_upload(
        actor=user,
        file=named_file(data, name),
        filename=name,
        customer=customer,
        document_type=doc_type,
        document_date=date,
    )


def test_names_follow_the_rule_and_conflicts_get_a_number(user, customer, contract_type, api):
    first = upload(user, customer, contract_type, "scan001.pdf", b"%PDF-1.4 a")
    second = upload(user, customer, contract_type, "scan002.pdf", b"%PDF-1.4 b")
    third = upload(user, customer, contract_type, "scan003.pdf", b"%PDF-1.4 c")
    assert [d.file_stem for d in (first, second, third)] == [
        "上海ABC贸易有限公司_合同_20230101",
        "上海ABC贸易有限公司_合同_20230101_2",
        "上海ABC贸易有限公司_合同_20230101_3",
    ]
    response, _ = download(api, f"/api/documents/{second.id}/download/")
    assert "20230101_2.pdf" in response["Content-Disposition"]


def test_characters_windows_forbids_are_replaced(user, contract_type):
    from docket.customers.services import customer_create

    odd = customer_create(actor=user, name='A/B:C*D?"E<F>G|H公司')
    doc = upload(user, odd, contract_type, "x.pdf", b"%PDF-1.4 x")
    assert doc.file_stem == "A_B_C_D__E_F_G_H公司_合同_20230101"


def test_the_name_follows_an_edit_of_the_metadata_it_is_made_of(user, customer, contract_type):
    doc = upload(user, customer, contract_type, "x.pdf", b"%PDF-1.4 x")
    document_update(actor=user, document=doc, document_date=datetime.date(2024, 5, 6))
    assert doc.file_stem == "上海ABC贸易有限公司_合同_20240506"


def test_report_lists_uploads_whose_names_broke_the_rule(user, customer, contract_type, capsys):
    upload(user, customer, contract_type, "上海ABC贸易有限公司_合同_20230101.pdf", b"%PDF-1.4 a")
    off = upload(user, customer, contract_type, "扫描件0001.pdf", b"%PDF-1.4 b")
    rows = naming.nonconforming(Document.objects.all())
    assert [(r.archive_number, r.uploaded_name) for r in rows] == [
        (off.archive_number, "扫描件0001.pdf")
    ]
    call_command("naming", "report")
    assert "扫描件0001.pdf" in capsys.readouterr().out


def test_applying_a_changed_rule_renames_that_types_documents(user, customer, contract_type, api):
    docs = [
        upload(user, customer, contract_type, f"{i}.pdf", f"%PDF-1.4 {i}".encode())
        for i in range(2)
    ]
    document_type_update(
        actor=user, document_type=contract_type, naming_template="{archive_number}_{customer}"
    )
    assert Document.objects.get(id=docs[0].id).file_stem.endswith("_20230101")  # not until applied
    preview = api.post(f"/api/document-types/{contract_type.id}/apply-naming/?dry_run=1").json()
    assert len(preview) == 2
    assert Document.objects.get(id=docs[0].id).file_stem.endswith("_20230101")
    applied = api.post(f"/api/document-types/{contract_type.id}/apply-naming/").json()
    assert [c["new"] for c in applied] == [f"{d.archive_number}_上海ABC贸易有限公司" for d in docs]
    assert api.post(f"/api/document-types/{contract_type.id}/apply-naming/").json() == []
    report = api.get(f"/api/document-types/{contract_type.id}/naming-report/").json()
    assert len(report) == 2  # the uploads were named 0.pdf and 1.pdf


def test_off_rule_pages_through_the_names_a_changed_rule_would_change(
    user, customer, contract_type
):
    docs = [
        upload(user, customer, contract_type, f"{i}.pdf", f"%PDF-1.4 {i}".encode())
        for i in range(5)
    ]
    documents = Document.objects.filter(document_type=contract_type)
    assert naming.off_rule(documents, limit=2).documents == []
    document_type_update(actor=user, document_type=contract_type, naming_template="{title}")
    first = naming.off_rule(documents, limit=2)
    assert [d.id for d in first.documents] == [docs[0].id, docs[1].id]
    rest = naming.off_rule(documents, after=first.next_after, limit=3)
    assert [d.id for d in rest.documents] == [d.id for d in docs[2:]]
    assert rest.next_after is None
    assert naming.count_off_rule(documents) == 5


def test_a_dry_run_numbers_the_new_names_as_applying_would_and_changes_nothing(
    user, customer, contract_type
):
    docs = [
        upload(user, customer, contract_type, f"{i}.pdf", f"%PDF-1.4 {i}".encode())
        for i in range(3)
    ]
    document_type_update(actor=user, document_type=contract_type, naming_template="{customer}")
    preview = naming.naming_rule_apply(actor=user, document_type=contract_type, dry_run=True)
    expected = ["上海ABC贸易有限公司", "上海ABC贸易有限公司_2", "上海ABC贸易有限公司_3"]
    assert [r.new for r in preview.renames] == expected
    assert [d.file_stem for d in Document.objects.order_by("id")] == [d.file_stem for d in docs]
    assert not AuditEvent.objects.filter(details__change="naming_rule_applied").exists()
    applied = naming.naming_rule_apply(actor=user, document_type=contract_type)
    assert applied.renames == preview.renames
    assert [d.file_stem for d in Document.objects.order_by("id")] == expected


def test_applying_a_rule_stops_at_the_limit_and_each_application_is_recorded(
    user, customer, contract_type
):
    for i in range(3):
        upload(user, customer, contract_type, f"{i}.pdf", f"%PDF-1.4 {i}".encode())
    document_type_update(actor=user, document_type=contract_type, naming_template="{title}_x")
    first = naming.naming_rule_apply(actor=user, document_type=contract_type, limit=2)
    assert (len(first.renames), first.more) == (2, True)
    second = naming.naming_rule_apply(actor=user, document_type=contract_type, limit=2)
    assert (len(second.renames), second.more) == (1, False)
    events = AuditEvent.objects.filter(details__change="naming_rule_applied").order_by("seq")
    assert [(e.actor_name, e.details["renamed"], e.details["more"]) for e in events] == [
        ("zhangwei", 2, True),
        ("zhangwei", 1, False),
    ]
    assert events[0].details["rule"] == "{title}_x"


def test_only_catalogue_managers_apply_a_naming_rule(customer, contract_type):
    sales = user_with_role("wangfang", role=seeds.SALES)
    with pytest.raises(Forbidden):
        naming.naming_rule_apply(actor=sales, document_type=contract_type, dry_run=True)
    assert not AuditEvent.objects.filter(details__change="naming_rule_applied").exists()


def test_a_rule_that_drops_the_date_renames_names_that_end_with_one(user, customer, contract_type):
    """上海ABC贸易有限公司_合同_20230101 is not 上海ABC贸易有限公司_合同 numbered 20230101."""
    for i in range(2):
        upload(user, customer, contract_type, f"{i}.pdf", f"%PDF-1.4 {i}".encode())
    document_type_update(
        actor=user, document_type=contract_type, naming_template="{customer}_{type}"
    )
    documents = Document.objects.filter(document_type=contract_type)
    assert naming.count_off_rule(documents) == 2
    applied = naming.naming_rule_apply(actor=user, document_type=contract_type)
    assert [r.new for r in applied.renames] == [
        "上海ABC贸易有限公司_合同",
        "上海ABC贸易有限公司_合同_2",
    ]
    assert naming.count_off_rule(documents) == 0  # and _2 is a number, the rule's own
