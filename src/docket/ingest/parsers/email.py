"""EML (RFC 5322 messages): the headers people search by, the body as text (text/plain, else
the HTML part without its tags), and every attachment as a child file.

Chinese mail is often mislabelled: GB2312 declared for text that uses GBK characters, or raw
GBK bytes in headers with no encoding at all. GB2312 and GBK are read as GB18030 (a superset),
and undeclared 8-bit text falls back to decode_text (UTF-8, else GB18030).
"""

import email.utils
import mimetypes
import re
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from html.parser import HTMLParser

from docket.documents.filenames import safe_filename
from docket.documents.text import decode_text, normalise
from docket.ingest.parsers import Limits
from docket.ingest.types import ChildFile, Parsed

__all__ = ["parse", "html_to_text"]

HEADERS = ("From", "To", "Cc", "Subject", "Date")
GB_CHARSETS = {"gb2312", "gbk", "gb_2312-80", "x-gbk", "euc-cn", "cp936", "hz-gb-2312"}
BLOCK_TAGS = {"p", "div", "br", "tr", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6"}


class _TextOfHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in {"script", "style", "head", "title"}:
            self.skip += 1
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")
        elif tag in {"td", "th"}:
            self.parts.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head", "title"}:
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def _header(message: Message, name: str) -> str:
    raw = next((v for k, v in message.raw_items() if k.lower() == name.lower()), None)
    if raw is None:
        return ""
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        # Raw 8-bit bytes (GBK from an old client), which the email package would turn into
        # U+FFFD: decode the bytes themselves.
        return " ".join(decode_text(raw.encode("ascii", "surrogateescape")).split())
    try:
        return str(message.get(name)).strip()
    except (ValueError, TypeError, IndexError):  # a header the parser cannot make sense of
        return " ".join(raw.split())


def _payload(part: Message) -> bytes:
    payload = part.get_payload(decode=True)
    return payload if isinstance(payload, bytes) else b""


def _decoded(part: Message) -> str:
    payload = _payload(part)
    charset = (part.get_content_charset() or "").lower()
    charset = "gb18030" if charset in GB_CHARSETS else charset
    if charset:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(payload)


def _leaves(part: Message) -> Iterator[Message]:
    """Leaf parts in order; an attached message is one leaf (it is filed as its own .eml)."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    for sub in part.get_payload():
        if isinstance(sub, Message):
            yield from _leaves(sub)


def _attachment(part: Message, n: int) -> ChildFile:
    name = part.get_filename() or ""
    if part.get_content_type() == "message/rfc822":
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        inner = inner if isinstance(inner, Message) else None
        data = inner.as_bytes() if inner is not None else b""
        subject = _header(inner, "Subject") if inner is not None else ""
        subject = re.sub(r"[/\\]", "_", subject)  # a subject is not a path
        name = name or f"{safe_filename(subject, fallback=f'message-{n}')}.eml"
    else:
        data = _payload(part)
        ext = mimetypes.guess_extension(part.get_content_type()) or ".bin"
        name = safe_filename(name, fallback=f"attachment-{n}") if name else f"attachment-{n}{ext}"
    return ChildFile(name=name, data=data)


def _date(message: Message) -> str:
    try:
        moment = email.utils.parsedate_to_datetime(_header(message, "Date"))
    except (TypeError, ValueError, IndexError):
        return ""
    # The date as the sender wrote it, in the sender's own time zone.
    return moment.date().isoformat() if moment else ""


def parse(
    data: bytes,
    mime_type: str = "message/rfc822",
    *,
    limits: Limits | None = None,
    password: str | None = None,
) -> Parsed:
    message: EmailMessage = BytesParser(policy=policy.default).parsebytes(data)  # type: ignore[assignment]
    if message.is_multipart():
        body = message.get_body(preferencelist=("plain", "html"))
        html = message.get_body(preferencelist=("html",))
    else:  # a single part: the body if it is text, else the one attachment
        body = message if message.get_content_maintype() == "text" else None
        html = None
    cids = set()
    if html is not None:  # pictures the HTML shows inline (logos, signatures), not attachments
        cids = set(re.findall(r"cid:([^\"'\s>]+)", _decoded(html), flags=re.I))
    texts: list[str] = []
    children: list[ChildFile] = []
    for part in _leaves(message):
        if part is body or part is html:
            continue
        content_id = (part.get("Content-ID") or "").strip("<> ")
        is_file = bool(part.get_filename()) or part.get_content_disposition() == "attachment"
        if content_id and content_id in cids:
            continue
        if is_file or part.get_content_maintype() != "text":  # a picture with no name, too
            children.append(_attachment(part, len(children) + 1))
        elif part.get_content_type() == "text/plain":  # a further inline text part
            texts.append(_decoded(part))
    if body is not None:
        text = _decoded(body)
        texts.insert(0, html_to_text(text) if body.get_content_type() == "text/html" else text)
    lines = [f"{name}: {value}" for name in HEADERS if (value := _header(message, name))]
    subject = _header(message, "Subject")
    return Parsed(
        text=normalise("\n".join(lines) + "\n\n" + "\n\n".join(texts)),
        title=normalise(subject),
        date=_date(message),
        children=children,
    )
