"""PDF: text per page, which pages need OCR, passwords, damage, limits, rendering."""

import time

import pytest

from docket.documents.text import normalise
from docket.ingest.parsers import Limits, parse, render_pages
from docket.ingest.parsers.pdf import decrypt, safe_dpi
from docket.ingest.types import CorruptFile, LimitExceeded, NeedsPassword
from tests.ingest import samples

PDF = "application/pdf"


def test_text_is_read_from_every_page_in_order():
    parsed = parse(samples.pdf([samples.CONTRACT, samples.INVOICE], title="购销合同"), PDF)
    assert parsed.page_count == 2
    first, second = parsed.text.split("\f")
    assert normalise("甲方：上海ABC贸易有限公司") in first
    assert normalise("价税合计：¥128,000.00") in second
    assert "\x00" not in parsed.text
    assert parsed.pages_without_text == []
    assert parsed.title == "购销合同"


def test_scanned_pages_are_listed_for_ocr():
    parsed = parse(samples.mixed_pdf(), PDF)
    assert parsed.page_count == 3
    assert parsed.pages_without_text == [1]
    pages = parsed.text.split("\f")
    assert len(pages) == 3 and pages[1] == ""  # OCR text can go in page 2's place
    assert "增值税电子普通发票" in pages[2]


def test_a_wholly_scanned_pdf_has_no_text_and_every_page_needs_ocr():
    parsed = parse(samples.scanned_pdf(2), PDF)
    assert parsed.text == ""
    assert parsed.pages_without_text == [0, 1]


def test_password_protected_pdf_needs_its_password():
    data = samples.encrypted_pdf("密码123")
    with pytest.raises(NeedsPassword, match="password-protected"):
        parse(data, PDF)
    assert normalise("价税合计：¥128,000.00") in parse(data, PDF, password="密码123").text


def test_a_wrong_password_still_needs_the_password():
    with pytest.raises(NeedsPassword, match="wrong") as caught:
        parse(samples.encrypted_pdf("密码123"), PDF, password="123456")
    assert caught.value.code == "needs_password"


def test_a_decrypted_copy_opens_without_the_password():
    data = samples.encrypted_pdf("密码123")
    with pytest.raises(NeedsPassword, match="wrong"):
        decrypt(data, "123456")
    plain = decrypt(data, "密码123")
    assert normalise("价税合计：¥128,000.00") in parse(plain, PDF).text
    assert decrypt(plain, "") == plain  # nothing to undo


def test_a_pdf_whose_owner_forbids_copying_is_still_read():
    assert "上海ABC贸易有限公司" in parse(samples.owner_locked_pdf(), PDF).text


def test_a_truncated_pdf_is_corrupt_with_a_reason():
    with pytest.raises(CorruptFile, match="truncated") as caught:
        parse(samples.truncated_pdf(), PDF)
    assert caught.value.code == "corrupt"


def test_a_damaged_pdf_is_corrupt_with_a_reason():
    data = samples.pdf()
    damaged = data[:200] + b"\x00garbage\x00" * 200 + data[-100:]  # header and trailer intact
    with pytest.raises(CorruptFile, match="PDF") as caught:
        parse(damaged, PDF)
    assert "BytesIO" not in caught.value.reason  # no Python internals in the inbox


def test_something_that_is_not_a_pdf_at_all_is_corrupt():
    with pytest.raises(CorruptFile, match="not a PDF"):
        parse("购销合同".encode(), PDF)


def test_a_pdf_with_no_pages_is_corrupt():
    with pytest.raises(CorruptFile, match="the PDF has no pages"):
        parse(samples.empty_pdf(), PDF)


def test_a_pdf_over_the_configured_page_limit_is_refused():
    data = samples.pdf([["第一页"], ["第二页"], ["第三页"]])
    with pytest.raises(LimitExceeded, match="3 pages; the limit is 2") as caught:
        parse(data, PDF, limits=Limits(max_pages=2))
    assert caught.value.code == "limit_exceeded"
    assert parse(data, PDF, limits=Limits(max_pages=3)).page_count == 3


def test_the_default_page_limit_trips_on_a_real_2000_page_pdf():
    started = time.perf_counter()
    data = samples.many_pages_pdf(2000)
    with pytest.raises(LimitExceeded, match="2000 pages; the limit is 1000"):
        parse(data, PDF)
    assert time.perf_counter() - started < 5  # refused from the page tree, before any text


def test_the_page_limit_comes_from_settings(settings):
    settings.INGEST_MAX_PAGES = 1
    assert Limits().max_pages == 1
    with pytest.raises(LimitExceeded, match="the limit is 1"):
        parse(samples.pdf([["第一页"], ["第二页"]]), PDF)


def test_a_slow_pdf_is_stopped_at_the_time_limit():
    with pytest.raises(LimitExceeded, match="took longer than"):
        parse(samples.many_pages_pdf(300), PDF, limits=Limits(timeout_seconds=0.001))


def test_pages_are_rendered_for_ocr_at_the_asked_resolution():
    data = samples.pdf([samples.CONTRACT, ["增值税电子普通发票"]])  # page 2: CJK only
    pages = render_pages(data, PDF, [1], dpi=100)
    assert [page.number for page in pages] == [1]
    image = pages[0].image
    assert image.mode == "RGB"
    width, height = image.size  # A4 at 100 dpi, give or take poppler's rounding
    assert (abs(width - 827), abs(height - 1169)) <= (1, 1)
    assert image.convert("L").getextrema()[0] < 100  # ink: CJK was drawn (poppler-data)


def test_rendering_a_locked_pdf_needs_its_password():
    data = samples.encrypted_pdf("密码123")
    with pytest.raises(NeedsPassword):
        render_pages(data, PDF, [0], dpi=50)
    assert len(render_pages(data, PDF, [0], dpi=50, password="密码123")) == 1


def test_an_enormous_page_is_rendered_at_a_lower_resolution_not_in_gigabytes():
    poster = (200 * 72, 200 * 72)  # a 200-inch square MediaBox: 3.6 Gpx at 300 dpi
    dpi = safe_dpi(poster, 300, Limits())
    assert dpi < 70
    assert (200 * dpi) ** 2 <= Limits().max_image_pixels


def test_rendering_a_page_that_does_not_exist_is_a_programming_error():
    with pytest.raises(ValueError, match="no page 5"):
        render_pages(samples.pdf(), PDF, [5])
