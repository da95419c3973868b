"""Safe names for files that came from outside. The original name is kept as metadata, with
control characters made visible; the name Docket uses on disk and in downloads is made safe
for every common file system (no path parts, no characters Windows forbids, bounded length)."""

import re
import unicodedata

MAX_NAME_BYTES = 200
_SEPARATOR = re.compile(r"[/\\]")
_ILLEGAL = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{i}" for p in ("COM", "LPT") for i in range(1, 10)
}


def escape_original_name(name: str) -> str:
    """The uploaded name, unchanged except that control characters (NUL included, which no
    database text column accepts) are written as \\xNN."""
    return "".join(f"\\x{ord(ch):02x}" if unicodedata.category(ch) == "Cc" else ch for ch in name)


def safe_filename(name: str, *, fallback: str = "file", max_bytes: int = MAX_NAME_BYTES) -> str:
    name = unicodedata.normalize("NFC", name or "")
    name = _SEPARATOR.split(name)[-1]  # never a path
    if not name.isprintable():  # the rare name with control or format characters
        name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf"})
    name = _ILLEGAL.sub("_", name).strip(" .")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    if stem.upper() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    if len(ext.encode()) > 16:
        stem, ext = name, ""
    suffix = f".{ext}" if ext else ""
    stem = _truncate_utf8(stem or fallback, max_bytes - len(suffix.encode()))
    return f"{stem}{suffix}"


def extension_of(name: str) -> str:
    safe = safe_filename(name)
    return safe.rpartition(".")[2].lower() if "." in safe else ""


def _truncate_utf8(text: str, max_bytes: int) -> str:
    encoded = text.encode()
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode(errors="ignore").rstrip(" .")
