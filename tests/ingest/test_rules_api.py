"""Rules people write: saved through /api/rules/, validated on save, applied by the pipeline."""

import pytest

from docket.demo.pdfgen import make_pdf
from docket.documents.models import DocumentType, Tag


def test_a_regex_rule_files_matching_documents_under_its_type(api, ingest, customer):
    invoice = DocumentType.objects.get(name="发票")
    response = api.post(
        "/api/rules/",
        {
            "target_kind": "type",
            "target_id": invoice.id,
            "mode": "regex",
            "pattern": r"发票号码[:：]\s*\d{8}",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["target_name"] == "发票"
    job = ingest(
        make_pdf(["增值税普通发票", "发票号码：12345678", "上海ABC贸易有限公司"]),
        "scan.pdf",
        customer=customer,
    )
    assert job.state == "done", job.reason
    assert job.document.document_type == invoice
    assert job.suggestions["type"][0]["source"] == "rule"


def test_a_tag_rule_in_fuzzy_mode_tags_near_matches(api, ingest, customer, contract_type):
    urgent = Tag.objects.create(name="加急")
    api.post(
        "/api/rules/",
        {"target_kind": "tag", "target_id": urgent.id, "mode": "fuzzy", "pattern": "紧急处理"},
        format="json",
    )
    job = ingest(
        make_pdf(["购销合同", "请紧急处理此合同"]),
        "c.pdf",
        customer=customer,
        document_type=contract_type,
    )
    assert "加急" in [t.name for t in job.document.tags.all()]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"target_kind": "type", "target_id": 1, "mode": "regex", "pattern": "("}, "pattern"),
        ({"target_kind": "type", "target_id": 999999, "mode": "any", "pattern": "x"}, "target_id"),
        ({"target_kind": "planet", "target_id": 1, "mode": "any", "pattern": "x"}, "target_kind"),
        ({"target_kind": "type", "target_id": 1, "mode": "psychic", "pattern": "x"}, "mode"),
    ],
)
def test_a_broken_rule_is_refused_when_saved(api, payload, field):
    response = api.post("/api/rules/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
