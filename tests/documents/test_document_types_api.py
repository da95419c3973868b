"""Document types are editable: name, code, archive-number pattern, naming rule."""

from tests.conftest import download, named_file


def test_seeded_types_are_listed(api):
    names = {t["name"] for t in api.get("/api/document-types/").json()["results"]}
    assert {
        "合同",
        "报价单",
        "发票",
        "签收单",
        "营业执照",
        "授权委托书",
        "会议纪要",
        "服务申请单",
    } <= names


def test_a_new_type_with_its_own_pattern_and_rule_numbers_and_names_documents(
    api, customer, contract_pdf
):
    response = api.post(
        "/api/document-types/",
        {
            "name": "保密协议",
            "code": "BM",
            "number_pattern": "{code}/{year}/{seq:03d}",
            "naming_template": "{archive_number}_{title}",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    doc = api.post(
        "/api/documents/",
        {
            "file": named_file(contract_pdf, "nda.pdf"),
            "customer": customer.id,
            "type": "保密协议",
            "title": "保密协议",
            "document_date": "2024-03-01",
        },
        format="multipart",
    ).json()
    assert doc["archive_number"] == "BM/2024/001"
    response, _ = download(api, f"/api/documents/{doc['id']}/download/")
    assert "BM_2024_001_" in response["Content-Disposition"]  # '/' is made safe in file names


def test_editing_a_type_changes_numbers_from_then_on(api, customer, contract_pdf):
    contract = next(
        t for t in api.get("/api/document-types/").json()["results"] if t["name"] == "合同"
    )
    response = api.patch(
        f"/api/document-types/{contract['id']}/",
        {"number_pattern": "HT{year}{seq:05d}"},
        format="json",
    )
    assert response.status_code == 200
    doc = api.post(
        "/api/documents/",
        {
            "file": named_file(contract_pdf, "a.pdf"),
            "customer": customer.id,
            "type": "合同",
            "document_date": "2023-01-01",
        },
        format="multipart",
    ).json()
    assert doc["archive_number"] == "HT202300001"


def test_bad_patterns_rules_and_duplicate_types_are_refused(api):
    bad = [
        ({"name": "甲", "code": "J", "number_pattern": "{code}-{year}"}, 400),
        ({"name": "乙", "code": "Y", "number_pattern": "{code}-{nope}-{seq}"}, 400),
        ({"name": "丙", "code": "B", "naming_template": "{customer}_{secret}"}, 400),
        ({"name": "丁", "code": "D", "naming_template": "{date:%Y"}, 400),
        ({"name": "合同", "code": "NEW"}, 409),
        ({"name": "新类型", "code": "HT"}, 409),
    ]
    for payload, status in bad:
        response = api.post("/api/document-types/", payload, format="json")
        assert response.status_code == status, (payload, response.content)
        assert response.json()["error"]["message"]
