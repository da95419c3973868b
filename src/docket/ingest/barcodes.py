"""Batch scanning: separator sheets and archive-number labels, read with zxing-cpp.

A person scans a pile of paper as one file; codes on the pages say where one document ends and
what it is. The conventions:

Separator sheet
    A page with a QR code reading ``DOCKET:SEP``, optionally ``DOCKET:SEP:<type>`` or
    ``DOCKET:SEP:<type>:<customer code>`` (the type may be empty: ``DOCKET:SEP::C001``). The
    sheet itself is dropped; the pages after it, up to the next sheet, are one document, and the
    type and customer are hints for it. Print them with `make_separator_sheet`.
Archive-number label
    A QR code or Code128 barcode whose text is an archive number (``[A-Z]{1,6}-?\\d{4}-\\d{3,6}``,
    e.g. ``HT-2023-0001``) or anything prefixed ``DOCKET:AN:``. The document the page belongs to
    is then a new version of the existing document with that number. A label with a different
    number from the one its part already has starts a new part: one part with two numbers
    is certainly two documents, even if someone forgot the separator. Print labels with
    `make_label`.

`plan_split` is pure logic over the codes of each page, so the rules are testable without
images; `read_codes` is the only part that looks at pixels. Only QR and Code128 are read by
default: other symbologies carry nothing here, and every extra format is another chance to
misread a table rule as a barcode.
"""

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import zxingcpp
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from docket.ingest.types import PageImage

SEPARATOR = "DOCKET:SEP"
LABEL_PREFIX = "DOCKET:AN:"
ARCHIVE_NUMBER = re.compile(r"[A-Z]{1,6}-?\d{4}-\d{3,6}")
READ_FORMATS = (zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.Code128)
_FONT = "STSong-Light"  # Adobe's CID font every PDF reader has: nothing to embed or download
pdfmetrics.registerFont(UnicodeCIDFont(_FONT))


@dataclass(frozen=True)
class Code:
    text: str
    format: str  # zxing-cpp's name for the symbology: "QRCode", "Code128", …
    position: tuple[tuple[int, int], ...]  # corners: top-left, top-right, bottom-right, bottom-left


@dataclass
class SplitPart:
    pages: list[int] = field(default_factory=list)  # 0-based pages of the scanned file
    type_hint: str | None = None
    customer_hint: str | None = None
    archive_number: str | None = None  # file as a new version of this existing document


def read_codes(
    image: Image.Image, formats: Sequence[zxingcpp.BarcodeFormat] = READ_FORMATS
) -> list[Code]:
    """Every code zxing-cpp finds on a page, in any of the four orientations."""
    if image.mode not in ("L", "RGB"):  # zxing takes 8-bit grey or RGB; scans come as 1, P, LA…
        image = image.convert("L")
    found = zxingcpp.read_barcodes(image, formats=list(formats))
    codes = []
    for bc in found:
        p = bc.position
        corners = (p.top_left, p.top_right, p.bottom_right, p.bottom_left)
        codes.append(Code(bc.text, bc.format.name, tuple((c.x, c.y) for c in corners)))
    return codes


def read_pages(pages: Iterable[PageImage]) -> list[list[Code]]:
    """The codes of each page, in page order: what `plan_split` takes."""
    ordered = sorted(pages, key=lambda page: page.number)
    return [read_codes(page.image) for page in ordered]


def separator_hints(code: Code) -> tuple[str | None, str | None] | None:
    """(type, customer) if the code is a separator, else None."""
    if code.format != "QRCode" or not (
        code.text == SEPARATOR or code.text.startswith(SEPARATOR + ":")
    ):
        return None
    # The customer code may itself contain ':', the type may not (make_separator_sheet checks).
    type_hint, _, customer = code.text[len(SEPARATOR) + 1 :].partition(":")
    return type_hint.strip() or None, customer.strip() or None


def archive_number(code: Code) -> str | None:
    if code.format not in ("QRCode", "Code128"):
        return None
    text = code.text.strip()
    if text.startswith(LABEL_PREFIX):
        return text[len(LABEL_PREFIX) :].strip() or None
    return text if ARCHIVE_NUMBER.fullmatch(text) else None


def plan_split(page_codes: Sequence[Sequence[Code]]) -> list[SplitPart]:
    """Group pages into documents; see the module docstring for the rules."""
    parts: list[SplitPart] = []
    current = SplitPart()
    for page, codes in enumerate(page_codes):
        hints = next((h for h in map(separator_hints, codes) if h is not None), None)
        number = next((n for n in map(archive_number, codes) if n is not None), None)
        if hints is not None:
            parts.append(current)
            current = SplitPart(type_hint=hints[0], customer_hint=hints[1])
            # A label stuck on the separator sheet itself names the document that follows.
            current.archive_number = number
            continue
        if number and current.archive_number and number != current.archive_number:
            parts.append(current)
            current = SplitPart()
        if number and not current.archive_number:
            current.archive_number = number
        current.pages.append(page)
    parts.append(current)
    # Two separators in a row, or one at the very start or end, leave empty parts: not documents.
    return [part for part in parts if part.pages]


def make_separator_sheet(type_name: str | None = None, customer_code: str | None = None) -> bytes:
    """A one-page A4 PDF: the separator QR code and what it means, in Chinese and English."""
    if type_name and ":" in type_name:
        raise ValueError("A document type on a separator sheet cannot contain ':'.")
    payload = SEPARATOR
    if type_name or customer_code:
        payload += f":{type_name or ''}"
    if customer_code:
        payload += f":{customer_code}"
    matrix = _symbol(payload, zxingcpp.BarcodeFormat.QRCode, scale=1, quiet_zone=False)

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    pdf.setTitle("分隔页 / Separator sheet")
    width, height = A4
    # Drawn as vector squares, not as an embedded bitmap: crisp at any print or scan
    # resolution, where a scaled-up bitmap would be smoothed by the PDF viewer.
    side = 7 * cm
    module = side / matrix.width
    left, top = (width - side) / 2, height - 4 * cm
    pixels = matrix.load()
    for y in range(matrix.height):
        x = 0
        while x < matrix.width:  # one rectangle per run of dark modules: no seams inside runs
            if pixels[x, y] >= 128:
                x += 1
                continue
            run = x
            while run < matrix.width and pixels[run, y] < 128:
                run += 1
            pdf.rect(left + x * module, top - (y + 1) * module, (run - x) * module, module, 0, 1)
            x = run
    lines = [(28, "分隔页 / Separator sheet")]
    if type_name:
        lines.append((16, f"文件类型 / Type: {type_name}"))
    if customer_code:
        lines.append((16, f"客户 / Customer: {customer_code}"))
    lines += [
        (11, "请把本页放在每份文件的第一页之前；扫描后本页会被去掉。"),
        (11, "Put this sheet before the first page of each document; it is removed when filed."),
        (9, payload),
    ]
    y = top - side - 2 * cm
    for size, text in lines:
        pdf.setFont(_FONT, size)
        pdf.drawCentredString(width / 2, y, text)
        y -= size * 1.8
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def make_label(archive_number: str, *, qr: bool = False) -> Image.Image:
    """A printable label (greyscale image) for an archive number: Code128 with the number
    printed under it, or a QR code with it as a caption (ASCII only). A number that does not
    match the pattern is written with the DOCKET:AN: prefix so that it is still recognised."""
    payload = archive_number
    if not ARCHIVE_NUMBER.fullmatch(archive_number):
        payload = LABEL_PREFIX + archive_number
    if not qr and payload.isascii():
        # zxing-cpp prints the human-readable text itself for linear codes
        return _symbol(payload, zxingcpp.BarcodeFormat.Code128, scale=3, hrt=True)
    symbol = _symbol(payload, zxingcpp.BarcodeFormat.QRCode, scale=6)
    if not archive_number.isascii():  # Pillow's built-in font has no Chinese glyphs
        return symbol
    label = Image.new("L", (symbol.width, symbol.height + 40), 255)
    label.paste(symbol, (0, 0))
    font = ImageFont.load_default(size=22)
    ImageDraw.Draw(label).text(
        (symbol.width / 2, symbol.height + 4), archive_number, fill=0, font=font, anchor="mt"
    )
    return label


def _symbol(
    text: str,
    fmt: zxingcpp.BarcodeFormat,
    *,
    scale: int,
    quiet_zone: bool = True,
    hrt: bool = False,
) -> Image.Image:
    # Q: a QR code survives a quarter of its modules lost to a staple, a stamp or a fold.
    options = {"ec_level": "Q"} if fmt == zxingcpp.BarcodeFormat.QRCode else {}
    barcode = zxingcpp.create_barcode(text, fmt, **options)
    raw = memoryview(
        zxingcpp.write_barcode_to_image(
            barcode, scale=scale, add_hrt=hrt, add_quiet_zones=quiet_zone
        )
    )
    height, width = raw.shape
    return Image.frombytes("L", (width, height), raw.tobytes())
