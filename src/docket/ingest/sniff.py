"""What a file is, by its content: libmagic, refined where libmagic is coarse.

- Zip containers are told apart by their members: DOCX/XLSX/PPTX by [Content_Types].xml and
  their main folder, OFD by OFD.xml at the root; other zips stay "application/zip".
- EML by its header block, which libmagic misses when the first header is an unusual one.
- CSV vs plain text by a consistent delimiter over the first lines (libmagic's answer changes
  between versions). The filename is only a tie-breaker here: any text is a valid one-column
  CSV, so a text file named .csv is text/csv.
- Chinese text in GB18030 that libmagic calls binary is text if it decodes cleanly.

The extension never overrides the content: a PDF named 合同.docx is application/pdf.
"""

import csv
import io
import re
import zipfile

import magic

from docket.ingest.parsers import DOCX, PPTX, XLSX

__all__ = ["sniff"]

HEAD = 1 << 16  # libmagic needs only the start; this keeps it off a 1 GB upload
ZIP_TYPES = {"application/zip", "application/x-zip-compressed", "application/octet-stream"}
OOXML_FOLDERS = {"word/": DOCX, "xl/": XLSX, "ppt/": PPTX}
MAIL_HEADERS = {
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "received",
    "return-path",
    "mime-version",
    "cc",
    "reply-to",
    "sender",
    "delivered-to",
    "x-mailer",
}
HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?.*$")  # RFC 5322 field name: printable, no colon


def _zip_type(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return "application/zip"  # a damaged zip: the archive parser says what is wrong
    lower = {name.lower() for name in names}
    if "ofd.xml" in lower:
        return "application/ofd"
    if "[content_types].xml" in lower:
        for folder, mime_type in OOXML_FOLDERS.items():
            if any(name.startswith(folder) for name in lower):
                return mime_type
    return "application/zip"


def _is_email(head: bytes) -> bool:
    """A header block: every line a field or a folded continuation, up to a blank line, with
    From and at least two other mail headers."""
    block = head.replace(b"\r\n", b"\n").split(b"\n\n", 1)
    if len(block) < 2:
        return False
    names: set[str] = set()
    for line in block[0].split(b"\n"):
        if line[:1] in (b" ", b"\t") and names:
            continue
        if not HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].decode("ascii").lower())
    return "from" in names and len(names & MAIL_HEADERS) >= 3


def _decode(head: bytes) -> str | None:
    """The start of a file as text (UTF-8, else GB18030), or None if it is not text."""
    if b"\x00" in head:
        return None
    sample = head[: len(head) - 4] if len(head) == HEAD else head  # may end mid-character
    for encoding in ("utf-8", "gb18030"):
        try:
            text = sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f")
        return text if controls <= len(text) // 100 else None
    return None


def _is_csv(head: bytes, filename: str) -> bool:
    """Three or more lines with the same number (> 1) of fields. Any text is a valid one-column
    CSV, so a name ending in .csv settles it."""
    if filename.lower().endswith(".csv"):
        return True
    # Decoded first: a GBK character's second byte can be "|" (0x7C).
    text = _decode(head) or ""
    lines = [line for line in text.splitlines()[:21] if line.strip()]
    if len(head) == HEAD:
        lines = lines[:-1]  # the last line may be cut off
    if len(lines) < 3:  # "Dear Mr Li,\nThanks, Zhang" is not a table
        return False
    for delimiter in (",", "\t", ";", "|"):
        counts = {len(row) for row in csv.reader(lines, delimiter=delimiter)}
        if len(counts) == 1 and counts.pop() > 1:
            return True
    return False


def sniff(data: bytes, filename: str = "") -> str:
    """The MIME type of `data`, decided by content; `filename` only breaks a CSV/text tie."""
    head = data[:HEAD]
    if not data:
        return "application/x-empty"
    start = head[:1024].find(b"%PDF-")  # libmagic wants it at byte 0; readers allow 1 KiB
    zipped = head.startswith((b"PK\x03\x04", b"PK\x05\x06"))  # a stored member may be a PDF
    if start == 0 or (start > 0 and not zipped and b"%%EOF" in data[-2048:]):
        return "application/pdf"
    mime_type = magic.from_buffer(head, mime=True)
    if mime_type == "application/pdf":  # libmagic also says so of text that mentions %PDF-
        mime_type = "text/plain" if _decode(head) is not None else "application/octet-stream"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")) and mime_type in ZIP_TYPES | set(
        OOXML_FOLDERS.values()
    ):
        return _zip_type(data)
    if mime_type in {"message/rfc822", "message/news"} or _is_email(head):
        return "message/rfc822"
    if mime_type.startswith("text/") and mime_type not in {"text/plain", "text/csv"}:
        return mime_type  # html, xml, ... as libmagic sees them
    if mime_type in {"text/plain", "text/csv"} or (
        mime_type == "application/octet-stream" and _decode(head) is not None
    ):
        return "text/csv" if _is_csv(head, filename) else "text/plain"
    return mime_type
