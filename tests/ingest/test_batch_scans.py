"""A scanned batch: separator sheets split one PDF into several documents, and an archive-number
label files its pages as a new version of the document that carries that number."""

import io

import pytest
from PIL import Image

from docket.demo.pdfgen import make_pdf
from docket.documents.models import Document, DocumentType
from docket.documents.services import document_upload
from docket.ingest.barcodes import make_label, make_separator_sheet
from docket.ingest.models import IngestJob
from docket.ingest.parsers import render_pages
from docket.ingest.scanner import render_page
from tests.conftest import named_file

pytestmark = pytest.mark.slow  # OCR of several pages


def scan(lines: list[str], seed: int) -> Image.Image:
    image, _ = render_page(seed=seed, dpi=150, lines=lines, traditional=False, english=False)
    return image.convert("L")


def separator(type_name: str | None = None, customer_code: str | None = None) -> Image.Image:
    sheet = make_separator_sheet(type_name, customer_code)
    return render_pages(sheet, "application/pdf", [0], dpi=150)[0].image.convert("L")


def labelled_page(archive_number: str) -> Image.Image:
    page = scan(["补充协议", "双方同意延长合同期限一年"], seed=7)
    label = make_label(archive_number).convert("L")
    page.paste(label, (page.width - label.width - 60, 60))
    return page


def as_pdf(pages: list[Image.Image]) -> bytes:
    out = io.BytesIO()
    pages[0].save(out, format="PDF", resolution=150, save_all=True, append_images=pages[1:])
    return out.getvalue()


def test_separators_and_labels_split_a_batch_into_documents(ingest, user, customer, contract_type):
    existing = document_upload(
        actor=user,
        file=named_file(make_pdf(["购销合同 原件"]), "原件.pdf"),
        filename="原件.pdf",
        customer=customer,
        document_type=contract_type,
    )
    batch = as_pdf(
        [
            scan(["购销合同", "甲方：上海ABC贸易有限公司", "合同金额：¥128,000.00"], seed=1),
            scan(["第二页", "签订日期：2023年1月1日"], seed=2),
            separator("发票", customer.code),
            scan(["增值税普通发票", "金额：¥9,250.00"], seed=3),
            separator(),
            labelled_page(existing.archive_number),
        ]
    )
    job = ingest(batch, "批量扫描.pdf", customer=customer, document_type=contract_type)
    assert job.state == IngestJob.State.DONE, job.reason
    assert job.document is None  # the batch itself is a container
    parts = list(job.children.order_by("original_name"))
    assert [p.state for p in parts] == [IngestJob.State.DONE] * 3, [p.reason for p in parts]
    by_pages = {p.original_name: p for p in parts}
    contract = by_pages["pages-1-2.pdf"].document
    assert contract.document_type == contract_type
    assert "购销合同" in contract.versions.get().text and "第二页" in contract.versions.get().text
    invoice = by_pages["pages-4-4.pdf"].document
    assert invoice.document_type == DocumentType.objects.get(name="发票")
    assert invoice.customer == customer
    assert by_pages["pages-6-6.pdf"].document == existing
    assert [v.number for v in existing.versions.order_by("number")] == [1, 2]
    assert "双方同意延长合同期限一年" in existing.versions.get(number=2).text
    assert Document.objects.count() == 3


def test_a_scanned_batch_without_codes_stays_one_document(ingest, customer, contract_type):
    batch = as_pdf([scan(["购销合同", "第一页"], seed=4), scan(["第二页"], seed=5)])
    job = ingest(batch, "扫描.pdf", customer=customer, document_type=contract_type)
    assert job.state == IngestJob.State.DONE, job.reason
    assert job.document is not None
    assert job.ocr_pages == 2
    assert list(job.children.all()) == []


def test_a_sideways_photo_of_a_contract_is_read_and_filed_to_the_customer_it_names(
    ingest, customer, contract_type
):
    image, _ = render_page(
        seed=0,
        dpi=200,
        rotation=90,
        traditional=False,
        english=False,
        lines=[
            "购销合同",
            "甲方：上海ABC贸易有限公司",
            "合同金额：¥128,000.00",
            "签订日期：2023年1月1日",
        ],
    )
    out = io.BytesIO()
    image.convert("RGB").save(out, format="JPEG", quality=85)
    job = ingest(out.getvalue(), "IMG_0001.jpg", document_type=contract_type)
    assert job.state == IngestJob.State.DONE, job.reason
    assert job.document.customer == customer  # found by its name in the OCR'd text
    assert str(job.document.document_date) == "2023-01-01"
    assert "128000.00" in job.fields["amounts"]
    assert job.ocr_pages == 1


def test_a_multi_page_tiff_is_read_page_by_page(ingest, customer, contract_type):
    pages = [scan(["第一页", "购销合同"], seed=11), scan(["第二页", "付款方式"], seed=12)]
    out = io.BytesIO()
    pages[0].save(
        out, format="TIFF", save_all=True, append_images=pages[1:], compression="tiff_lzw"
    )
    job = ingest(out.getvalue(), "扫描.tif", customer=customer, document_type=contract_type)
    assert job.state == IngestJob.State.DONE, job.reason
    text = job.document.versions.get().text
    assert text.index("第一页") < text.index("第二页")
    assert job.ocr_pages == 2
