"""One parser per format, behind one function: `parse(data, mime_type)` -> Parsed.

Each parser module has `parse(data, mime_type, *, limits, password) -> Parsed`; the paged
formats (pdf, image) also have `render_pages`. Modules are imported on first use, so a worker
that never sees a spreadsheet never loads openpyxl.

A type no parser knows gives `Parsed()`: the file is kept as a document without text, not
refused. Bad input raises an IngestError (CorruptFile, NeedsPassword, LimitExceeded).

Text of paged formats (PDF, OFD, PPTX) has one page per `\\f`-separated block, as pdftotext
writes it, so a later step can put OCR text for a page in its place.
"""

import importlib
import re
from dataclasses import dataclass, field
from types import ModuleType

from docket.ingest.types import PageImage, Parsed

__all__ = ["Limits", "parse", "render_pages", "needs_ocr", "PARSERS", "OFFICE_TYPES"]

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
OFFICE_TYPES = {DOCX: "docx", XLSX: "xlsx", PPTX: "pptx"}

PARSERS: dict[str, str] = {
    "application/pdf": "pdf",
    "image/jpeg": "image",
    "image/png": "image",
    "image/tiff": "image",
    DOCX: "office",
    XLSX: "office",
    PPTX: "office",
    "text/plain": "text",
    "text/csv": "text",
    "text/markdown": "text",
    "text/html": "text",
    "message/rfc822": "email",
    "application/ofd": "ofd",
    "application/zip": "archive",
}
RENDERERS = {"pdf", "image", "ofd"}
# A page with fewer visible characters than this is a scan (or a scan with a page number
# stamped on it) and goes to OCR.
MIN_TEXT_CHARS = 10


def needs_ocr(page_text: str) -> bool:
    return len(re.sub(r"\s", "", page_text)) < MIN_TEXT_CHARS


def _max_pages_setting() -> int:
    # Read when a Limits is made (not at import), so override_settings in tests works; outside
    # Django (a script, a test without settings) the default stands.
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        return int(getattr(settings, "INGEST_MAX_PAGES", 1000))
    except ImproperlyConfigured:  # no settings module at all
        return 1000


@dataclass(frozen=True)
class Limits:
    """Bounds on what one file may cost. Defaults suit a 2-core, 24 GiB worker."""

    max_pages: int = field(default_factory=_max_pages_setting)
    # Pillow's own hard limit (2 x Image.MAX_IMAGE_PIXELS): above it Pillow refuses to open the
    # file anyway, and below it fit A0 at 300 dpi (139 Mpx) and A3 at 600 dpi (70 Mpx), the
    # largest honest scans. One RGB page at the limit is ~540 MB in memory.
    max_image_pixels: int = 178_956_970
    max_zip_members: int = 1000
    max_zip_total_bytes: int = 1 << 30  # expanded, over all members and nested archives
    max_zip_ratio: float = 100  # expanded bytes / size of the uploaded file
    max_zip_depth: int = 2  # a zip, and zips inside it; a third level is refused
    timeout_seconds: float = 120  # each pdftotext / pdftoppm run


def _bare(mime_type: str) -> str:
    return mime_type.split(";")[0].strip().lower()


def _module(mime_type: str) -> ModuleType | None:
    name = PARSERS.get(mime_type) or ("text" if mime_type.startswith("text/") else None)
    return importlib.import_module(f"{__name__}.{name}") if name else None


def parse(
    data: bytes, mime_type: str, *, limits: Limits | None = None, password: str | None = None
) -> Parsed:
    """What the file holds: text, pages, pages needing OCR, children, title, date."""
    mime_type = _bare(mime_type)
    module = _module(mime_type)
    if module is None:
        return Parsed()
    return module.parse(data, mime_type, limits=limits or Limits(), password=password)


def render_pages(
    data: bytes,
    mime_type: str,
    pages: list[int],
    *,
    dpi: int = 300,
    password: str | None = None,
    limits: Limits | None = None,
) -> list[PageImage]:
    """Pages (0-based) as images for OCR or barcodes. Formats without renderable pages give []
    (Office, text); an OFD gives only its scanned pages (see ofd.py)."""
    name = PARSERS.get(_bare(mime_type))
    if name not in RENDERERS:
        return []
    module = importlib.import_module(f"{__name__}.{name}")
    return module.render_pages(data, pages, dpi=dpi, password=password, limits=limits)
