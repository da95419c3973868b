"""A real IMAP server for the mailbox tests: Dovecot 2.3 (Debian's dovecot-imapd + dovecot-core)
run as a child process of the test session with a configuration of its own.

Nothing of the system's Dovecot is used (not /etc/dovecot, not systemd): `dovecot -F -c FILE`
runs the master in the foreground, everything it writes lives in one temporary directory, and
the fixture stops it with SIGTERM. Load it from a test module with
`pytest_plugins = ["tests.ingest.imap_server"]`.

What Dovecot insists on, and why the configuration looks the way it does:
- imap-login refuses to run as root ("This process must not be run as root") -> when we are
  root, login processes run as `nobody` (present on every Debian system).
- mail processes refuse uid 0 whatever first_valid_uid says ("userdb returned 0 as uid") -> the
  test user's mail belongs to `nobody` too; its directory is chowned to it, and the temporary
  root is mode 0711 so that nobody can reach it.
- UNIX sockets are limited to 108 bytes -> the directory comes from mkdtemp under /tmp, not from
  pytest's deeply nested tmp_path.
When not root (a developer's own account), every process simply runs as that account.
"""

import contextlib
import ctypes
import grp
import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest

from docket.ingest.imap import quote_mailbox

USER = "docket"
PASSWORD = "测试-密码-1"  # non-ASCII on purpose: makes the client use SASL PLAIN (UTF-8)
START_TIMEOUT = 15.0


class ImapServer(NamedTuple):
    host: str
    port: int
    user: str
    password: str
    maildir: Path  # the test user's Maildir++ root (INBOX's cur/new/tmp are directly in it)

    def connect(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4(self.host, self.port, timeout=10)
        creds = f"\0{self.user}\0{self.password}".encode()
        imap.authenticate("PLAIN", lambda _challenge: creds)
        return imap

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        """Put a message in a folder as a mail client would: APPEND (the folder is created)."""
        imap = self.connect()
        try:
            imap.create(quote_mailbox(folder))  # NO if it exists: fine
            typ, data = imap.append(quote_mailbox(folder), None, None, raw)
            assert typ == "OK", data
        finally:
            imap.logout()

    def messages(self, folder: str) -> list[tuple[bytes, bytes]]:
        """(FETCH line with the flags, raw message) of every message in a folder, read without
        changing anything."""
        imap = self.connect()
        try:
            typ, _ = imap.select(quote_mailbox(folder), readonly=True)
            if typ != "OK":
                return []
            _, data = imap.uid("FETCH", "1:*", "(FLAGS BODY.PEEK[])")
            return [(item[0], item[1]) for item in data if isinstance(item, tuple)]
        finally:
            imap.logout()


def _dovecot_binary() -> str | None:
    # /usr/sbin is not on every PATH (non-root shells), so look there too
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if os.access(p, os.X_OK)),
        None,
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _config(root: Path, port: int, mail_user: pwd.struct_passwd) -> str:
    me = pwd.getpwuid(os.getuid()).pw_name
    login_user = "nobody" if os.getuid() == 0 else me
    return f"""\
base_dir = {root}/run
state_dir = {root}/state
instance_name = docket-test-{port}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# tests of wrong passwords should not wait the default 2 s
auth_failure_delay = 0
log_path = {root}/dovecot.log
default_internal_user = {me}
default_internal_group = {grp.getgrgid(os.getgid()).gr_name}
default_login_user = {login_user}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:{root}/mail/%u
namespace inbox {{
  inbox = yes
  separator = /
}}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
  default_fields = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={root}/mail/%u
}}
# no auth penalty (documented switch): after the wrong-password test, every later login from
# 127.0.0.1 would otherwise wait up to 15 s
service anvil {{
  unix_listener anvil-auth-penalty {{
    mode = 0
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


_LIBC = ctypes.CDLL(None, use_errno=True)  # loaded before any fork: dlopen in a child can deadlock


def _die_with_parent() -> None:
    # If pytest is killed outright, take the Dovecot master with it instead of leaving it
    # listening (Linux prctl PR_SET_PDEATHSIG = 1).
    with contextlib.suppress(AttributeError):
        _LIBC.prctl(1, signal.SIGTERM)


def _wait_ready(proc: subprocess.Popen, port: int, root: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1) as s:
            s.settimeout(2)
            if s.recv(64).startswith(b"* OK"):
                return
        time.sleep(0.1)
    # Config errors go to stderr (before logging is set up), the rest to the log file.
    logs = [root / "stderr.log", root / "dovecot.log"]
    text = "".join(p.read_text(errors="replace") for p in logs if p.exists())
    raise RuntimeError(f"Dovecot did not start on port {port}:\n{text[-3000:]}")


@contextlib.contextmanager
def run_dovecot() -> Iterator[ImapServer]:
    """Start Dovecot on a free port of 127.0.0.1; stop it and delete its files afterwards."""
    binary = _dovecot_binary()
    if binary is None:
        raise RuntimeError("dovecot is not installed (apt-get install dovecot-imapd dovecot-core)")
    root = Path(tempfile.mkdtemp(prefix="docket-dovecot-"))
    root.chmod(0o711)
    mail_user = pwd.getpwnam("nobody") if os.getuid() == 0 else pwd.getpwuid(os.getuid())
    (root / "mail").mkdir()
    os.chown(root / "mail", mail_user.pw_uid, mail_user.pw_gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n", encoding="utf-8")
    proc = None
    try:
        for _attempt in range(3):  # the free port can be taken between probe and bind
            port = _free_port()
            conf = root / "dovecot.conf"
            conf.write_text(_config(root, port, mail_user))
            with (root / "stderr.log").open("ab") as err:
                proc = subprocess.Popen(
                    [binary, "-F", "-c", str(conf)],
                    stdin=subprocess.DEVNULL,
                    stdout=err,
                    stderr=err,
                    preexec_fn=_die_with_parent,
                )
            try:
                _wait_ready(proc, port, root)
                break
            except RuntimeError as exc:
                _stop(proc)
                if _attempt == 2 or "Address already in use" not in str(exc):
                    raise
        yield ImapServer("127.0.0.1", port, USER, PASSWORD, root / "mail" / USER)
    finally:
        if proc is not None:
            _stop(proc)
        shutil.rmtree(root, ignore_errors=True)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()  # the master stops its children on SIGTERM
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(run_dovecot())
        except RuntimeError as exc:
            # In CI a missing server is a broken build, not a reason to test less.
            if os.environ.get("CI") == "true":
                pytest.fail(f"IMAP test server could not start: {exc}")
            pytest.skip(f"IMAP test server could not start: {exc}")
        yield server
