"""docket demo: Chinese demo customers and documents, filed through the real services, the
same for the same --seed; then the suggestion model trained on them."""

import re
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command

from docket.customers.models import Contact, Customer
from docket.demo.phrases import rmb_upper, yuan
from docket.documents.models import Document, DocumentType, Tag, Version
from docket.ingest import parsers, training
from docket.ingest.models import ClassifierState
from docket.storage.blobstore import get_blob_store

CHINESE = re.compile(r"[\u4e00-\u9fff]")
SMALL = ["--customers", "4", "--documents", "10"]


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def what_was_made() -> tuple[list, list]:
    """Everything a seed decides: customers, and each document's title, versions and bytes."""
    customers = sorted(Customer.objects.values_list("name", "kind", "tier", "industry", "region"))
    versions = sorted(
        Version.objects.values_list(
            "document__title", "document__document_date", "number", "sha256"
        )
    )
    return customers, versions


def wipe() -> None:
    Version.objects.all().delete()
    Document.all_objects.all().delete()
    Contact.objects.all().delete()
    Customer.objects.all().delete()


def test_default_demo_makes_twelve_customers_and_sixty_documents_of_every_type_and_format(db):
    output = demo()

    customers = Customer.objects.all()
    assert customers.count() == 12
    assert all(CHINESE.search(c.name) for c in customers)
    assert {c.kind for c in customers} == {"enterprise", "individual", "prospect"}
    assert {c.tier for c in customers} == {"vip", "normal", "potential"}
    assert len({c.industry for c in customers}) > 2 and all(c.region for c in customers)
    documents = Document.objects.select_related("document_type")
    assert documents.count() == 60
    assert {d.document_type.name for d in documents} == set(
        DocumentType.objects.values_list("name", flat=True)
    )
    assert all(re.fullmatch(r"[A-Z]+-202[2-4]-\d{4}", d.archive_number) for d in documents)
    mime_types = set(Version.objects.values_list("mime_type", flat=True))
    assert {"application/pdf", "text/plain", "text/csv", "image/png"} <= mime_types
    loaded, trained = output.splitlines()
    assert "12 customers" in loaded and "60 documents" in loaded
    assert trained.startswith("Suggestion model trained on 60 documents")


def test_every_demo_customer_has_one_to_three_contacts_with_phone_and_email(db):
    demo(*SMALL)

    for customer in Customer.objects.prefetch_related("contacts"):
        contacts = customer.contacts.all()
        assert 1 <= len(contacts) <= 3
        assert all(CHINESE.search(c.name) for c in contacts)
        assert all(re.fullmatch(r"1\d{10}", c.phone) for c in contacts)
        assert all(re.fullmatch(r"[a-z.]+@[a-z0-9.-]+\.[a-z]+", c.email) for c in contacts)


def test_demo_files_are_real_blobs_with_text_extraction_queued(db):
    demo(*SMALL)

    store = get_blob_store()
    for version in Version.objects.all():
        assert store.hash(version.sha256) == version.sha256
        assert version.text_task_id  # queued in the upload's transaction


def test_invoices_state_their_amount_in_figures_and_in_capital_numerals(db, run_tasks):
    demo(*SMALL)
    run_tasks()

    invoices = Version.objects.filter(document__document_type__name="发票")
    assert invoices
    for invoice in invoices:
        assert invoice.text_state == Version.TextState.DONE
        words = re.search(
            r"价税合计\(大写\):(人民币[零壹贰叁肆伍陆柒捌玖拾佰仟万元角分整]+)", invoice.text
        )
        figures = re.search(r"价税合计\(小写\):¥([\d,]+\.\d\d)", invoice.text)
        assert words and figures, invoice.text
        assert rmb_upper(Decimal(figures[1].replace(",", ""))) == words[1]


def test_a_contract_is_revised_into_several_versions_with_comments(db):
    demo(*SMALL)

    revised = [d for d in Document.objects.all() if d.versions.count() > 1]
    assert revised
    versions = list(revised[0].versions.order_by("number"))
    assert [v.comment for v in versions][:2] == ["初稿", "修订：调整付款方式，优惠5%"]
    assert len({v.sha256 for v in versions}) == len(versions)  # each revision changed the file


def test_some_documents_are_tagged_with_the_coloured_demo_tags(db):
    demo(*SMALL)

    assert dict(
        Tag.objects.filter(name__in=["重要", "待审核", "已归档"]).values_list("name", "color")
    ) == {
        "重要": "#ef4444",
        "待审核": "#f59e0b",
        "已归档": "#6b7280",
    }
    assert Document.objects.filter(tags__name="重要").exists()
    assert Document.objects.filter(tags__name="2023").exists()
    assert Document.objects.filter(tags__isnull=True).exists()


def test_the_same_seed_makes_the_same_demo_and_another_seed_a_different_one(db):
    demo(*SMALL, "--seed", "7")
    first = what_was_made()
    wipe()
    demo(*SMALL, "--seed", "7")
    again = what_was_made()
    wipe()
    demo(*SMALL, "--seed", "8")

    assert again == first
    assert what_was_made() != first


def test_a_second_demo_adds_customers_under_names_not_yet_taken(db):
    demo(*SMALL)
    demo(*SMALL)

    names = list(Customer.objects.values_list("name", flat=True))
    assert len(names) == 8 and len(set(names)) == 8


def test_if_empty_does_nothing_when_any_customer_exists(customer):
    output = demo("--if-empty")

    assert "already exist" in output
    assert Customer.objects.count() == 1
    assert Document.objects.count() == 0
    assert not ClassifierState.objects.exists()  # nothing new to learn from: not trained


def test_if_empty_loads_the_demo_into_an_empty_database(db):
    demo(*SMALL, "--if-empty")

    assert Customer.objects.count() == 4
    assert Document.objects.count() == 10


def suggested_types(text: str) -> list[tuple[str, float]]:
    """The model's type suggestions for a text, as ingest's suggest step asks for them."""
    model = training.current_model()
    assert model is not None, "no model was trained"
    names = dict(DocumentType.objects.values_list("id", "name"))
    return [(names[s.target_id], s.confidence) for s in model.suggest(text).types]


def test_after_the_demo_of_make_run_a_contract_pdf_gets_the_contract_type_suggested(
    db, contract_pdf
):
    get_user_model().objects.create_superuser(username="admin", password="docket-demo-2024")
    output = demo("--if-empty", "--as-user", "admin")  # as `make run` loads it

    assert "Suggestion model trained on 60 documents" in output
    text = parsers.parse(contract_pdf, "application/pdf").text
    assert text.startswith("购销合同")
    (best, confidence), *_ = suggested_types(text)
    assert best == "合同"
    assert confidence >= settings.SUGGESTION_THRESHOLD  # applied at upload, not only listed
    invoice = "增值税专用发票\n购买方：上海ABC贸易有限公司\n价税合计(小写)：¥128,000.00"
    assert suggested_types(invoice)[0][0] == "发票"  # it tells types apart, not always 合同


def test_a_demo_too_small_to_learn_from_says_what_the_model_did_not_learn(db):
    output = demo("--customers", "1", "--documents", "3")

    trained = output.splitlines()[1]
    assert trained.startswith("Suggestion model trained on 3 documents")
    assert "Not learned: type: not enough filed documents to learn from" in trained
    assert training.current_model() is None  # nothing stored that would suggest


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (128000, "人民币壹拾贰万捌仟元整"),
        (100500, "人民币壹拾万零伍佰元整"),
        (1005, "人民币壹仟零伍元整"),
        (Decimal("368380.00"), "人民币叁拾陆万捌仟叁佰捌拾元整"),
        (Decimal("1234.56"), "人民币壹仟贰佰叁拾肆元伍角陆分"),
        (Decimal("3.05"), "人民币叁元零伍分"),
        (105000000, "人民币壹亿零伍佰万元整"),
    ],
)
def test_amounts_in_capital_numerals(amount, words):
    assert rmb_upper(amount) == words


def test_amounts_in_figures():
    assert yuan(128000) == "¥128,000.00"
