"""Safe file serving: PDFs and raster images are shown inline in a sandbox; anything that
can carry a script (SVG, HTML, a file that lies about its type) is only ever downloaded."""

import io

import pytest
from PIL import Image

from docket.audit.models import AuditEvent
from tests.conftest import download, named_file

SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert("上海ABC")</script></svg>'.encode()
HTML_AS_PDF = "<!DOCTYPE html><html><body><script>alert(1)</script>合同</body></html>".encode()


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "PNG")
    return out.getvalue()


def upload(api, customer, data: bytes, name: str) -> int:
    response = api.post(
        "/api/documents/",
        {"file": named_file(data, name), "customer": customer.id, "type": "合同"},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    return response.json()["id"]


@pytest.mark.parametrize(
    ("name", "mime"), [("合同.pdf", "application/pdf"), ("扫描件.png", "image/png")]
)
def test_a_pdf_or_an_image_is_shown_inline_in_a_sandbox(api, customer, contract_pdf, name, mime):
    data = contract_pdf if name.endswith(".pdf") else png()
    document_id = upload(api, customer, data, name)
    response, body = download(api, f"/api/documents/{document_id}/preview/")
    assert response.status_code == 200 and body == data
    assert response["Content-Type"] == mime
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert "script-src" not in response["Content-Security-Policy"]  # default-src 'none'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert AuditEvent.objects.filter(action="preview", document_id=document_id).exists()


@pytest.mark.parametrize(("data", "name"), [(SVG, "logo.svg"), (HTML_AS_PDF, "合同.pdf")])
def test_svg_and_html_even_named_pdf_are_never_shown_inline(api, customer, data, name):
    document_id = upload(api, customer, data, name)
    response = api.get(f"/api/documents/{document_id}/preview/")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    response, body = download(api, f"/api/documents/{document_id}/download/")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body == data


def test_every_response_carries_the_security_headers(api):
    response = api.get("/api/documents/")
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_api_docs_page_runs_no_inline_script(client):
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page.replace(" ", "")  # the split view loads its script by URL
