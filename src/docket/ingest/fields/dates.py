"""Dates as Chinese documents write them: 2023年1月1日, 2023-01-01, 2023/1/1, 2023.1.1 and in
Chinese numerals, 二〇二三年一月一日 / 二零二三年十二月三十一日. Impossible dates (2023-02-30) are
dropped, not guessed at."""

import datetime
import re
import unicodedata
from collections.abc import Iterator

__all__ = ["date_hits", "document_date", "find_dates"]

# Years outside this range are more often other numbers (a 4-digit quantity, a model number)
# than dates on a customer document.
MIN_YEAR, MAX_YEAR = 1900, 2099

# The patterns start with a digit, not a lookbehind, so the regex engine can skip to
# candidates; what may not come right before a date is checked in _iter_dates.
_ARABIC_CN = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]")
# One separator used twice (backreference), so 2023-1/5 is not a date. Not after a digit or a
# dot and not followed by a digit, so 12023-01-01 and version 1.2023.1.1 are left alone.
_ARABIC_SEP = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d])")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5}
_CN_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}
_CN_YEAR_CHARS = "".join(_CN_DIGITS)
_CN_SMALL = "一二三四五六七八九十廿"
_CHINESE = re.compile(
    f"([{_CN_YEAR_CHARS}]{{4}})\\s*年\\s*([{_CN_SMALL}]{{1,3}})\\s*月\\s*([{_CN_SMALL}]{{1,3}})\\s*[日号]"
)
# Labels whose date is the document's own: 签订日期, 开票日期, 申请日期, 报价日期, 日期, 时间.
_LABELLED = re.compile(r"(?:日期|时间|签署于|签订于|date)\s*[:：]?\s*$", re.IGNORECASE)


def _make(year: int, month: int, day: int) -> datetime.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return datetime.date(year, month, day)
    except ValueError:  # 2023-02-30, month 13
        return None


def _small_number(text: str) -> int | None:
    """一 .. 三十一 (also 廿 for twenty); None when it is not a well-formed number up to 39."""
    text = text.replace("廿", "二十")
    if "十" not in text:
        return _CN_DIGITS.get(text) if len(text) == 1 else None
    tens, _, units = text.partition("十")
    if len(tens) > 1 or len(units) > 1 or "十" in units:
        return None
    ten = _CN_DIGITS.get(tens, -1) if tens else 1
    unit = _CN_DIGITS.get(units, -1) if units else 0
    if ten < 1 or unit < 0:
        return None
    return ten * 10 + unit


def _arabic(year: str, month: str, day: str) -> datetime.date | None:
    return _make(int(year), int(month), int(day))


def _chinese(year: str, month: str, day: str) -> datetime.date | None:
    m, d = _small_number(month), _small_number(day)
    if m is None or d is None:
        return None
    return _make(int("".join(str(_CN_DIGITS[c]) for c in year)), m, d)


# pattern, groups holding year/month/day, parser, characters that may not precede the match
_NOTATIONS = [(_ARABIC_CN, (1, 2, 3), _arabic, "0123456789")]
_NOTATIONS.append((_ARABIC_SEP, (1, 3, 4), _arabic, "0123456789."))
_NOTATIONS.append((_CHINESE, (1, 2, 3), _chinese, ""))


def _iter_dates(text: str) -> Iterator[tuple[int, datetime.date]]:
    # Long documents repeat the same few dates: parse each written form once.
    parsed: dict[str, datetime.date | None] = {}
    for pattern, groups, parse, not_after in _NOTATIONS:
        for match in pattern.finditer(text):
            before = text[match.start() - 1 : match.start()]
            if before and before in not_after:  # 12023-01-01 is not 2023-01-01
                continue
            written = match.group()
            if written not in parsed:
                parsed[written] = parse(*match.group(*groups))
            if (date := parsed[written]) is not None:
                yield match.start(), date


def date_hits(text: str) -> list[tuple[int, datetime.date]]:
    """(position, date) of every valid date in NFKC-normalised text, in order."""
    return sorted(_iter_dates(text), key=lambda hit: hit[0])


def document_date(text: str, hits: list[tuple[int, datetime.date]]) -> datetime.date | None:
    """The document's own date: the first one after a label such as 签订日期：, else the first
    date in the text, else None. hits: date_hits(text)."""
    for position, date in hits:
        line_start = text.rfind("\n", 0, position) + 1
        if _LABELLED.search(text[max(line_start, position - 20) : position]):
            return date
    return hits[0][1] if hits else None


def find_dates(text: str) -> list[datetime.date]:
    """Every valid date in text, in order of first appearance, each once."""
    hits = date_hits(unicodedata.normalize("NFKC", text))
    return list(dict.fromkeys(date for _, date in hits))
