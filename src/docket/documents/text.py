"""Text normalisation shared by every extractor (docket.ingest.parsers) and by search."""

import re
import unicodedata


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
