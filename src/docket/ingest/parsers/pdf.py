"""PDF: structure, page count and passwords by pikepdf (qpdf); text by poppler's `pdftotext`;
pages as images by poppler's `pdftoppm`.

Why poppler in subprocesses: pypdf puts \\x00 before CJK characters in OCRmyPDF output and
pdftotext does not (DESIGN.md); and a malformed PDF that hangs or crashes a renderer takes down
only that subprocess, which has a timeout. pypdfium2 renders ~3x faster in-process, but rendering
is small next to OCR (~3 s a page) and cannot be interrupted there.

A password-protected PDF is decrypted by pikepdf in memory and the plain copy piped to poppler,
so the password never appears on a command line (visible in `ps`).
"""

import io
import math
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager

import pikepdf
from django.utils.translation import gettext_noop as _

from docket.core.notices import Notice
from docket.documents.text import normalise
from docket.ingest.parsers import Limits, needs_ocr
from docket.ingest.parsers.image import check_pixels, open_image, page_label
from docket.ingest.types import CorruptFile, LimitExceeded, NeedsPassword, PageImage, Parsed

__all__ = ["parse", "render_pages", "decrypt", "page_size"]

READING, RENDERING = Notice(_("reading text")), Notice(_("rendering"))  # what took too long


def _reason(exc: Exception) -> str:
    # qpdf prefixes messages with the stream's repr ("stream <_io.BytesIO ...>: ..."); the
    # person reading the inbox needs only the rest.
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return re.sub(r"^.*?<_io\.BytesIO object at 0x[0-9a-f]+>(?: \(.*?\))?:\s*", "", message)


@contextmanager
def _open(data: bytes, password: str | None) -> Iterator[pikepdf.Pdf]:
    # qpdf repairs a truncated file by scanning for objects, quietly losing the pages cut off;
    # an upload cut short should be sent again, so a PDF without its end marker is refused.
    # (Acrobat wants %%EOF within the last 1024 bytes; 2048 allows some trailing padding.)
    if data[:1024].find(b"%PDF-") < 0:
        raise CorruptFile(Notice(_("the file is not a PDF (no %PDF header)")))
    if b"%%EOF" not in data[-2048:]:
        raise CorruptFile(Notice(_("the PDF is truncated: its end-of-file marker is missing")))
    try:
        pdf = pikepdf.open(io.BytesIO(data), password=password or "")
    except pikepdf.PasswordError:
        if password:
            raise NeedsPassword(Notice(_("the password given for the PDF is wrong"))) from None
        raise NeedsPassword(Notice(_("the PDF is password-protected"))) from None
    except (pikepdf.PdfError, ValueError, OSError) as exc:
        raise CorruptFile(
            Notice(_("the PDF is damaged: %(detail)s"), detail=_reason(exc))
        ) from None
    with pdf:
        yield pdf


def _page_count(pdf: pikepdf.Pdf, limits: Limits) -> int:
    try:
        count = len(pdf.pages)
    except pikepdf.PdfError as exc:
        raise CorruptFile(
            Notice(_("the PDF's page tree is damaged: %(detail)s"), detail=_reason(exc))
        ) from None
    if count == 0:
        raise CorruptFile(Notice(_("the PDF has no pages")))
    if count > limits.max_pages:
        raise LimitExceeded(
            Notice(
                _("the PDF has %(count)s pages; the limit is %(limit)s"),
                count=count,
                limit=limits.max_pages,
            )
        )
    return count


def _plain(pdf: pikepdf.Pdf, data: bytes) -> bytes:
    """The bytes poppler should read: decrypted when the file is encrypted at all (an owner
    password alone also restricts copying, which poppler might honour)."""
    if not pdf.is_encrypted:
        return data
    out = io.BytesIO()
    pdf.save(out, encryption=False)
    return out.getvalue()


def _title(pdf: pikepdf.Pdf) -> str:
    try:
        info = pdf.trailer.get("/Info")
        title = str(info.get("/Title", "")) if isinstance(info, pikepdf.Dictionary) else ""
    except (pikepdf.PdfError, TypeError, ValueError):
        return ""
    title = normalise(title)
    return "" if title.lower() in {"untitled", "无标题"} else title


def _run(args: list[str], data: bytes, limits: Limits, what: Notice) -> bytes:
    try:
        done = subprocess.run(
            args, input=data, capture_output=True, timeout=limits.timeout_seconds, check=False
        )
    except subprocess.TimeoutExpired:
        raise LimitExceeded(
            Notice(
                _("%(what)s took longer than %(seconds)s s and was stopped"),
                what=what,
                seconds=f"{limits.timeout_seconds:g}",
            )
        ) from None
    if done.returncode != 0:
        errors = [ln for ln in done.stderr.decode(errors="replace").splitlines() if ln.strip()]
        detail = errors[-1] if errors else Notice(_("exit code %(code)s"), code=done.returncode)
        raise CorruptFile(Notice(_("the PDF cannot be read: %(detail)s"), detail=detail))
    return done.stdout


def page_texts(data: bytes, count: int, limits: Limits) -> list[str]:
    """Each page's text, normalised. -layout keeps a table's row on one line (an invoice's
    "合计 ¥128,000.00"), which reading order alone would split."""
    out = _run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], data, limits, READING)
    pages = out.decode("utf-8", errors="replace").split("\f")[:count]
    pages += [""] * (count - len(pages))
    return [normalise(page) for page in pages]


def parse(
    data: bytes,
    mime_type: str = "application/pdf",
    *,
    limits: Limits | None = None,
    password: str | None = None,
) -> Parsed:
    limits = limits or Limits()
    with _open(data, password) as pdf:
        count = _page_count(pdf, limits)
        title = _title(pdf)
        plain = _plain(pdf, data)
    texts = page_texts(plain, count, limits)
    joined = "\f".join(texts)
    return Parsed(
        text=joined if joined.strip("\f") else "",
        page_count=count,
        pages_without_text=[n for n, text in enumerate(texts) if needs_ocr(text)],
        title=title,
    )


def _page_points(pdf: pikepdf.Pdf, n: int) -> tuple[float, float]:
    """Width and height in points of the box pdftoppm renders (the crop box)."""
    page = pdf.pages[n]
    try:
        box = [float(v) for v in page.cropbox]
        unit = float(page.obj.get("/UserUnit", 1))
    except (pikepdf.PdfError, TypeError, ValueError):
        return 612.0, 792.0  # unreadable box: pdftoppm falls back to Letter too
    return abs(box[2] - box[0]) * unit, abs(box[3] - box[1]) * unit


def safe_dpi(points: tuple[float, float], dpi: float, limits: Limits) -> float:
    """dpi, lowered when the page is so large that it would exceed the pixel limit (a poster,
    or a hostile 200-inch MediaBox)."""
    area = max(points[0] * points[1], 1.0) / 72**2  # square inches
    return min(dpi, math.sqrt(limits.max_image_pixels / area) * 0.99)


def render_pages(
    data: bytes,
    pages: list[int],
    dpi: float = 300,
    password: str | None = None,
    *,
    limits: Limits | None = None,
    gray: bool = False,
) -> list[PageImage]:
    """The given pages (0-based) as images, RGB (or grayscale with gray=True: a third of the
    memory, and all OCR and barcode readers need)."""
    limits = limits or Limits()
    with _open(data, password) as pdf:
        count = _page_count(pdf, limits)
        sizes = {}
        for n in pages:
            if not 0 <= n < count:
                raise ValueError(f"the PDF has no page {n} (it has {count})")
            sizes[n] = _page_points(pdf, n)
        plain = _plain(pdf, data)
    result = []
    for n in pages:
        page_dpi = safe_dpi(sizes[n], dpi, limits)
        args = ["pdftoppm", "-f", str(n + 1), "-l", str(n + 1), "-r", f"{page_dpi:.2f}"]
        out = _run([*args, *(["-gray"] if gray else []), "-"], plain, limits, RENDERING)
        with open_image(out, limits, ["PPM"]) as image:
            check_pixels(image.size, limits, page_label(n))
            image.load()
            result.append(PageImage(number=n, image=image.copy()))
    return result


def decrypt(data: bytes, password: str) -> bytes:
    """The PDF without its encryption, once a person has given the password (so OCR, search and
    later reads need it no more). NeedsPassword if it is wrong; an unencrypted PDF as it is."""
    with _open(data, password) as pdf:
        return _plain(pdf, data)


def page_size(data: bytes, n: int = 0, password: str | None = None) -> tuple[float, float]:
    """Page n's width and height in points (for a thumbnail's scale)."""
    with _open(data, password) as pdf:
        _page_count(pdf, Limits(max_pages=10**9))
        return _page_points(pdf, n)
