"""Versions: add, list, download, restore, compare; and the text extraction behind compare."""

import hashlib

import pytest

from docket.demo.pdfgen import make_pdf
from tests.conftest import download, named_file


@pytest.fixture
def document(api, customer, contract_pdf):
    response = api.post(
        "/api/documents/",
        {
            "file": named_file(contract_pdf, "购销合同.pdf"),
            "customer": customer.id,
            "type": "合同",
            "document_date": "2023-01-01",
        },
        format="multipart",
    )
    assert response.status_code == 201
    return response.json()


def add_version(api, document, data, name="购销合同v2.pdf", comment=""):
    return api.post(
        f"/api/documents/{document['id']}/versions/",
        {"file": named_file(data, name), "comment": comment},
        format="multipart",
    )


def test_new_version_becomes_current_and_history_is_kept(api, document):
    v2 = make_pdf(["购销合同（修订）", "合同金额：¥150,000.00"])
    response = add_version(api, document, v2, comment="金额修订")
    assert response.status_code == 201
    assert response.json()["number"] == 2
    history = api.get(f"/api/documents/{document['id']}/versions/").json()
    assert [v["number"] for v in history] == [1, 2]
    assert history[1]["comment"] == "金额修订"
    detail = api.get(f"/api/documents/{document['id']}/").json()
    assert detail["current_version"]["number"] == 2
    assert detail["latest_version"] == 2


def test_download_serves_current_version_under_its_rule_made_name(api, document, contract_pdf):
    response, body = download(api, f"/api/documents/{document['id']}/download/")
    assert response.status_code == 200
    assert body == contract_pdf
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" in disposition
    from urllib.parse import unquote

    assert unquote(disposition.split("''", 1)[1]) == "上海ABC贸易有限公司_合同_20230101.pdf"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_any_version_can_be_downloaded(api, document, contract_pdf):
    v2 = make_pdf(["第二版"])
    add_version(api, document, v2)
    assert download(api, f"/api/documents/{document['id']}/versions/1/download/")[1] == contract_pdf
    assert download(api, f"/api/documents/{document['id']}/versions/2/download/")[1] == v2
    assert api.get(f"/api/documents/{document['id']}/versions/9/download/").status_code == 404


def test_restore_adds_a_new_version_with_the_old_content(api, document, contract_pdf):
    add_version(api, document, make_pdf(["第二版"]))
    response = api.post(f"/api/documents/{document['id']}/versions/1/restore/", {}, format="json")
    assert response.status_code == 201
    restored = response.json()
    assert restored["number"] == 3
    assert restored["restored_from"] == 1
    assert restored["sha256"] == hashlib.sha256(contract_pdf).hexdigest()
    history = api.get(f"/api/documents/{document['id']}/versions/").json()
    assert [v["number"] for v in history] == [1, 2, 3]


def test_diff_shows_what_changed_between_two_versions(api, document, run_tasks):
    add_version(
        api,
        document,
        make_pdf(
            [
                "购销合同",
                "甲方：上海ABC贸易有限公司",
                "合同金额：¥150,000.00",
                "签订日期：2023年1月1日",
            ]
        ),
    )
    assert run_tasks() == 2
    response = api.get(f"/api/documents/{document['id']}/diff/?from=1&to=2")
    assert response.status_code == 200, response.content
    body = response.json()
    assert "-合同金额:¥128,000.00" in body["unified"]  # NFKC folds the full-width colon
    assert "+合同金额:¥150,000.00" in body["unified"]
    assert body["added_lines"] == 1 and body["removed_lines"] == 1
    assert body["identical"] is False


def test_diff_before_text_is_extracted_is_a_clear_409(api, document):
    add_version(api, document, make_pdf(["第二版"]))
    response = api.get(f"/api/documents/{document['id']}/diff/?from=1&to=2")
    assert response.status_code == 409
    assert "being extracted" in response.json()["error"]["message"]


def test_diff_with_bad_parameters_is_a_400_or_404(api, document, run_tasks):
    run_tasks()
    assert api.get(f"/api/documents/{document['id']}/diff/").status_code == 400
    assert api.get(f"/api/documents/{document['id']}/diff/?from=a&to=1").status_code == 400
    assert api.get(f"/api/documents/{document['id']}/diff/?from=1&to=7").status_code == 404


def test_text_extraction_job_state_is_visible_through_the_tasks_api(api, document, run_tasks):
    task_id = document["processing"]["task_id"]
    assert api.get(f"/api/tasks/{task_id}/").json()["state"] == "queued"
    run_tasks()
    state = api.get(f"/api/tasks/{task_id}/").json()
    assert state["state"] == "done"
    assert state["reason"] is None
    assert api.get("/api/tasks/not-a-task/").status_code == 404


def test_a_corrupt_pdf_is_kept_and_its_job_fails_with_a_readable_reason(api, customer, run_tasks):
    broken = b"%PDF-1.7\n1 0 obj <<\n" + b"\x00garbage" * 50
    response = api.post(
        "/api/documents/",
        {"file": named_file(broken, "坏.pdf"), "customer": customer.id, "type": "合同"},
        format="multipart",
    )
    assert response.status_code == 201
    run_tasks()
    state = api.get(f"/api/tasks/{response.json()['processing']['task_id']}/").json()
    assert state["state"] == "failed"
    assert "PDF" in state["reason"]
    detail = api.get(f"/api/documents/{response.json()['id']}/").json()
    assert detail["current_version"]["text_state"] == "failed"
    assert detail["processing"]["state"] == "failed"


def test_diff_of_a_version_without_text_says_so(api, document, run_tasks):
    import io

    from PIL import Image

    png = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(png, format="PNG")
    add_version(api, document, png.getvalue(), name="扫描件.png")
    run_tasks()
    response = api.get(f"/api/documents/{document['id']}/diff/?from=1&to=2")
    assert response.status_code == 409
    assert "image/png" in response.json()["error"]["message"]


def test_a_pdf_has_a_thumbnail_and_a_text_file_has_none(api, document, customer):
    import io

    from PIL import Image

    response = api.get(f"/api/documents/{document['id']}/thumbnail/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    image = Image.open(io.BytesIO(response.content))
    assert image.width == 300 and image.height > image.width  # an A4 page, upright
    again = api.get(f"/api/documents/{document['id']}/thumbnail/")
    assert again.content == response.content  # made once, kept in the blob store
    text = api.post(
        "/api/documents/",
        {
            "file": named_file("纪要".encode(), "纪要.txt"),
            "customer": customer.id,
            "type": "会议纪要",
        },
        format="multipart",
    ).json()
    assert api.get(f"/api/documents/{text['id']}/thumbnail/").status_code == 404
