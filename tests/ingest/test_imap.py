"""The mailbox source against a real Dovecot (see imap_server.py). Every test works in folders
of its own, with Chinese names (so modified UTF-7 is exercised every time)."""

import base64
import io
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from urllib.parse import quote

import pytest
from PIL import Image

from docket.demo.pdfgen import make_pdf
from docket.ingest import imap as imap_module
from docket.ingest.imap import (
    MailboxConfig,
    MailboxError,
    fetch_new_messages,
    mark_processed,
    parse_message,
)

if TYPE_CHECKING:  # imported for real by pytest_plugins, which must see it first
    from tests.ingest.imap_server import ImapServer

pytest_plugins = ["tests.ingest.imap_server"]
pytestmark = pytest.mark.slow  # starts a Dovecot subprocess

CONTRACT = "购销合同.pdf"
SCAN = "发票扫描件.png"


@pytest.fixture
def mailbox(imap_server: "ImapServer") -> MailboxConfig:
    tag = uuid.uuid4().hex[:8]
    return MailboxConfig(
        host=imap_server.host,
        port=imap_server.port,
        username=imap_server.user,
        password=imap_server.password,
        folder=f"客户来信-{tag}",
        processed_folder=f"Docket/已处理-{tag}",
        timeout=10,
    )


def b64(data: bytes) -> str:
    text = base64.b64encode(data).decode()
    return "\r\n".join(text[i : i + 76] for i in range(0, len(text), 76))


def png_bytes(color: str = "red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(out, "PNG")
    return out.getvalue()


def chinese_email(pdf: bytes, png: bytes, logo: bytes) -> bytes:
    """Foxmail/Outlook-shaped: GBK subject labelled GB2312, an HTML body with an embedded logo,
    one file name in RFC 2231 form and one in RFC 2047 form."""
    subject = base64.b64encode("王喆的报价单与合同".encode("gbk")).decode()  # 喆 is GBK-only
    sender = base64.b64encode("张伟".encode()).decode()
    scan_name = base64.b64encode(SCAN.encode("gbk")).decode()
    html = base64.b64encode('<p>您好，附件是合同。</p><img src="cid:logo1">'.encode()).decode()
    lines = [
        f"From: =?UTF-8?B?{sender}?= <ZhangWei@Example.COM>",
        "To: docs@example.com",
        f"Subject: =?GB2312?B?{subject}?=",
        "Date: Tue, 03 Jan 2023 10:15:00 +0800",
        "Message-ID: <contract-1@example.com>",
        "MIME-Version: 1.0",
        'Content-Type: multipart/mixed; boundary="MIX"',
        "",
        "--MIX",
        'Content-Type: multipart/related; boundary="REL"',
        "",
        "--REL",
        "Content-Type: text/html; charset=utf-8",
        "Content-Transfer-Encoding: base64",
        "",
        html,
        "--REL",
        'Content-Type: image/png; name="logo.png"',
        "Content-Transfer-Encoding: base64",
        "Content-ID: <logo1>",
        'Content-Disposition: inline; filename="logo.png"',
        "",
        b64(logo),
        "--REL--",
        "--MIX",
        "Content-Type: application/pdf",
        "Content-Transfer-Encoding: base64",
        f"Content-Disposition: attachment; filename*=UTF-8''{quote(CONTRACT)}",
        "",
        b64(pdf),
        "--MIX",
        f'Content-Type: image/png; name="=?GBK?B?{scan_name}?="',
        "Content-Transfer-Encoding: base64",
        f'Content-Disposition: attachment; filename="=?GBK?B?{scan_name}?="',
        "",
        b64(png),
        "--MIX--",
        "",
    ]
    return "\r\n".join(lines).encode("ascii")


def simple_email(subject: str, body: str = "您好", n: int = 0) -> bytes:
    return (
        f"From: Li Na <lina@example.com>\r\nTo: docs@example.com\r\n"
        f"Subject: {subject}\r\nMessage-ID: <m{n}-{uuid.uuid4().hex}@example.com>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    ).encode()


def test_chinese_email_with_two_attachments(imap_server: "ImapServer", mailbox: MailboxConfig):
    pdf = make_pdf(["购销合同", "合同金额：¥128,000.00"])
    png, logo = png_bytes("red"), png_bytes("blue")
    raw = chinese_email(pdf, png, logo)
    imap_server.deliver(raw, mailbox.folder)

    [message] = fetch_new_messages(mailbox)

    assert message.subject == "王喆的报价单与合同"
    assert message.sender == "zhangwei@example.com"
    assert message.sender_name == "张伟"
    assert message.message_id == "<contract-1@example.com>"
    assert message.date == datetime(2023, 1, 3, 2, 15, tzinfo=UTC)
    assert message.eml == raw
    assert [(a.name, a.data) for a in message.attachments] == [(CONTRACT, pdf), (SCAN, png)]
    # fetching is read-only: the message is still unread for the people using the mailbox
    [(flags, _)] = imap_server.messages(mailbox.folder)
    assert b"\\Seen" not in flags


def test_marking_processed_moves_the_message(imap_server: "ImapServer", mailbox: MailboxConfig):
    imap_server.deliver(simple_email("报价单"), mailbox.folder)
    [message] = fetch_new_messages(mailbox)

    assert message.subject == "报价单"  # raw 8-bit UTF-8 header, as some clients send
    assert message.uidvalidity > 0
    mark_processed(mailbox, [message.uid], uidvalidity=message.uidvalidity)

    assert fetch_new_messages(mailbox) == []
    assert imap_server.messages(mailbox.folder) == []
    [(flags, raw)] = imap_server.messages(mailbox.processed_folder)
    assert raw == message.eml
    assert b"\\Seen" in flags


def test_marking_without_move_support_copies_and_expunges(
    imap_server: "ImapServer", mailbox: MailboxConfig, monkeypatch: pytest.MonkeyPatch
):
    real = imap_module._capabilities
    monkeypatch.setattr(imap_module, "_capabilities", lambda imap: real(imap) - {"MOVE"})
    imap_server.deliver(simple_email("one"), mailbox.folder)
    imap_server.deliver(simple_email("two"), mailbox.folder)
    first, second = fetch_new_messages(mailbox)

    mark_processed(mailbox, [first.uid])

    assert [m.subject for m in fetch_new_messages(mailbox)] == ["two"]
    [(_, raw)] = imap_server.messages(mailbox.processed_folder)
    assert raw == first.eml


def test_without_processed_folder_unseen_is_the_marker(
    imap_server: "ImapServer", mailbox: MailboxConfig
):
    mailbox.processed_folder = None
    imap_server.deliver(simple_email("未读"), mailbox.folder)
    [message] = fetch_new_messages(mailbox)
    mark_processed(mailbox, [message.uid])
    assert fetch_new_messages(mailbox) == []
    [(flags, _)] = imap_server.messages(mailbox.folder)
    assert b"\\Seen" in flags


def test_message_without_attachments_still_yields_its_eml(
    imap_server: "ImapServer", mailbox: MailboxConfig
):
    raw = simple_email("=?UTF-8?B?" + base64.b64encode("会议纪要".encode()).decode() + "?=")
    imap_server.deliver(raw, mailbox.folder)
    [message] = fetch_new_messages(mailbox)
    assert message.subject == "会议纪要"
    assert (message.sender, message.sender_name) == ("lina@example.com", "Li Na")
    assert message.eml == raw
    assert message.attachments == []


def test_forwarded_message_is_kept_as_eml_and_signatures_skipped(
    imap_server: "ImapServer", mailbox: MailboxConfig
):
    inner = simple_email("原始合同邮件", "inner body")
    photo = png_bytes("green")
    raw = (
        b"From: a@example.com\r\nSubject: Fwd\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/signed; boundary="S"; protocol="application/pkcs7-signature"'
        b'\r\n\r\n--S\r\nContent-Type: multipart/mixed; boundary="M"\r\n\r\n'
        b"--M\r\nContent-Type: text/plain\r\n\r\nsee below\r\n"
        b"--M\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n"
        b'--M\r\nContent-Type: image/png\r\nContent-Disposition: inline; filename="IMG_1.png"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\n" + b64(photo).encode() + b"\r\n--M--\r\n"
        b"--S\r\nContent-Type: application/pkcs7-signature; name=smime.p7s\r\n"
        b"Content-Disposition: attachment; filename=smime.p7s\r\n\r\nAAAA\r\n--S--\r\n"
    )
    imap_server.deliver(raw, mailbox.folder)
    [message] = fetch_new_messages(mailbox)
    names = [a.name for a in message.attachments]
    assert names == ["原始合同邮件.eml", "IMG_1.png"]
    assert message.attachments[1].data == photo
    assert b"inner body" in message.attachments[0].data


def test_limit(imap_server: "ImapServer", mailbox: MailboxConfig):
    for n in range(20):
        imap_server.deliver(simple_email(f"msg {n:02d}", n=n), mailbox.folder)
    fetched = fetch_new_messages(mailbox, limit=5)
    assert [m.subject for m in fetched] == [f"msg {n:02d}" for n in range(5)]  # oldest first


def test_wrong_password(mailbox: MailboxConfig):
    mailbox.password = "wrong"
    with pytest.raises(MailboxError, match="rejected the user name or password"):
        fetch_new_messages(mailbox)


def test_missing_folder(mailbox: MailboxConfig):
    mailbox.folder = "不存在的文件夹"
    with pytest.raises(MailboxError, match="does not exist"):
        fetch_new_messages(mailbox)


def test_closed_port_fails_fast():
    with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    started = time.monotonic()
    with pytest.raises(MailboxError, match="connection refused"):
        fetch_new_messages(MailboxConfig("127.0.0.1", port, "u", "p"))
    assert time.monotonic() - started < 2


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts connections and never says anything: a hung server."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    thread.join(5)
    for conn in accepted:
        conn.close()
    listener.close()


def test_silent_server_times_out(silent_server: int):
    started = time.monotonic()
    with pytest.raises(MailboxError, match="no answer in time"):
        fetch_new_messages(MailboxConfig("127.0.0.1", silent_server, "u", "p", timeout=0.5))
    assert time.monotonic() - started < 3


def test_stale_uidvalidity_is_refused(imap_server: "ImapServer", mailbox: MailboxConfig):
    imap_server.deliver(simple_email("x"), mailbox.folder)
    [message] = fetch_new_messages(mailbox)
    with pytest.raises(MailboxError, match="rebuilt"):
        mark_processed(mailbox, [message.uid], uidvalidity=message.uidvalidity + 1)
    assert len(fetch_new_messages(mailbox)) == 1  # nothing was touched


@pytest.mark.parametrize("charset", ["utf-8", "gbk"])
def test_raw_8bit_headers_and_file_names(charset: str):
    """Against the RFCs but common: Chinese written straight into headers and parameters."""
    raw = (
        "From: 王喆 <Wz@Example.com>\r\nSubject: 报价单（修订）\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="B"\r\n\r\n'
        "--B\r\nContent-Type: text/plain\r\n\r\nhi\r\n"
        '--B\r\nContent-Type: application/pdf; name="报价单.pdf"\r\n\r\n%PDF-1.4\r\n'
        "--B\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment\r\n\r\n"
        "%PDF-1.5\r\n--B--\r\n"
    ).encode(charset)
    message = parse_message(raw)
    assert (message.sender, message.sender_name) == ("wz@example.com", "王喆")
    assert message.subject == "报价单（修订）"
    assert [(a.name, a.data) for a in message.attachments] == [
        ("报价单.pdf", b"%PDF-1.4"),
        ("attachment-2.pdf", b"%PDF-1.5"),  # no name at all: one is made up
    ]
