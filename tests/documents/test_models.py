"""A document type's name as pages show it: the types Docket seeds in the reader's language
while they keep the seeded name; a renamed one, or a company's own, as stored."""

import importlib

import pytest
from django.utils import translation

from docket.documents.models import SEEDED_TYPE_NAMES, DocumentType, type_display_name

pytestmark = pytest.mark.django_db


def test_the_table_of_seeded_names_is_what_the_migration_seeds():
    migration = importlib.import_module("docket.documents.migrations.0002_seed_document_types")
    assert {code: name for name, code in migration.SEED_TYPES} == SEEDED_TYPE_NAMES


def test_a_seeded_type_is_named_in_the_readers_language_and_stored_in_chinese():
    contract = DocumentType.objects.get(code="HT")
    with translation.override("en"):
        assert contract.display_name == "Contract"
        assert type_display_name("FP", "发票") == "Invoice"
    with translation.override("zh-hans"):
        assert contract.display_name == "合同"
    assert contract.name == str(contract) == "合同"


def test_a_renamed_seeded_type_shows_its_new_name():
    DocumentType.objects.filter(code="FP").update(name="增值税专用发票")
    with translation.override("en"):
        assert DocumentType.objects.get(code="FP").display_name == "增值税专用发票"


def test_a_companys_type_is_shown_as_typed_even_under_a_seeded_name():
    audit_report = DocumentType.objects.create(name="审计报告", code="SJBG")
    DocumentType.objects.filter(code="HT").update(name="购销合同")
    own_contract = DocumentType.objects.create(name="合同", code="HT2")  # not the seeded row
    with translation.override("en"):
        assert audit_report.display_name == "审计报告"
        assert own_contract.display_name == "合同"
