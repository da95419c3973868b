"""OFD (GB/T 33190-2016, China's fixed-layout format: e-invoices, official documents).

An OFD file is a zip of XML: OFD.xml names each document's Document.xml (DocBody/DocRoot),
which lists its pages in order (Pages/Page@BaseLoc) and the template pages they draw on
(CommonData/TemplatePage). Text sits in TextObject/TextCode elements with positions in mm.
Fragments of a page and of its templates are merged and laid out by position, line by line,
because an e-invoice keeps its labels ("名称:") in the template and the values in the page:
read separately, label and value would never meet on one line.

A scanned OFD (an archive's digitised paper) has pages that are one picture each: such a page
is listed for OCR and render_pages hands over that picture (ImageObject -> MultiMedia in the
document's resource files). Pages drawn from text and vector paths cannot be rendered: no OFD
renderer ships in Debian or PyPI.
XML with a DTD is refused (OFD never needs one): no entity expansion, no external entities.
"""

import posixpath
import re
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils.translation import gettext_noop as _
from PIL import Image

from docket.core.notices import Notice
from docket.documents.text import normalise
from docket.ingest.parsers import Limits, needs_ocr
from docket.ingest.parsers import image as image_parser
from docket.ingest.parsers.archive import ZipBudget, damaged, open_zip
from docket.ingest.types import CorruptFile, LimitExceeded, PageImage, Parsed

__all__ = ["parse", "render_pages"]

LINE_TOLERANCE_MM = 1.5  # fragments whose baselines differ less than this share a line
WHAT = Notice(_("the OFD file"))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in element.iter() if _local(e.tag) == name]


def _floats(value: str | None, count: int) -> list[float]:
    try:
        numbers = [float(v) for v in (value or "").split()]
    except ValueError:
        numbers = []
    return (numbers + [0.0] * count)[:count]


class _Package:
    def __init__(self, zf: zipfile.ZipFile, budget: ZipBudget) -> None:
        self.zf = zf
        self.budget = budget
        self.names = {info.filename.lower(): info for info in zf.infolist()}

    def resolve(self, base_dir: str, loc: str) -> str | None:
        """A BaseLoc: relative to the referring file's folder, or absolute from the root
        ("/Doc_0/..."); some producers write root-relative paths without the slash."""
        loc = loc.strip().replace("\\", "/")
        if loc.startswith("/"):
            candidates = [loc.lstrip("/")]
        else:
            candidates = [posixpath.normpath(posixpath.join(base_dir, loc)), loc]
        return next((c for c in candidates if c.lower() in self.names), None)

    def read(self, path: str) -> bytes:
        info = self.names.get(path.lower())
        if info is None:
            raise CorruptFile(
                Notice(_("the OFD file is incomplete: %(path)s is missing"), path=path)
            )
        return self.budget.read(self.zf, info)

    def xml(self, path: str) -> ET.Element:
        raw = self.read(path)
        if re.search(rb"<!(DOCTYPE|ENTITY)", raw, flags=re.I):
            raise CorruptFile(
                Notice(_("the OFD file has a DTD in %(path)s, which OFD does not allow"), path=path)
            )
        try:
            return ET.fromstring(raw)
        except ET.ParseError as exc:
            raise damaged(WHAT, f"{path}: {exc}") from None


def _fragments(page: ET.Element) -> list[tuple[float, float, str]]:
    """(y, x, text) of every TextCode, in page coordinates (mm)."""
    found = []
    for obj in _children(page, "TextObject"):
        left, top, _, _ = _floats(obj.get("Boundary"), 4)
        for code in _children(obj, "TextCode"):
            if code.text and code.text.strip():
                x, y = _floats(code.get("X"), 1)[0], _floats(code.get("Y"), 1)[0]
                found.append((top + y, left + x, code.text))
    return found


def _lay_out(fragments: list[tuple[float, float, str]]) -> str:
    lines: list[list[tuple[float, float, str]]] = []
    for fragment in sorted(fragments):
        if lines and fragment[0] - lines[-1][0][0] <= LINE_TOLERANCE_MM:
            lines[-1].append(fragment)
        else:
            lines.append([fragment])
    return "\n".join(
        " ".join(text for _, _, text in sorted(line, key=lambda f: f[1])) for line in lines
    )


@dataclass
class _Page:
    text: str
    picture: str | None = None  # package path of the page's largest image (a scan)
    picture_mm: tuple[float, float] = (0.0, 0.0)  # its width and height on the page


def _media(pkg: _Package, document: ET.Element, base: str) -> dict[str | None, str]:
    """MultiMedia ID -> package path, from the document's resource files (Res@BaseLoc is
    relative to the resource file, MediaFile relative to that)."""
    found: dict[str | None, str] = {}
    for ref in _children(document, "PublicRes") + _children(document, "DocumentRes"):
        res_path = pkg.resolve(base, ref.text or "")
        if res_path is None:
            continue
        res = pkg.xml(res_path)
        res_base = posixpath.join(posixpath.dirname(res_path), res.get("BaseLoc", ""))
        for media in _children(res, "MultiMedia"):
            file = next((e.text for e in _children(media, "MediaFile") if e.text), None)
            path = pkg.resolve(res_base, file) if file else None
            if path is not None:
                found[media.get("ID")] = path
    return found


def _picture(page: ET.Element, media: dict[str | None, str], into: _Page) -> None:
    area = 0.0
    for obj in _children(page, "ImageObject"):
        _, _, width, height = _floats(obj.get("Boundary"), 4)
        path = media.get(obj.get("ResourceID"))
        if path is not None and width * height >= area:
            area, into.picture, into.picture_mm = width * height, path, (width, height)


def _document(pkg: _Package, doc_path: str, limits: Limits, pages: list[_Page]) -> None:
    document = pkg.xml(doc_path)
    base = posixpath.dirname(doc_path)
    templates = {t.get("ID"): t.get("BaseLoc", "") for t in _children(document, "TemplatePage")}
    page_refs = [p for p in _children(document, "Page") if p.get("BaseLoc")]
    if len(pages) + len(page_refs) > limits.max_pages:
        raise LimitExceeded(
            Notice(_("the OFD file has more than %(limit)s pages"), limit=limits.max_pages)
        )
    media = _media(pkg, document, base)
    for ref in page_refs:
        path = pkg.resolve(base, ref.get("BaseLoc", ""))
        if path is None:
            raise CorruptFile(
                Notice(
                    _("the OFD file is incomplete: page %(path)s is missing"),
                    path=ref.get("BaseLoc"),
                )
            )
        page = pkg.xml(path)
        fragments = _fragments(page)
        for use in _children(page, "Template"):
            template_path = pkg.resolve(base, templates.get(use.get("TemplateID"), "") or "")
            if template_path:
                fragments += _fragments(pkg.xml(template_path))
        pages.append(_Page(text=normalise(_lay_out(fragments))))
        _picture(page, media, pages[-1])


@contextmanager
def _package(data: bytes, limits: Limits) -> Iterator[tuple[_Package, list[_Page], str]]:
    """The open package, its pages in order, and its title."""
    with open_zip(data, WHAT) as zf:
        budget = ZipBudget(limits, len(data), WHAT)
        budget.check_declared(zf)
        pkg = _Package(zf, budget)
        root_path = pkg.resolve("", "OFD.xml")
        if root_path is None:
            raise CorruptFile(Notice(_("the OFD file has no OFD.xml")))
        root = pkg.xml(root_path)
        pages: list[_Page] = []
        title = ""
        for body in _children(root, "DocBody"):
            doc_root = next((e.text for e in _children(body, "DocRoot") if e.text), None)
            doc_path = pkg.resolve("", doc_root) if doc_root else None
            if doc_path is None:
                raise CorruptFile(Notice(_("the OFD file names no Document.xml that it contains")))
            _document(pkg, doc_path, limits, pages)
            title = title or next((normalise(e.text or "") for e in _children(body, "Title")), "")
        if not pages:
            raise CorruptFile(Notice(_("the OFD file has no pages")))
        yield pkg, pages, title


def parse(
    data: bytes,
    mime_type: str = "application/ofd",
    *,
    limits: Limits | None = None,
    password: str | None = None,
) -> Parsed:
    """Text per page ("\f" between pages); a page with (almost) no text but a picture is a
    scan and is listed for OCR."""
    with _package(data, limits or Limits()) as (_, pages, title):
        joined = "\f".join(page.text for page in pages)
        return Parsed(
            text=joined if joined.strip("\f") else "",
            page_count=len(pages),
            pages_without_text=[
                n for n, page in enumerate(pages) if page.picture and needs_ocr(page.text)
            ],
            title=title,
        )


def render_pages(
    data: bytes,
    pages: list[int],
    dpi: float = 300,
    password: str | None = None,
    *,
    limits: Limits | None = None,
) -> list[PageImage]:
    """The scanned picture of each given page that has one (pages drawn only from text and
    vector paths are not rendered: there is no OFD renderer to be had). `dpi` is a ceiling."""
    limits = limits or Limits()
    result = []
    with _package(data, limits) as (pkg, found, _):
        for n in pages:
            if not 0 <= n < len(found):
                raise ValueError(f"{WHAT} has no page {n} (it has {len(found)})")
            page = found[n]
            if page.picture is None:
                continue
            raw = pkg.read(page.picture)
            (picture,) = image_parser.render_pages(raw, [0], dpi=10**6, limits=limits)
            image = picture.image
            inches = page.picture_mm[0] / 25.4
            if inches > 0 and image.width / inches > dpi * 1.5:
                scale = dpi * inches / image.width
                size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
                image = image.resize(size, Image.Resampling.LANCZOS)
            result.append(PageImage(number=n, image=image))
    return result
