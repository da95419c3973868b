"""JPEG, PNG and TIFF (multi-page TIFF too). An image has no text layer: every page needs OCR.

Decompression bombs: a few hundred bytes can declare a 100,000 x 100,000 image. Pillow reads
only the header on open, so the declared size of every frame is checked against
Limits.max_image_pixels before any pixel is decoded. Pillow's own global check
(Image.MAX_IMAGE_PIXELS) is left alone, being process-wide; its DecompressionBombError is
turned into LimitExceeded, and its warning silenced because the size has been checked here.
Pillow's other warnings on damaged files ("Corrupt EXIF data") are silenced too: the damage that
matters surfaces as an error when the pixels are decoded.
"""

import io
import itertools
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils.translation import gettext_noop as _
from PIL import Image, ImageOps, UnidentifiedImageError

from docket.core.notices import Notice
from docket.ingest.parsers import Limits
from docket.ingest.types import CorruptFile, LimitExceeded, PageImage, Parsed

# Only the plugins a sniffed type allows: a file sniffed as PNG is never handed to some
# other, less hardened decoder.
FORMATS = {"image/jpeg": ["JPEG"], "image/png": ["PNG"], "image/tiff": ["TIFF"]}
# Pillow's reading errors for malformed files (truncated data raises OSError).
READ_ERRORS = (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError)
IMAGE = Notice(_("the image"))


@contextmanager
def quiet_pillow() -> Iterator[None]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        warnings.simplefilter("ignore", UserWarning)
        yield


def page_label(n: int) -> Notice:
    """Page n (0-based) as a reason names it: "page 3"."""
    return Notice(_("page %(number)s"), number=n + 1)


def check_pixels(size: tuple[int, int], limits: Limits, what: Notice = IMAGE) -> None:
    width, height = size
    if width * height > limits.max_image_pixels:
        raise LimitExceeded(
            Notice(
                _(
                    "%(what)s is %(width)s x %(height)s pixels (%(megapixels)s megapixels); "
                    "the limit is %(limit)s megapixels"
                ),
                what=what,
                width=width,
                height=height,
                megapixels=f"{width * height / 1e6:.0f}",
                limit=f"{limits.max_image_pixels / 1e6:.0f}",
            )
        )


def _too_large(what: Notice, exc: Exception) -> LimitExceeded:
    return LimitExceeded(
        Notice(_("%(what)s is too large to open safely (%(detail)s)"), what=what, detail=str(exc))
    )


def damaged(exc: Exception) -> CorruptFile:
    """Pillow failed to decode the pixels."""
    return CorruptFile(Notice(_("the image is damaged: %(detail)s"), detail=str(exc)))


@contextmanager
def open_image(
    data: bytes, limits: Limits, formats: list[str] | None = None
) -> Iterator[Image.Image]:
    """Image.open with the pixel limit checked and Pillow's errors turned into IngestErrors."""
    try:
        with quiet_pillow():
            image = Image.open(io.BytesIO(data), formats=formats)
    except Image.DecompressionBombError as exc:
        raise _too_large(IMAGE, exc) from None
    except UnidentifiedImageError:
        raise CorruptFile(
            Notice(_("the image cannot be read: it is damaged, or not a PNG/JPEG/TIFF"))
        ) from None
    except READ_ERRORS as exc:
        raise damaged(exc) from None
    with image:
        check_pixels(image.size, limits)
        yield image


def _frames(image: Image.Image, mime_type: str, limits: Limits) -> int:
    """Pages: TIFF frames, counted by walking them (bounded), never trusting a count field.
    A PNG or JPEG is one page even if animated (APNG) or stereo (MPO)."""
    if mime_type != "image/tiff":
        return 1
    for n in itertools.count(1):
        try:
            image.seek(n)
        except EOFError:
            return n
        if n >= limits.max_pages:
            raise LimitExceeded(
                Notice(_("the TIFF has more than %(limit)s pages"), limit=limits.max_pages)
            )
    raise AssertionError("unreachable")


def _load_frame(image: Image.Image, n: int, limits: Limits) -> None:
    try:
        image.seek(n)
        check_pixels(image.size, limits, page_label(n))
        with quiet_pillow():
            image.load()
    except Image.DecompressionBombError as exc:
        raise _too_large(page_label(n), exc) from None
    except READ_ERRORS as exc:
        raise damaged(exc) from None


def parse(
    data: bytes, mime_type: str, *, limits: Limits | None = None, password: str | None = None
) -> Parsed:
    limits = limits or Limits()
    with open_image(data, limits, FORMATS.get(mime_type)) as image:
        count = _frames(image, mime_type, limits)
        # Decode every page now: a truncated scan is reported here, not later inside OCR.
        for n in range(count):
            _load_frame(image, n, limits)
    return Parsed(page_count=count, pages_without_text=list(range(count)))


def to_rgb(image: Image.Image) -> Image.Image:
    """RGB for OCR and barcode readers; transparency composited onto white paper."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        page = Image.new("RGB", rgba.size, "white")
        page.paste(rgba, mask=rgba.getchannel("A"))
        return page
    return image.convert("RGB")


def render_pages(
    data: bytes,
    pages: list[int],
    dpi: float = 300,
    password: str | None = None,
    *,
    limits: Limits | None = None,
    mime_type: str | None = None,
) -> list[PageImage]:
    """The given pages (0-based) as RGB images, turned upright by their EXIF orientation (phone
    photos). `dpi` is a ceiling: a scan recorded at more than 1.5 x dpi is scaled down to dpi,
    so a 600 dpi scan reaches OCR at 300 dpi."""
    limits = limits or Limits()
    formats = FORMATS.get(mime_type) if mime_type else list(itertools.chain(*FORMATS.values()))
    result = []
    with open_image(data, limits, formats) as image:
        for n in pages:
            try:
                image.seek(n)
            except EOFError:
                raise ValueError(f"the image has no page {n}") from None
            _load_frame(image, n, limits)
            page = to_rgb(ImageOps.exif_transpose(image))
            scanned_dpi = float((image.info.get("dpi") or (0, 0))[0] or 0)
            if scanned_dpi > dpi * 1.5:
                scale = dpi / scanned_dpi
                size = (max(1, round(page.width * scale)), max(1, round(page.height * scale)))
                page = page.resize(size, Image.Resampling.LANCZOS)
            result.append(PageImage(number=n, image=page))
    return result
