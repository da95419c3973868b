"""Customer names in pinyin, so that `shanghai abc` and `shabc` find 上海ABC贸易有限公司.

Stored on the customer when its name is saved (services.py), as the full pinyin and the initials,
lowercase and without spaces; Latin letters and digits in a name are kept whole in both
(上海ABC → shanghaiabc, shabc). pypinyin's phrase dictionary picks the reading of polyphones
(重庆 → chongqing).

A person often types the core of a name, not its start: `jinqiao` or `jq` for
南京金桥宏达贸易有限公司. `name_tails` stores the pinyin and the initials from every later syllable
boundary, so that a search can match from any of them with one `contains` (never from inside a
syllable: `anjing` does not find 南京). Each tail is cut to a few letters, so the column grows
with the name's length, not with its square; the search checks a longer key against the
whole pinyin too (selectors.customers_matching).
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


# Markers before each stored tail: they are not in a key (pinyin_key keeps [0-9a-z] only), so
# `|jinqiao` matches only where a tail starts, and a full-pinyin key never matches initials.
FULL_MARK, INITIALS_MARK = "|", ":"
FULL_TAIL, INITIALS_TAIL = 30, 10  # letters kept of each tail


def name_tails(name: str) -> str:
    """The full pinyin and the initials from each syllable boundary after the first, cut to
    FULL_TAIL and INITIALS_TAIL letters and marked: 南京金桥 → `|jingjinqiao|jinqiao|qiao:jjq:jq:q`.
    A run of Latin letters or digits is one syllable (上海ABC: `abc` is a tail, `bc` is not)."""
    full, initials = lazy_pinyin(name), lazy_pinyin(name, style=Style.FIRST_LETTER)
    full_tails: list[str] = []
    initials_tails: list[str] = []
    for start in range(1, min(len(full), len(initials))):
        tail = _squash(full[start:])[:FULL_TAIL]
        # An item of punctuation or spaces squashes to nothing: its tail is the next one's.
        if tail and (not full_tails or tail != full_tails[-1]):
            full_tails.append(tail)
            initials_tails.append(_squash(initials[start:])[:INITIALS_TAIL])
    return "".join(FULL_MARK + tail for tail in full_tails) + "".join(
        INITIALS_MARK + tail for tail in initials_tails
    )


def pinyin_key(text: str) -> str:
    """A search box's text in the stored form: `Shanghai ABC` → shanghaiabc. Empty when the text
    is not Latin letters, digits and spaces (then it cannot be pinyin)."""
    if not re.fullmatch(r"[0-9A-Za-z\s]+", text or ""):
        return ""
    return _squash([text])
