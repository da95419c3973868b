"""A small picture of a document's first page, for lists and the document page.

WebP (lossy, quality 80): a 300 px A4 page of text is ~7 kB where PNG is ~37 kB (measured),
and every browser in use shows it. PDFs are rendered by pdftoppm at about twice the width and
scaled down (sharper text than rendering at the final size); images are decoded at reduced
size where the format allows (JPEG's draft mode), so a 40-megapixel photo costs little.

None for formats with no page to draw: text, email, Office files, zips, and an OFD whose first
page is not a scan (no OFD renderer is packaged for Debian or PyPI).
"""

import io
from typing import TYPE_CHECKING

from PIL import Image, ImageOps

from docket.ingest.parsers import Limits
from docket.ingest.parsers import image as image_parser
from docket.ingest.parsers import ofd as ofd_parser
from docket.ingest.parsers import pdf as pdf_parser

if TYPE_CHECKING:
    from docket.documents.models import Version

__all__ = ["make_thumbnail", "thumbnail_for"]

QUALITY = 80
MAX_ASPECT = 4  # a long receipt's thumbnail is cut at 4 x its width, not 20 x


def _encode(page: Image.Image, width: int) -> bytes:
    page = image_parser.to_rgb(page)
    height = min(round(page.height * width / page.width), width * MAX_ASPECT)
    if page.height * width / page.width > width * MAX_ASPECT:  # keep the top of a tall page
        page = page.crop((0, 0, page.width, round(page.width * MAX_ASPECT)))
    page = page.resize((width, max(1, height)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    page.save(out, "WEBP", quality=QUALITY, method=4)
    return out.getvalue()


def _pdf_first_page(data: bytes, width: int, password: str | None) -> Image.Image:
    points_wide, _ = pdf_parser.page_size(data, 0, password)
    dpi = max(10.0, 2 * width * 72 / max(points_wide, 1.0))
    return pdf_parser.render_pages(data, [0], dpi=dpi, password=password)[0].image


def _image_first_page(data: bytes, width: int, mime_type: str) -> Image.Image:
    limits = Limits()
    with image_parser.open_image(data, limits, image_parser.FORMATS.get(mime_type)) as image:
        try:
            if image.format == "JPEG":
                image.draft("RGB", (width * 2, width * 2))  # decode at 1/2..1/8 scale
            with image_parser.quiet_pillow():
                image.load()
        except image_parser.READ_ERRORS as exc:
            raise image_parser.damaged(exc) from None
        return ImageOps.exif_transpose(image)


def make_thumbnail(
    data: bytes, mime_type: str, *, width: int = 300, password: str | None = None
) -> bytes | None:
    """WebP bytes `width` pixels wide, or None for a format without a first page to draw.
    Raises the parsers' IngestErrors for a damaged, locked or oversized file."""
    if mime_type == "application/pdf":
        return _encode(_pdf_first_page(data, width, password), width)
    if mime_type in image_parser.FORMATS:
        return _encode(_image_first_page(data, width, mime_type), width)
    if mime_type == "application/ofd":  # only a scanned first page has a picture to show
        pages = ofd_parser.render_pages(data, [0], dpi=2 * width / 8.27)
        return _encode(pages[0].image, width) if pages else None
    return None


def thumbnail_for(version: "Version") -> bytes | None:
    """The version's thumbnail, made once and kept in the blob store (named on the version).
    None for formats without pages, and for files that cannot be drawn."""
    from docket.documents.models import Version
    from docket.ingest.types import IngestError
    from docket.storage.blobstore import get_blob_store

    store = get_blob_store()
    if version.thumbnail_sha256 and store.exists(version.thumbnail_sha256):
        return store.read_bytes(version.thumbnail_sha256)
    try:
        image = make_thumbnail(store.read_bytes(version.sha256), version.mime_type)
    except IngestError:
        return None
    if image is None:
        return None
    stored = store.put(io.BytesIO(image))
    Version.objects.filter(pk=version.pk).update(thumbnail_sha256=stored.sha256)
    version.thumbnail_sha256 = stored.sha256
    return image
