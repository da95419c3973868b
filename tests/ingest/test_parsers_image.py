"""Images: every page goes to OCR; bombs and damage are refused with a reason."""

import io

import pytest
from PIL import Image

from docket.ingest.parsers import Limits, parse, render_pages
from docket.ingest.types import CorruptFile, LimitExceeded
from tests.ingest import samples


@pytest.mark.parametrize(
    ("fmt", "mime_type"), [("PNG", "image/png"), ("JPEG", "image/jpeg"), ("TIFF", "image/tiff")]
)
def test_a_single_image_is_one_page_that_needs_ocr(fmt, mime_type):
    parsed = parse(samples.image_file(fmt), mime_type)
    assert (parsed.page_count, parsed.pages_without_text, parsed.text) == (1, [0], "")


def test_a_multi_page_tiff_has_a_page_per_frame_all_for_ocr():
    parsed = parse(samples.tiff(3), "image/tiff")
    assert parsed.page_count == 3
    assert parsed.pages_without_text == [0, 1, 2]


def test_a_tiff_over_the_page_limit_is_refused():
    with pytest.raises(LimitExceeded, match="more than 2 pages"):
        parse(samples.tiff(3), "image/tiff", limits=Limits(max_pages=2))


def test_a_decompression_bomb_is_refused_before_any_pixel_is_decoded():
    bomb = samples.bomb_png(100_000, 100_000)  # 10 gigapixels in a few hundred bytes
    assert len(bomb) < 1000
    with pytest.raises(LimitExceeded, match="too large|megapixels") as caught:
        parse(bomb, "image/png")
    assert caught.value.code == "limit_exceeded"


def test_an_image_over_our_own_pixel_limit_names_its_size():
    bomb = samples.bomb_png(15_000, 10_000)  # 150 Mpx: Pillow only warns (an error in tests)
    with pytest.raises(LimitExceeded, match="15000 x 10000 pixels"):
        parse(bomb, "image/png", limits=Limits(max_image_pixels=100_000_000))


def test_the_pixel_limit_is_configurable():
    data = samples.image_file("PNG", size=(400, 300))
    with pytest.raises(LimitExceeded, match="400 x 300"):
        parse(data, "image/png", limits=Limits(max_image_pixels=100_000))
    assert parse(data, "image/png", limits=Limits(max_image_pixels=120_000)).page_count == 1


def test_a_truncated_image_is_corrupt():
    with pytest.raises(CorruptFile, match="damaged"):
        parse(samples.truncated_jpeg(), "image/jpeg")


def test_a_truncated_multi_page_tiff_is_corrupt():
    data = samples.tiff(3)
    with pytest.raises(CorruptFile, match="damaged"):
        parse(data[: len(data) // 3], "image/tiff")


def test_bytes_that_are_no_image_are_corrupt():
    with pytest.raises(CorruptFile, match="not a PNG/JPEG/TIFF"):
        parse("扫描件".encode(), "image/png")


def test_a_file_is_decoded_only_as_the_format_it_was_sniffed_as():
    with pytest.raises(CorruptFile):
        parse(samples.image_file("PNG"), "image/jpeg")


def test_tiff_pages_render_as_rgb_images():
    pages = render_pages(samples.tiff(3), "image/tiff", [0, 2])
    assert [page.number for page in pages] == [0, 2]
    assert {page.image.mode for page in pages} == {"RGB"}
    assert pages[0].image.size == (827, 1169)


def test_a_sideways_phone_photo_is_rendered_upright():
    (page,) = render_pages(samples.rotated_jpeg(), "image/jpeg", [0])
    assert page.image.width < page.image.height  # portrait again, as the EXIF said


def test_a_600_dpi_scan_reaches_ocr_at_300_dpi():
    out = io.BytesIO()
    Image.new("L", (1748, 2480), "white").save(out, "PNG", dpi=(600, 600))  # A6 at 600 dpi
    (page,) = render_pages(out.getvalue(), "image/png", [0], dpi=300)
    assert page.image.size == (874, 1240)


def test_transparency_is_flattened_onto_white_paper():
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(out, "PNG")
    (page,) = render_pages(out.getvalue(), "image/png", [0])
    assert page.image.getpixel((10, 10)) == (255, 255, 255)
