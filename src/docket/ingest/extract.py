"""Text from a file, whatever its format: the parser's text layer, and OCR for the pages that
have none. Used by the pipeline and by the text extraction of directly uploaded versions."""

from dataclasses import dataclass

from docket.documents.text import normalise
from docket.ingest.types import ChildFile, PageImage, Parsed

OCR_DPI = 300
BARCODE_DPI = 150


def render_pages(
    data: bytes, mime_type: str, pages: list[int], *, dpi: int, password: str | None = None
) -> list[PageImage]:
    from docket.ingest.parsers import render_pages as render

    return render(data, mime_type, pages, dpi=dpi, password=password)


def ocr_missing_pages(
    data: bytes, mime_type: str, parsed: Parsed, *, password: str | None = None
) -> tuple[str, int]:
    """OCR the pages without a text layer and put each page's text in its place (parsers
    separate pages with a form feed). Returns (text, pages OCR'd)."""
    from docket.ingest.ocr import ocr_pages

    images = render_pages(
        data, mime_type, parsed.pages_without_text, dpi=OCR_DPI, password=password
    )
    results = ocr_pages(images)
    pages = parsed.text.split("\f") if parsed.text else []
    pages += [""] * ((parsed.page_count or len(images)) - len(pages))
    for image, result in zip(images, results, strict=True):
        if image.number < len(pages):
            pages[image.number] = result.text
        else:
            pages.append(result.text)
    return normalise("\n".join(page for page in pages if page.strip())), len(images)


def text_of(data: bytes, mime_type: str) -> str | None:
    """The whole text of a file (text layer + OCR), or None for formats without text."""
    from docket.ingest.parsers import parse

    parsed = parse(data, mime_type)
    if parsed.pages_without_text:
        return ocr_missing_pages(data, mime_type, parsed)[0]
    if not parsed.text and parsed.page_count is None and not parsed.children:
        return None
    return parsed.text


def born_digital_text(data: bytes, mime_type: str) -> str | None:
    """The text layer only, no OCR (for corpora of generated files, where speed matters)."""
    from docket.ingest.parsers import parse

    return normalise(parse(data, mime_type).text) or None


@dataclass(frozen=True)
class BatchPart:
    file: ChildFile
    customer_id: int | None
    document_type_id: int | None
    target_document_id: int | None


def plan_batch_split(
    data: bytes, mime_type: str, parsed: Parsed, *, password: str | None = None
) -> list[BatchPart] | None:
    """Read separator sheets and archive-number labels on a scanned batch. None when the batch
    is one plain document (no separator, no label)."""
    from docket.ingest import barcodes

    if mime_type != "application/pdf":
        return None
    pages = list(range(parsed.page_count or 0))
    images = render_pages(data, mime_type, pages, dpi=BARCODE_DPI, password=password)
    codes = [barcodes.read_codes(page.image) for page in images]
    parts = barcodes.plan_split(codes)
    if len(parts) == 1 and not parts[0].archive_number and len(parts[0].pages) == len(pages):
        return None
    return [_batch_part(data, part, password) for part in parts]


def _batch_part(data: bytes, part, password: str | None) -> BatchPart:  # noqa: ANN001
    import io

    from pypdf import PdfReader, PdfWriter

    from docket.customers.models import Customer
    from docket.documents.models import Document, DocumentType

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        reader.decrypt(password or "")
    writer = PdfWriter()
    for number in part.pages:
        writer.add_page(reader.pages[number])
    out = io.BytesIO()
    writer.write(out)
    first, last = part.pages[0] + 1, part.pages[-1] + 1
    customer = (
        Customer.objects.filter(code=part.customer_hint).first() if part.customer_hint else None
    )
    doc_type = DocumentType.objects.filter(name=part.type_hint).first() if part.type_hint else None
    target = (
        Document.objects.filter(archive_number=part.archive_number).first()
        if part.archive_number
        else None
    )
    return BatchPart(
        file=ChildFile(name=f"pages-{first}-{last}.pdf", data=out.getvalue()),
        customer_id=customer.id if customer else None,
        document_type_id=doc_type.id if doc_type else None,
        target_document_id=target.id if target else None,
    )
