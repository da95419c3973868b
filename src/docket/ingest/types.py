"""The contracts between the ingest pipeline's parts: what a parser returns, what the OCR engine
returns, and the errors that stop a document with a reason a person can act on.

Every reason is a short English sentence, a `core.notices.Notice`: the API and the CLI show it
as it is, the inbox shows it in the user's language next to the file."""

from dataclasses import dataclass, field

from PIL import Image


class IngestError(Exception):
    """The file cannot go further as it is. It is kept in the inbox with this reason (a Notice,
    so that a page can translate it: IngestJob.set_reason)."""

    code = "failed"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class CorruptFile(IngestError):
    code = "corrupt"


class NeedsPassword(IngestError):
    code = "needs_password"


class LimitExceeded(IngestError):
    """A bomb or an oversized file: too many pages, pixels, members or expanded bytes."""

    code = "limit_exceeded"


@dataclass(frozen=True)
class ChildFile:
    """A file found inside another: a zip member, an email attachment, a split batch part."""

    name: str
    data: bytes


@dataclass
class Parsed:
    """What a parser found in one file.

    text: the text layer, NFKC-normalised (docket.documents.text.normalise); "" when none.
    page_count: pages for paged formats (PDF, TIFF, OFD, PPTX slides), else None.
    pages_without_text: 0-based page numbers that need OCR (a scanned PDF page, an image).
    children: files inside this one that become documents of their own (zip, eml).
    title, date: metadata the format carries, if any (ISO date string).
    """

    text: str = ""
    page_count: int | None = None
    pages_without_text: list[int] = field(default_factory=list)
    children: list[ChildFile] = field(default_factory=list)
    title: str = ""
    date: str = ""


@dataclass(frozen=True)
class OcrPage:
    text: str
    confidence: float  # 0..1, the engine's mean over recognised lines
    rotation: int = 0  # degrees the page was turned to read it (0, 90, 180, 270)


@dataclass(frozen=True)
class PageImage:
    """One page rendered for OCR or barcode reading."""

    number: int  # 0-based
    image: Image.Image
