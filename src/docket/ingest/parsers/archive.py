"""ZIP archives: every member becomes a child file (a document of its own).

Zip bombs are bounded twice. Before reading, by the central directory's declared sizes (cheap,
and sound for anything that reads through Python's zipfile, which never returns more than a
member's declared size: a lie there ends in a CRC error, not in more bytes). Then while reading,
by counting the bytes actually produced, so the bound does not rest on that zipfile detail.
Nested zips are expanded here, sharing one budget, up to Limits.max_zip_depth; so no child is a
zip and the pipeline never starts a fresh budget for an inner archive.

Names: a zip made on Chinese Windows stores GBK names without the UTF-8 flag, which zipfile
reads as cp437 mojibake; the raw bytes are recovered and decoded as UTF-8, else GB18030. Names
are then made harmless: no "..", no absolute paths, no drive letters, no control characters.
"""

import io
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator

from django.utils.translation import gettext_noop as _

from docket.core.notices import Notice
from docket.ingest.parsers import Limits
from docket.ingest.types import ChildFile, CorruptFile, LimitExceeded, NeedsPassword, Parsed

__all__ = ["parse", "open_zip", "ZipBudget", "member_name", "safe_path"]

ZIP = "application/zip"
JUNK_NAMES = {"thumbs.db", "desktop.ini", "__macosx"}
RATIO_FLOOR = 1 << 20  # below 1 MiB expanded, a high ratio (a text file of spaces) is harmless
CHUNK = 1 << 16
ZIP_ARCHIVE = Notice(_("the zip archive"))


def damaged(what: Notice, detail: str) -> CorruptFile:
    return CorruptFile(Notice(_("%(what)s is damaged: %(detail)s"), what=what, detail=detail))


def _password_protected(what: Notice) -> NeedsPassword:
    return NeedsPassword(Notice(_("%(what)s is password-protected"), what=what))


def open_zip(data: bytes, what: Notice = ZIP_ARCHIVE) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise damaged(what, str(exc)) from None


class ZipBudget:
    """What one uploaded file may expand to, over all its members and nested archives."""

    def __init__(self, limits: Limits, source_size: int, what: Notice = ZIP_ARCHIVE) -> None:
        self.limits = limits
        self.what = what
        self.members = 0
        self.expanded = 0
        self.max_bytes = min(
            limits.max_zip_total_bytes, max(RATIO_FLOOR, int(source_size * limits.max_zip_ratio))
        )

    def _over(self, size: int) -> None:
        if size <= self.max_bytes:
            return
        if self.max_bytes < self.limits.max_zip_total_bytes:
            raise LimitExceeded(
                Notice(
                    _("%(what)s expands to more than %(ratio)s times its own size (a zip bomb?)"),
                    what=self.what,
                    ratio=f"{self.limits.max_zip_ratio:g}",
                )
            )
        raise LimitExceeded(
            Notice(
                _("%(what)s expands to more than %(bytes)s bytes"),
                what=self.what,
                bytes=f"{self.limits.max_zip_total_bytes:,}",
            )
        )

    def check_declared(self, zf: zipfile.ZipFile) -> None:
        """Refuse early on what the central directory admits to."""
        infos = zf.infolist()
        self.members += len(infos)
        if self.members > self.limits.max_zip_members:
            raise LimitExceeded(
                Notice(
                    _("%(what)s has more than %(limit)s members"),
                    what=self.what,
                    limit=self.limits.max_zip_members,
                )
            )
        self._over(self.expanded + sum(info.file_size for info in infos))

    def read(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, pwd: bytes | None = None) -> bytes:
        """A member's bytes, counted as they are decompressed."""
        chunks = []
        try:
            with zf.open(info, pwd=pwd) as member:
                while chunk := member.read(CHUNK):
                    self.expanded += len(chunk)
                    self._over(self.expanded)
                    chunks.append(chunk)
        except RuntimeError:  # zipfile: "... is encrypted, password required", "Bad password"
            raise _password_protected(self.what) from None
        except NotImplementedError:
            raise CorruptFile(
                Notice(
                    _("%(name)s in %(what)s uses a compression method that cannot be read"),
                    name=repr(info.filename),
                    what=self.what,
                )
            ) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
            raise damaged(self.what, str(exc)) from None
        return b"".join(chunks)


def _unicode_path_field(info: zipfile.ZipInfo) -> str | None:
    """Info-ZIP's Unicode Path extra field (0x7075), valid only if its CRC matches the name."""
    extra, raw = info.extra, info.orig_filename.encode("cp437", errors="replace")
    while len(extra) >= 4:
        kind, size = struct.unpack("<HH", extra[:4])
        body, extra = extra[4 : 4 + size], extra[4 + size :]
        if kind != 0x7075 or body[:1] != b"\x01" or len(body) < 5:
            continue
        if struct.unpack("<I", body[1:5])[0] == zlib.crc32(raw):  # else stale: renamed since
            return body[5:].decode("utf-8", errors="replace")
    return None


def member_name(info: zipfile.ZipInfo) -> str:
    if info.flag_bits & 0x800:  # the UTF-8 flag: zipfile decoded it right
        return info.orig_filename
    unicode_path = _unicode_path_field(info)
    if unicode_path:
        return unicode_path
    raw = info.orig_filename.encode("cp437")  # undo zipfile's cp437 guess: the raw bytes
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.orig_filename


def safe_path(name: str) -> str:
    """A relative path with no way out: "../../etc/passwd" -> "etc/passwd", "C:\\x" -> "x"."""
    parts = []
    for part in re.split(r"[/\\]+", unicodedata.normalize("NFC", name)):
        part = "".join(ch for ch in part if unicodedata.category(ch) not in {"Cc", "Cf"})
        part = re.sub(r"^[A-Za-z]:", "", part).strip()
        if part and part not in {".", ".."}:
            parts.append(part)
    return "/".join(parts)


def _is_junk(path: str) -> bool:
    parts = path.split("/")
    return any(p.startswith(".") or p.lower() in JUNK_NAMES for p in parts)


def _passwords(password: str | None) -> list[bytes | None]:
    # ZipCrypto passwords are bytes; Chinese Windows tools encode them as GBK.
    if not password:
        return [None]
    return list(dict.fromkeys([password.encode("utf-8"), password.encode("gb18030")]))


def _read_member(
    budget: ZipBudget, zf: zipfile.ZipFile, info: zipfile.ZipInfo, password: str | None
) -> bytes:
    if not info.flag_bits & 0x1:
        return budget.read(zf, info)
    if not password:
        raise _password_protected(budget.what)
    for pwd in _passwords(password):
        try:
            return budget.read(zf, info, pwd)
        except NeedsPassword:
            continue
    raise NeedsPassword(Notice(_("the password given for %(what)s is wrong"), what=budget.what))


def _expand(
    data: bytes, prefix: str, depth: int, budget: ZipBudget, password: str | None
) -> Iterator[ChildFile]:
    from docket.ingest.sniff import sniff  # sniff imports nothing from the parsers

    with open_zip(data) as zf:
        budget.check_declared(zf)
        for info in zf.infolist():
            path = safe_path(member_name(info))
            if info.is_dir() or not path or _is_junk(path) or info.file_size == 0:
                continue
            content = _read_member(budget, zf, info, password)
            if not content:
                continue
            if sniff(content, path) != ZIP:
                yield ChildFile(name=prefix + path, data=content)
            elif depth >= budget.limits.max_zip_depth:
                raise LimitExceeded(
                    Notice(
                        _("the archive has zips nested more than %(limit)s deep"),
                        limit=budget.limits.max_zip_depth,
                    )
                )
            else:
                yield from _expand(content, f"{prefix}{path}/", depth + 1, budget, password)


def parse(
    data: bytes, mime_type: str = ZIP, *, limits: Limits | None = None, password: str | None = None
) -> Parsed:
    """Children named by their path inside the archive ("合同/2023/购销合同.pdf"; a nested
    zip's members as "inner.zip/发票.pdf"), in archive order. Empty members are skipped."""
    limits = limits or Limits()
    budget = ZipBudget(limits, len(data))
    return Parsed(children=list(_expand(data, "", 1, budget, password)))
