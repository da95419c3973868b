"""Text from a version's file, for comparing versions (and, later, for search). The ingest
pipeline grows this into one extractor per format; here: plain text and PDF text layers."""

import io
import re
import unicodedata

from pypdf import PdfReader
from pypdf.errors import PdfReadError

TEXT_MIME_TYPES = {"text/plain", "text/csv", "text/markdown"}


class ExtractionError(Exception):
    pass


def normalise(text: str) -> str:
    """NFKC, no NULs (pypdf puts them before CJK characters), tidy whitespace per line."""
    text = unicodedata.normalize("NFKC", text.replace("\x00", ""))
    lines = (re.sub(r"[ \t\f\v]+", " ", line).strip() for line in text.splitlines())
    return "\n".join(lines).strip()


def decode_text(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def extract_text(data: bytes, mime_type: str) -> str | None:
    """The file's text, or None when the format carries none that Docket can read yet."""
    if mime_type in TEXT_MIME_TYPES or mime_type.startswith("text/"):
        return normalise(decode_text(data))
    if mime_type == "application/pdf":
        try:
            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise ExtractionError("the PDF is password-protected")
            return normalise("\n".join(page.extract_text() or "" for page in reader.pages))
        except (PdfReadError, ValueError, KeyError, TypeError) as exc:
            raise ExtractionError(f"the PDF cannot be read: {exc}") from exc
    return None
