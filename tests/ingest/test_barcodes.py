"""Separator sheets and archive-number labels: the split rules as pure logic, then real PDFs
rasterised by pdftoppm (poppler-utils) and read by zxing-cpp."""

import io
import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageFilter
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from docket.demo.pdfgen import make_pdf
from docket.ingest.barcodes import (
    Code,
    SplitPart,
    archive_number,
    make_label,
    make_separator_sheet,
    plan_split,
    read_codes,
    read_pages,
    separator_hints,
)
from docket.ingest.types import PageImage

NO_POS = ((0, 0),) * 4


def sep(text: str = "DOCKET:SEP") -> list[Code]:
    return [Code(text, "QRCode", NO_POS)]


def label(number: str, fmt: str = "Code128") -> list[Code]:
    return [Code(number, fmt, NO_POS)]


# --- the rules -------------------------------------------------------------------------------


def test_no_separators_is_one_part_with_every_page():
    assert plan_split([[], [], []]) == [SplitPart(pages=[0, 1, 2])]
    assert plan_split([]) == []


def test_separators_split_and_are_dropped():
    codes = [[], [], sep("DOCKET:SEP:合同:C001"), [], sep(), []]
    assert plan_split(codes) == [
        SplitPart(pages=[0, 1]),
        SplitPart(pages=[3], type_hint="合同", customer_hint="C001"),
        SplitPart(pages=[5]),
    ]


def test_empty_parts_are_dropped():
    codes = [sep("DOCKET:SEP:发票"), sep("DOCKET:SEP:合同"), [], sep()]
    assert plan_split(codes) == [SplitPart(pages=[2], type_hint="合同")]
    assert plan_split([sep(), sep()]) == []


def test_label_assigns_the_part_to_an_existing_document():
    codes = [sep(), [], label("HT-2023-0001"), [], sep(), label("DOCKET:AN:旧档-7", "QRCode")]
    assert plan_split(codes) == [
        SplitPart(pages=[1, 2, 3], archive_number="HT-2023-0001"),
        SplitPart(pages=[5], archive_number="旧档-7"),
    ]


def test_a_second_different_label_starts_a_new_part():
    codes = [label("HT-2023-0001"), [], label("HT-2023-0001"), label("BJD-2024-0002"), []]
    assert plan_split(codes) == [
        SplitPart(pages=[0, 1, 2], archive_number="HT-2023-0001"),
        SplitPart(pages=[3, 4], archive_number="BJD-2024-0002"),
    ]


def test_what_counts_as_a_separator_or_a_label():
    assert separator_hints(sep()[0]) == (None, None)
    assert separator_hints(sep("DOCKET:SEP::C:01")[0]) == (None, "C:01")
    assert separator_hints(sep("DOCKET:SEPARATE")[0]) is None
    assert separator_hints(Code("DOCKET:SEP", "Code128", NO_POS)) is None  # QR only
    assert archive_number(label("HT20230001")[0]) is None
    assert archive_number(label("HT2023-0001")[0]) == "HT2023-0001"
    assert archive_number(label("HT-2023-0001", "EAN13")[0]) is None
    # an e-invoice QR code is neither
    invoice = Code("01,10,044031900111,12345678,128000.00,20230101,,ABCD", "QRCode", NO_POS)
    assert separator_hints(invoice) is None and archive_number(invoice) is None


def test_a_type_with_a_colon_is_refused():
    with pytest.raises(ValueError):
        make_separator_sheet("a:b")


# --- real images -----------------------------------------------------------------------------


def rasterise(pdf: bytes, tmp_path: Path, dpi: int = 150) -> list[PageImage]:
    binary = shutil.which("pdftoppm")
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftoppm is missing (apt-get install poppler-utils)")
        pytest.skip("pdftoppm is missing (apt-get install poppler-utils)")
    source = tmp_path / "batch.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [binary, "-r", str(dpi), "-gray", "-png", str(source), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    # pdftoppm numbers page-1.png … or page-01.png …, depending on the page count
    files = sorted(tmp_path.glob("page-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
    pages = []
    for number, path in enumerate(files):
        with Image.open(path) as image:
            pages.append(PageImage(number, image.copy()))
    return pages


def page_with_label(number: str) -> bytes:
    """A contract's first page with the archive label stuck in its top right corner."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    _, height = A4
    pdf.setFont("STSong-Light", 16)
    pdf.drawString(72, height - 72, "购销合同（补充协议）")
    image = make_label(number)
    pdf.drawImage(
        ImageReader(image), 330, height - 160, width=200, height=200 * image.height / image.width
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def merge(*pdfs: bytes) -> bytes:
    writer = PdfWriter()
    for data in pdfs:
        for page in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.slow  # runs pdftoppm
def test_a_scanned_batch_is_split(tmp_path: Path):
    batch = merge(
        make_pdf([["报价单", "第 1 页"], ["报价单", "第 2 页"]]),
        make_separator_sheet("合同", "C001"),
        page_with_label("HT-2023-0001"),
        make_pdf(["购销合同", "第 2 页"]),
    )
    pages = rasterise(batch, tmp_path)
    assert len(pages) == 5

    codes = read_pages(pages)

    assert [[c.text for c in page] for page in codes] == [
        [], [], ["DOCKET:SEP:合同:C001"], ["HT-2023-0001"], []
    ]  # fmt: skip
    assert plan_split(codes) == [
        SplitPart(pages=[0, 1]),
        SplitPart(
            pages=[3, 4], type_hint="合同", customer_hint="C001", archive_number="HT-2023-0001"
        ),
    ]


@pytest.mark.slow  # runs pdftoppm
def test_plain_separator_sheet_reads_back(tmp_path: Path):
    [page] = rasterise(make_separator_sheet(), tmp_path, dpi=100)
    [code] = read_codes(page.image)
    assert (code.text, code.format) == ("DOCKET:SEP", "QRCode")


def noisy(image: Image.Image, seed: int = 7, fraction: float = 0.04) -> Image.Image:
    image = image.convert("L")
    rng = random.Random(seed)
    pixels = image.load()
    for _ in range(int(image.width * image.height * fraction)):
        pixels[rng.randrange(image.width), rng.randrange(image.height)] = rng.choice((0, 255))
    return image.filter(ImageFilter.GaussianBlur(0.7))


@pytest.mark.parametrize("qr", [False, True], ids=["code128", "qr"])
def test_rotated_noisy_label_is_read(qr: bool):
    page = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    sticker = make_label("HT-2023-0001", qr=qr).rotate(90, expand=True, fillcolor=255)
    page.paste(sticker.rotate(2, expand=True, fillcolor=255), (700, 900))

    codes = read_codes(noisy(page))

    assert [archive_number(code) for code in codes] == ["HT-2023-0001"]


@pytest.mark.slow  # runs pdftoppm
def test_a_page_without_codes_reads_nothing(tmp_path: Path):
    [page] = rasterise(make_pdf(["会议纪要", "没有条码的一页"]), tmp_path, dpi=100)
    assert read_codes(page.image) == []
    assert read_codes(noisy(Image.new("RGB", (800, 1100), "white"))) == []
