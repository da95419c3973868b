"""Thumbnails: a WebP of the first page for PDFs and images, None where there is no page."""

import io

import pytest
from PIL import Image

from docket.ingest.parsers import DOCX
from docket.ingest.thumbnails import make_thumbnail
from docket.ingest.types import CorruptFile, LimitExceeded, NeedsPassword
from tests.ingest import samples


def _open(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "WEBP"
    return image


def test_a_pdf_thumbnail_is_its_first_page_300_pixels_wide():
    thumbnail = _open(
        make_thumbnail(samples.pdf([samples.CONTRACT, samples.INVOICE]), "application/pdf")
    )
    assert thumbnail.width == 300
    assert 420 <= thumbnail.height <= 426  # A4's proportions
    assert thumbnail.convert("L").getextrema()[0] < 160  # the text shows


def test_the_width_can_be_chosen():
    assert _open(make_thumbnail(samples.pdf(), "application/pdf", width=120)).width == 120


@pytest.mark.parametrize(
    ("data", "mime_type"),
    [
        (samples.image_file("JPEG", size=(2480, 3508)), "image/jpeg"),
        (samples.image_file("PNG"), "image/png"),
        (samples.tiff(3), "image/tiff"),
    ],
    ids=["jpeg", "png", "tiff"],
)
def test_an_image_thumbnail_keeps_its_proportions(data, mime_type):
    thumbnail = _open(make_thumbnail(data, mime_type))
    assert thumbnail.size == (300, 424)


def test_a_sideways_photo_gets_an_upright_thumbnail():
    thumbnail = _open(make_thumbnail(samples.rotated_jpeg(), "image/jpeg"))
    assert thumbnail.height > thumbnail.width


def test_a_long_receipt_is_cut_at_four_times_its_width():
    receipt = samples.image_file("PNG", size=(400, 4000))
    assert _open(make_thumbnail(receipt, "image/png")).size == (300, 1200)


def test_formats_without_a_page_to_draw_have_none():
    assert make_thumbnail(samples.docx_file(), DOCX) is None
    assert make_thumbnail(samples.ofd(), "application/ofd") is None
    assert make_thumbnail("购销合同".encode(), "text/plain") is None


def test_a_scanned_ofd_has_a_thumbnail_of_its_picture():
    assert _open(make_thumbnail(samples.scanned_ofd(), "application/ofd")).size == (300, 424)


def test_a_locked_pdf_needs_its_password_for_a_thumbnail_too():
    data = samples.encrypted_pdf("密码123")
    with pytest.raises(NeedsPassword):
        make_thumbnail(data, "application/pdf")
    assert _open(make_thumbnail(data, "application/pdf", password="密码123")).width == 300


def test_bad_files_raise_the_parsers_errors():
    with pytest.raises(CorruptFile):
        make_thumbnail(samples.truncated_pdf(), "application/pdf")
    with pytest.raises(CorruptFile):
        make_thumbnail(samples.truncated_jpeg(), "image/jpeg")
    with pytest.raises(LimitExceeded):
        make_thumbnail(samples.bomb_png(), "image/png")
