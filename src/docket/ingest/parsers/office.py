"""Word, Excel and PowerPoint (OOXML: .docx, .xlsx, .pptx) by python-docx, openpyxl and
python-pptx. The legacy binary formats (.doc, .xls, .ppt) are not read: they sniff as other
types and are kept without text.

These files are zips: the zip limits are checked on the central directory before the library
opens the file (sound, because all three libraries read through Python's zipfile, which never
returns more than a member's declared size).

Only the title is taken from the document properties: their dates are when the file (often its
template: python-docx's blank document says 2013) was made, not the date of the contract or
invoice it holds, which the classifier finds in the text.

Embedded pictures are not OCR'd (pages_without_text is always empty).
"""

import datetime
import io
import warnings
from collections.abc import Callable, Iterator
from typing import Any

from django.utils.translation import gettext_noop as _

from docket.core.notices import Notice
from docket.documents.text import normalise
from docket.ingest.parsers import DOCX, OFFICE_TYPES, PPTX, XLSX, Limits
from docket.ingest.parsers.archive import ZipBudget, open_zip
from docket.ingest.types import CorruptFile, IngestError, LimitExceeded, Parsed

__all__ = ["parse"]

# A row is padded to its last cell's column: a sheet of rows with one cell in column XFD is
# 16,384 values a row from a few bytes of XML. Stop counting there, not at the zip limits.
MAX_CELLS = 5_000_000
NAMES = {  # as a reason names the file
    DOCX: Notice(_("the Word document")),
    XLSX: Notice(_("the Excel workbook")),
    PPTX: Notice(_("the PowerPoint presentation")),
}


def _docx(data: bytes, limits: Limits) -> Parsed:
    import docx
    from docx.table import Table

    document = docx.Document(io.BytesIO(data))
    blocks: list[str] = []
    for block in document.iter_inner_content():  # paragraphs and tables in reading order
        if isinstance(block, Table):
            blocks.extend(_table_rows(block.rows))
        else:
            blocks.append(block.text)
    seen = set(blocks)
    for section in document.sections:  # letterheads, footers: once each
        for part in (section.header, section.footer):
            if part.is_linked_to_previous:
                continue
            for paragraph in part.paragraphs:
                if paragraph.text not in seen:
                    seen.add(paragraph.text)
                    blocks.append(paragraph.text)
    return Parsed(text=normalise("\n".join(blocks)), title=_title(document.core_properties))


def _table_rows(rows: Any) -> Iterator[str]:
    for row in rows:
        cells, last = [], None
        for cell in row.cells:
            if cell._tc is not last:  # a merged cell appears once per grid column it spans
                cells.append(cell.text.replace("\n", " "))
            last = cell._tc
        yield "\t".join(cells)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # 128000, not 128000.0
    return str(value)


def _xlsx(data: bytes, limits: Limits) -> Parsed:
    import openpyxl

    # data_only: a formula's cached value (what the person saw), not "=SUM(B2:B9)".
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        lines, cells = [], 0
        for sheet in workbook.worksheets:
            lines.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                cells += len(row)
                if cells > MAX_CELLS:
                    raise LimitExceeded(
                        Notice(
                            _("the workbook has more than %(limit)s cells"),
                            limit=f"{MAX_CELLS:,}",
                        )
                    )
                values = [_cell(value) for value in row]
                while values and not values[-1]:
                    values.pop()
                if values:
                    lines.append("\t".join(values))
            lines.append("")
        return Parsed(text=normalise("\n".join(lines)), title=_title(workbook.properties))
    finally:
        workbook.close()


def _shape_texts(shapes: Any) -> Iterator[str]:
    for shape in shapes:
        if getattr(shape, "shapes", None) is not None:  # a group
            yield from _shape_texts(shape.shapes)
        if getattr(shape, "has_text_frame", False) and shape.has_text_frame:
            yield shape.text_frame.text
        if getattr(shape, "has_table", False) and shape.has_table:
            yield from _table_rows(shape.table.rows)


def _pptx(data: bytes, limits: Limits) -> Parsed:
    import pptx

    presentation = pptx.Presentation(io.BytesIO(data))
    slides = list(presentation.slides)
    if len(slides) > limits.max_pages:
        raise LimitExceeded(
            Notice(
                _("the presentation has %(count)s slides; the limit is %(limit)s"),
                count=len(slides),
                limit=limits.max_pages,
            )
        )
    pages = []
    for slide in slides:
        texts = list(_shape_texts(slide.shapes))
        if slide.has_notes_slide:  # speaker notes are often where the substance is
            texts.append(slide.notes_slide.notes_text_frame.text)
        pages.append(normalise("\n".join(texts)))
    joined = "\f".join(pages)
    return Parsed(
        text=joined if joined.strip("\f") else "",
        page_count=len(slides),
        title=_title(presentation.core_properties),
    )


def _title(properties: Any) -> str:
    return normalise(getattr(properties, "title", None) or "")


READERS: dict[str, Callable[[bytes, Limits], Parsed]] = {DOCX: _docx, XLSX: _xlsx, PPTX: _pptx}


def parse(
    data: bytes, mime_type: str, *, limits: Limits | None = None, password: str | None = None
) -> Parsed:
    limits = limits or Limits()
    if mime_type not in OFFICE_TYPES:
        return Parsed()
    what = NAMES[mime_type]
    with open_zip(data, what) as zf:
        ZipBudget(limits, len(data), what).check_declared(zf)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about features it skips (data validation, slicers): not actionable.
            warnings.simplefilter("ignore", UserWarning)
            return READERS[mime_type](data, limits)
    except IngestError:
        raise
    except MemoryError:
        raise
    except Exception as exc:
        # Three libraries raise many exception types on a malformed file (KeyError for a
        # missing part, lxml's XMLSyntaxError, ValueError...): all mean "cannot be read".
        raise CorruptFile(
            Notice(
                _("%(what)s cannot be read: %(detail)s"),
                what=what,
                detail=f"{type(exc).__name__}: {exc}",
            )
        ) from None
