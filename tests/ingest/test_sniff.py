"""sniff(): the type comes from the content, never from the name."""

import random

import pytest

from docket.ingest.parsers import DOCX, PPTX, XLSX
from docket.ingest.sniff import sniff
from tests.ingest import samples


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: samples.pdf(), "application/pdf"),
        (lambda: samples.docx_file(), DOCX),
        (lambda: samples.xlsx_file(), XLSX),
        (lambda: samples.pptx_file(), PPTX),
        (lambda: samples.ofd(), "application/ofd"),
        (lambda: samples.zip_file({"合同.txt": "购销合同"}), "application/zip"),
        (lambda: samples.eml(), "message/rfc822"),
        (lambda: samples.tiff(2), "image/tiff"),
        (lambda: samples.image_file("PNG"), "image/png"),
        (lambda: samples.image_file("JPEG"), "image/jpeg"),
    ],
    ids=["pdf", "docx", "xlsx", "pptx", "ofd", "zip", "eml", "tiff", "png", "jpeg"],
)
def test_each_format_is_recognised_by_its_content(make, expected):
    assert sniff(make()) == expected


def test_a_file_whose_extension_lies_is_sniffed_by_content():
    assert sniff(samples.pdf(), "购销合同.docx") == "application/pdf"
    assert sniff(samples.docx_file(), "扫描件.pdf") == DOCX
    assert sniff(samples.image_file("PNG"), "发票.jpg") == "image/png"


def test_a_pdf_with_bytes_before_its_header_is_still_a_pdf():
    assert sniff(b"\r\n" * 10 + samples.pdf()) == "application/pdf"


def test_csv_is_told_from_plain_text_by_its_columns():
    csv = (
        "客户,金额,日期\n上海ABC贸易有限公司,128000,2023-01-01\n"
        "北京XYZ科技有限公司,5000,2023-02-01\n"
    )
    assert sniff(csv.encode()) == "text/csv"
    assert sniff(csv.replace(",", "\t").encode("gb18030")) == "text/csv"
    prose = (
        "购销合同\n甲方：上海ABC贸易有限公司，乙方：北京XYZ科技有限公司。\n签订日期：2023年1月1日\n"
    )
    assert sniff(prose.encode()) == "text/plain"


def test_a_short_letter_with_commas_is_not_a_table():
    assert sniff(b"Dear Mr Li,\nThanks, Zhang Wei\n") == "text/plain"


def test_text_that_mentions_the_pdf_header_is_not_a_pdf():
    assert sniff("说明：文件应以 %PDF-1.7 开头\n".encode()) == "text/plain"


def test_the_name_only_breaks_a_tie_between_csv_and_text():
    one_line = "上海ABC贸易有限公司,128000\n".encode()
    assert sniff(one_line, "应收.csv") == "text/csv"
    assert sniff(one_line, "应收.txt") == "text/plain"


def test_gb18030_text_from_chinese_windows_is_plain_text():
    assert sniff("增值税电子普通发票\n价税合计：¥128,000.00\n".encode("gb18030")) == "text/plain"


def test_an_email_is_recognised_by_its_headers_whatever_comes_first():
    message = (
        "X-Mailer: Foxmail 7.2\r\nMIME-Version: 1.0\r\nDate: Sun, 01 Jan 2023 10:30:00 +0800\r\n"
        "From: zhangwei@abc-trading.cn\r\nSubject: =?UTF-8?B?5ZCI5ZCM?=\r\n\r\n合同见附件\r\n"
    )
    assert sniff(message.encode()) == "message/rfc822"


def test_text_with_a_colon_on_its_first_line_is_not_an_email():
    assert sniff("备注: 上海ABC贸易有限公司\n\n其他说明\n".encode()) == "text/plain"


def test_a_zip_whose_docx_lookalike_lacks_word_parts_stays_a_zip():
    data = samples.zip_file({"[Content_Types].xml": "<Types/>", "readme.txt": "说明"})
    assert sniff(data, "伪装.docx") == "application/zip"


def test_a_damaged_zip_is_still_called_a_zip_for_its_parser_to_explain():
    data = samples.zip_file({"合同.txt": "购销合同" * 100})
    assert sniff(data[: len(data) // 2]) == "application/zip"


def test_empty_and_binary_files():
    assert sniff(b"") == "application/x-empty"
    assert sniff(random.Random(7).randbytes(4096)) == "application/octet-stream"


def test_a_zip_whose_first_member_is_a_stored_pdf_is_a_zip():
    import io
    import zipfile

    from docket.demo.pdfgen import make_pdf
    from docket.ingest.sniff import sniff

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:  # ZIP_STORED: the PDF's bytes sit near byte 0
        archive.writestr("合同/购销合同.pdf", make_pdf(["购销合同"]))
        archive.writestr("报价单.txt", "报价单".encode())
    assert sniff(buffer.getvalue(), "资料.zip") == "application/zip"
