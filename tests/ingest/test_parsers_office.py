"""Word, Excel and PowerPoint: their text, in reading order; damage is CorruptFile."""

import pytest

from docket.documents.text import normalise
from docket.ingest.parsers import DOCX, PPTX, XLSX, Limits, office, parse
from docket.ingest.types import CorruptFile, LimitExceeded
from tests.ingest import samples


def test_a_word_document_gives_paragraphs_and_tables_in_reading_order():
    parsed = parse(samples.docx_file(), DOCX)
    lines = parsed.text.splitlines()
    assert lines[:2] == ["购销合同", normalise("甲方：上海ABC贸易有限公司")]
    assert lines[2:4] == ["品名 数量 金额", "办公桌 40 ¥128,000.00"]  # a table row per line
    assert lines[4] == normalise("签订日期：2023年1月1日")
    assert "上海ABC贸易有限公司 机密" in parsed.text  # the footer
    assert parsed.title == normalise("购销合同（2023）")
    assert parsed.date == ""  # property dates are the template's, not the contract's
    assert parsed.page_count is None and parsed.pages_without_text == []


def test_a_workbook_gives_sheet_names_and_values():
    parsed = parse(samples.xlsx_file(), XLSX)
    lines = parsed.text.splitlines()
    assert lines[:3] == ["应收账款", "客户 金额 到期日", "上海ABC贸易有限公司 128000 2023-01-01"]
    assert "北京XYZ科技有限公司 5000.5 2023-02-01" in lines
    assert "联系人" in lines and "张伟 13800138000" in lines


def test_a_workbook_is_bounded_by_its_cell_count(monkeypatch):
    # Rows are padded to their last column: a few bytes of XML can stand for 16,384 cells.
    monkeypatch.setattr(office, "MAX_CELLS", 8)
    with pytest.raises(LimitExceeded, match="more than 8 cells"):
        parse(samples.xlsx_file(), XLSX)


def test_a_presentation_has_a_page_per_slide_with_its_notes():
    parsed = parse(samples.pptx_file(), PPTX)
    assert parsed.page_count == 2
    first, second = parsed.text.split("\f")
    assert "年度客户回顾" in first and "上海ABC贸易有限公司" in first
    assert "¥128,000.00" in second and normalise("备注：续签在即") in second


def test_a_presentation_over_the_page_limit_is_refused():
    with pytest.raises(LimitExceeded, match="2 slides; the limit is 1"):
        parse(samples.pptx_file(), PPTX, limits=Limits(max_pages=1))


@pytest.mark.parametrize(
    ("make", "mime_type", "name"),
    [
        (samples.docx_file, DOCX, "Word document"),
        (samples.xlsx_file, XLSX, "Excel workbook"),
        (samples.pptx_file, PPTX, "PowerPoint presentation"),
    ],
)
def test_a_truncated_office_file_is_corrupt(make, mime_type, name):
    data = make()
    with pytest.raises(CorruptFile, match=f"the {name}"):
        parse(data[: len(data) // 2], mime_type)


def test_a_zip_without_the_word_parts_is_corrupt_not_a_crash():
    data = samples.zip_file({"[Content_Types].xml": "<Types/>", "word/x.xml": "<x/>"})
    with pytest.raises(CorruptFile, match="cannot be read"):
        parse(data, DOCX)


def test_an_office_file_that_expands_like_a_zip_bomb_is_refused():
    data = samples.docx_file()
    with pytest.raises(LimitExceeded, match="expands"):
        parse(data, DOCX, limits=Limits(max_zip_total_bytes=10_000))
