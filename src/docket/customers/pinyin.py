"""Customer names in pinyin, so that `shanghai abc` and `shabc` find 上海ABC贸易有限公司.

Stored on the customer when its name is saved (services.py), as the full pinyin and the initials,
lowercase and without spaces; Latin letters and digits in a name are kept whole in both
(上海ABC → shanghaiabc, shabc). pypinyin's phrase dictionary picks the reading of polyphones
(重庆 → chongqing).
"""

import re

from pypinyin import Style, lazy_pinyin

_KEEP = re.compile(r"[^0-9a-z]")


def _squash(parts: list[str]) -> str:
    return _KEEP.sub("", "".join(parts).casefold())


def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name."""
    return (
        _squash(lazy_pinyin(name)),
        _squash(lazy_pinyin(name, style=Style.FIRST_LETTER)),
    )


def pinyin_key(text: str) -> str:
    """A search box's text in the stored form: `Shanghai ABC` → shanghaiabc. Empty when the text
    is not Latin letters, digits and spaces (then it cannot be pinyin)."""
    if not re.fullmatch(r"[0-9A-Za-z\s]+", text or ""):
        return ""
    return _squash([text])
