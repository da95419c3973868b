"""The mailbox source: fetch messages and their attachments from an IMAP folder (imaplib).

Contract with the caller: `fetch_new_messages` changes nothing on the server (the folder is
opened read-only and bodies are read with BODY.PEEK, so nothing becomes \\Seen). The caller
files each message's documents and, only once that transaction has committed, calls
`mark_processed` with the UIDs (and the UIDVALIDITY it was given). A crash in between means
the message is fetched again next time (duplicates are caught by SHA-256 downstream), never
that a message is lost.

Which messages are new: with a processed folder, every message still in the watched folder
(people also read this mailbox in their own mail client, so \\Seen alone proves nothing);
without one, the UNSEEN messages, and marking only sets \\Seen.

Which parts are attachments: anything with Content-Disposition: attachment; a part with a file
name (Apple Mail sends photos as inline parts with a name); a forwarded message/rfc822 kept
whole as .eml. Skipped: body text, the images an HTML body embeds (the non-first parts of a
multipart/related) and S/MIME or PGP signatures.
"""

import email
import email.header
import email.utils
import imaplib
import mimetypes
import re
import socket
import ssl
from base64 import b64encode
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message

from docket.documents.filenames import safe_filename
from docket.ingest.types import ChildFile

DEFAULT_TIMEOUT = 30.0
# Mail labelled GB2312 very often carries GBK characters (e.g. 喆, 镕); GB18030 is a superset
# of both, so decoding with it loses nothing.
_CHARSET_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}
_SIGNATURES = {f"application/{s}-signature" for s in ("pkcs7", "x-pkcs7", "pgp")}


class MailboxError(Exception):
    """The mailbox cannot be read or updated; `reason` is a sentence for the person who set it
    up (wrong password, unreachable server, missing folder)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class MailboxConfig:
    host: str
    port: int
    username: str
    password: str
    folder: str = "INBOX"
    use_ssl: bool = False
    starttls: bool = False
    processed_folder: str | None = "Docket/Processed"
    timeout: float = DEFAULT_TIMEOUT  # seconds, for connecting and for every reply


@dataclass
class FetchedMessage:
    uid: int
    uidvalidity: int  # UIDs mean something only together with this
    message_id: str
    sender: str  # address, lower case
    sender_name: str
    subject: str
    date: datetime | None  # the Date header, else the server's arrival time
    eml: bytes  # the whole message as the server stores it
    attachments: list[ChildFile] = field(default_factory=list)


def fetch_new_messages(config: MailboxConfig, *, limit: int = 100) -> list[FetchedMessage]:
    """The oldest `limit` new messages of the folder (see the module docstring)."""
    criteria = "UNDELETED" if config.processed_folder else "UNSEEN UNDELETED"
    messages: list[FetchedMessage] = []
    with _session(config, readonly=True) as (imap, uidvalidity):
        uids = sorted(int(u) for u in _ok(imap.uid("SEARCH", criteria), "search")[0].split())
        for uid in uids[: max(limit, 0)]:
            data = _ok(imap.uid("FETCH", str(uid), "(INTERNALDATE BODY.PEEK[])"), "fetch")
            raw = next((item[1] for item in data if isinstance(item, tuple)), None)
            if raw is None:  # expunged by another client since the search
                continue
            meta = b" ".join(i[0] if isinstance(i, tuple) else i for i in data if i is not None)
            arrived = re.search(rb'INTERNALDATE "([^"]+)"', meta)
            messages.append(
                parse_message(raw, uid, uidvalidity, arrived.group(1).decode() if arrived else "")
            )
    return messages


def mark_processed(
    config: MailboxConfig, uids: Sequence[int], *, uidvalidity: int | None = None
) -> None:
    """Flag the messages \\Seen and move them to the processed folder (created if missing)."""
    if not uids:
        return
    uid_set = ",".join(str(int(u)) for u in sorted(set(uids)))
    with _session(config, readonly=False) as (imap, current):
        if uidvalidity is not None and uidvalidity != current:
            # The server renumbered the folder: these UIDs may now name other messages.
            raise MailboxError(
                f"The folder {config.folder} was rebuilt on the server since it was read; "
                "fetch the messages again."
            )
        _ok(imap.uid("STORE", uid_set, "+FLAGS.SILENT", "(\\Seen)"), "flag the messages")
        if not config.processed_folder:
            return
        target = quote_mailbox(_server_name(imap, config.processed_folder))
        if imap.create(target)[0] == "OK":  # NO when it exists already, which is fine
            imap.subscribe(target)  # so that it shows in people's mail clients
        caps = _capabilities(imap)
        if "MOVE" in caps:
            _ok(imap.uid("MOVE", uid_set, target), f"move messages to {config.processed_folder}")
            return
        _ok(imap.uid("COPY", uid_set, target), f"copy messages to {config.processed_folder}")
        _ok(imap.uid("STORE", uid_set, "+FLAGS.SILENT", "(\\Deleted)"), "flag the messages")
        # UID EXPUNGE removes only ours; a plain EXPUNGE would also remove messages someone
        # else flagged \Deleted, but is all a server without UIDPLUS offers.
        _ok(imap.uid("EXPUNGE", uid_set) if "UIDPLUS" in caps else imap.expunge(), "expunge")


def parse_message(
    raw: bytes, uid: int = 0, uidvalidity: int = 0, arrived: str = ""
) -> FetchedMessage:
    msg = email.message_from_bytes(raw)
    name, address = email.utils.parseaddr(_fix_raw(_header(msg, "From")))
    return FetchedMessage(
        uid=uid,
        uidvalidity=uidvalidity,
        message_id=_header(msg, "Message-ID").strip(),
        sender=address.strip().lower(),
        sender_name=decode_header_text(name),
        subject=decode_header_text(_header(msg, "Subject")),
        date=_date(_header(msg, "Date"), arrived),
        eml=raw,
        attachments=attachments(msg),
    )


def attachments(msg: Message) -> list[ChildFile]:
    found: list[ChildFile] = []

    def visit(part: Message, embedded: bool) -> None:
        ctype = part.get_content_type()
        name = _filename(part)
        if ctype == "message/rfc822" and part.is_multipart():
            inner = part.get_payload(0)
            # Re-serialised (the parser keeps no raw bytes), with CRLF as on the wire.
            data = inner.as_bytes(policy=inner.policy.clone(linesep="\r\n"))
            base = name or decode_header_text(_header(inner, "Subject")) or "message"
            found.append(ChildFile(safe_filename(base.removesuffix(".eml") + ".eml"), data))
        elif part.is_multipart():
            related = ctype == "multipart/related"
            for i, sub in enumerate(part.get_payload()):
                # In multipart/related the first part is the body; the rest are what it embeds.
                visit(sub, embedded or (related and i > 0))
        elif ctype in _SIGNATURES:
            return
        elif part.get_content_disposition() == "attachment" or (name and not embedded):
            ext = mimetypes.guess_extension(ctype) or ".bin"
            fallback = f"attachment-{len(found) + 1}{ext}"
            data = part.get_payload(decode=True) or b""
            found.append(ChildFile(safe_filename(name or fallback, fallback=fallback), data))

    visit(msg, False)
    return found


def decode_header_text(value: object) -> str:
    """An RFC 2047 header (=?UTF-8?B?…?=, =?GB2312?B?…?=) or raw 8-bit bytes, as text."""
    if not value:
        return ""
    # Unfold (RFC 5322 2.2.3) first: decode_header works line by line.
    text = re.sub(r"\r?\n(?=[ \t])", "", _fix_raw(str(value)))
    parts = []
    for chunk, charset in email.header.decode_header(text):
        if isinstance(chunk, str):
            parts.append(chunk)
        elif charset is None:  # decode_header gives unencoded text back this way
            parts.append(chunk.decode("raw-unicode-escape"))
        else:
            parts.append(_decode(chunk, charset))
    return "".join(parts)


def quote_mailbox(name: str) -> str:
    """A folder name as an IMAP argument: modified UTF-7 (RFC 3501 5.1.3), then quoted."""
    out: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            b64 = b64encode("".join(pending).encode("utf-16-be")).decode().rstrip("=")
            out.append("&" + b64.replace("/", ",") + "-")
            pending.clear()

    for ch in name:
        if " " <= ch <= "~":
            flush()
            out.append("&-" if ch == "&" else ch)
        else:
            pending.append(ch)
    flush()
    encoded = "".join(out).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{encoded}"'


@contextmanager
def _session(config: MailboxConfig, *, readonly: bool) -> Iterator[tuple[imaplib.IMAP4, int]]:
    where = f"{config.host}:{config.port}"
    try:
        if config.use_ssl:
            imap: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                config.host, config.port, ssl_context=ssl.create_default_context(),
                timeout=config.timeout,
            )  # fmt: skip
        else:
            imap = imaplib.IMAP4(config.host, config.port, timeout=config.timeout)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"Cannot connect to the mail server {where}: {_why(exc)}.") from exc
    try:
        try:
            if config.starttls and not config.use_ssl:
                imap.starttls(ssl.create_default_context())
        except (OSError, imaplib.IMAP4.error) as exc:
            raise MailboxError(f"STARTTLS with {where} failed: {_why(exc)}.") from exc
        try:
            if (config.username + config.password).isascii():
                imap.login(config.username, config.password)
            else:  # LOGIN is ASCII-only in imaplib; SASL PLAIN carries UTF-8 (RFC 4616)
                creds = f"\0{config.username}\0{config.password}".encode()
                imap.authenticate("PLAIN", lambda _challenge: creds)
        except imaplib.IMAP4.error as exc:
            raise MailboxError(
                f"The mail server {where} rejected the user name or password for "
                f"{config.username} ({_why(exc)})."
            ) from exc
        typ, data = imap.select(quote_mailbox(config.folder), readonly=readonly)
        if typ != "OK":
            raise MailboxError(
                f"The folder {config.folder} does not exist on {where} ({_why(data)})."
            )
        uidvalidity = int((imap.response("UIDVALIDITY")[1] or [b"0"])[-1])
        yield imap, uidvalidity
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailboxError(f"The mail server {where} failed: {_why(exc)}.") from exc
    finally:
        with suppress(OSError, imaplib.IMAP4.error):
            imap.logout()


def _header(msg: Message, name: str) -> str:
    # raw_items, not get(): get() turns raw 8-bit header bytes into U+FFFD for good.
    wanted = name.lower()
    return next((str(v) for k, v in msg.raw_items() if k.lower() == wanted), "")


def _ok(result: tuple[str, list], what: str) -> list:
    typ, data = result
    if typ != "OK":
        raise MailboxError(f"The mail server refused to {what}: {_why(data)}.")
    return data


def _capabilities(imap: imaplib.IMAP4) -> set[str]:
    # Asked after login: servers announce MOVE/UIDPLUS only to authenticated clients.
    data = _ok(imap.capability(), "list its capabilities")
    return {c.upper() for c in b" ".join(data).decode("ascii", "replace").split()}


def _server_name(imap: imaplib.IMAP4, name: str) -> str:
    """`Docket/Processed` with the server's own hierarchy separator (`.` on Courier, Cyrus)."""
    data = _ok(imap.list('""', '""'), "list folders")
    found = re.match(rb'\([^)]*\) "(.)"', data[0] or b"")
    return name.replace("/", found.group(1).decode()) if found else name


_PLAIN_REASONS = {
    TimeoutError: "no answer in time",  # socket.timeout is TimeoutError since 3.10
    ConnectionRefusedError: "connection refused",
    socket.gaierror: "unknown host name",
}


def _why(problem: object) -> str:
    """A short reason from an exception or from a server's NO/BAD reply lines."""
    for kind, reason in _PLAIN_REASONS.items():
        if isinstance(problem, kind):
            return reason
    if isinstance(problem, list):
        return b" ".join(d for d in problem if isinstance(d, bytes)).decode("utf-8", "replace")
    # imaplib puts the server's reply in its exceptions as the repr of bytes: b'...'
    return re.sub(r"^b'(.*)'$", r"\1", str(problem)) or type(problem).__name__


def _fix_raw(text: str) -> str:
    """Headers with raw 8-bit bytes (against the RFCs, common in Chinese mail) reach us as
    surrogate escapes; they are UTF-8 or, failing that, GBK."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    raw = text.encode("utf-8", "surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("gb18030", "replace")


def _decode(data: bytes, charset: str | None) -> str:
    name = (charset or "utf-8").strip().lower()
    try:
        return data.decode(_CHARSET_ALIASES.get(name, name), "replace")
    except LookupError:  # a charset Python does not know
        return data.decode("utf-8", "replace")


def _filename(part: Message) -> str:
    raw: str | tuple | None = None
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        # Parsed from a copy holding the repaired raw header: part.get_param() would see raw
        # 8-bit names (filename="报价单.pdf" in GBK, as many clients send) as U+FFFD.
        probe = Message()
        probe[header] = _fix_raw(_header(part, header))
        if raw := probe.get_param(param, header=header):
            break
    if isinstance(raw, tuple):  # RFC 2231: (charset, language, %-decoded bytes as text)
        charset, _language, value = raw
        return _decode(value.encode("raw-unicode-escape"), charset)
    # Outlook, Foxmail and others put RFC 2047 words in the parameter (filename="=?GBK?B?…?=")
    return decode_header_text(raw) if raw else ""


def _date(header: object, arrived: str) -> datetime | None:
    with suppress(TypeError, ValueError, IndexError):
        return email.utils.parsedate_to_datetime(str(header))
    with suppress(ValueError):
        return datetime.strptime(arrived, "%d-%b-%Y %H:%M:%S %z")
    return None
