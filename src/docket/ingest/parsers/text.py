"""Plain text, CSV, Markdown and HTML: decoded as UTF-8, else GB18030 (what Chinese Windows
writes as "ANSI"), then normalised. HTML loses its tags."""

from docket.documents.text import decode_text, normalise
from docket.ingest.parsers import Limits
from docket.ingest.types import Parsed

__all__ = ["parse"]


def parse(
    data: bytes, mime_type: str, *, limits: Limits | None = None, password: str | None = None
) -> Parsed:
    text = decode_text(data)
    if mime_type == "text/html":
        from docket.ingest.parsers.email import html_to_text

        text = html_to_text(text)
    return Parsed(text=normalise(text))
