"""_Date expressions in search queries: 上个月, 2023年3月, 第一季度, last week, 2023-01..2023-03.

find_date looks for the first date expression in free text. Chinese expressions need no spaces
around them (上个月ABC的合同); English ones and Q1 must stand as words. Bare ISO dates and years
(2023, 2023-03-05) are left alone there, because they are usually part of document text such as
HT-2023-0101; 2023年 is a date. parse_date_value reads the value of a date: field, where ISO dates,
ranges (a..b) and comparisons (>2023-01-01) are allowed too.

Every range is a whole calendar unit with inclusive ends: 本周 runs from Monday to Sunday, 上个月
of 2026-01-15 is 2025-12-01..2025-12-31, 最近7天 is the seven days ending today.
"""

import calendar
import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["DateRange", "find_date", "parse_date_value"]

_Date = datetime.date
_Span = tuple[_Date, _Date]


@dataclass(frozen=True)
class DateRange:
    start: datetime.date | None  # inclusive; None: open
    end: datetime.date | None  # inclusive; None: open
    text: str  # the expression as found, e.g. "上个月"


# --- calendar arithmetic ----------------------------------------------------------------------


def _make_date(year: int, month: int = 1, day: int = 1) -> _Date:
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range (1-9999)")
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is out of range (1-12)")
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(f"day {day} is out of range for {year:04d}-{month:02d} (1-{last})")
    return _Date(year, month, day)


def _year(year: int) -> _Span:
    return _make_date(year), _make_date(year, 12, 31)


def _month(year: int, month: int) -> _Span:
    first = _make_date(year, month)
    return first, first.replace(day=calendar.monthrange(year, month)[1])


def _months(year: int, first_month: int, count: int) -> _Span:
    return _month(year, first_month)[0], _month(year, first_month + count - 1)[1]


def _week(today: _Date, weeks_back: int) -> _Span:
    monday = today - datetime.timedelta(days=today.weekday() + 7 * weeks_back)
    return monday, monday + datetime.timedelta(days=6)


def _last_days(today: _Date, count: int) -> _Span:
    if count < 1:
        raise ValueError("the number of days must be at least 1")
    try:
        return today - datetime.timedelta(days=count - 1), today
    except OverflowError:
        raise ValueError(f"{count} days before {today} is out of range") from None


def _day_shift(day: _Date, days: int) -> _Date:
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        raise ValueError(f"no date is {abs(days)} day(s) away from {day}") from None


_CN_DIGITS = {
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def _number(text: str) -> int:
    """An arabic number, or a Chinese one from 一 to 九十九 (三, 十, 十五, 二十, 二十五)."""
    if text.isdigit():
        return int(text)
    tens, sep, ones = text.partition("十")
    if not sep:
        value = _CN_DIGITS.get(text)
    elif len(tens) <= 1 and len(ones) <= 1:
        high = _CN_DIGITS.get(tens, 0) if tens else 1
        low = _CN_DIGITS.get(ones, 0) if ones else 0
        value = high * 10 + low if (not tens or high) and (not ones or low) else None
    else:
        value = None
    if value is None:
        raise ValueError(f"{text} is not a number")
    return value


# --- patterns -----------------------------------------------------------------------------------

# ASCII words must stand alone: not inside another word or a code (FAQ1, HT-Q1, Q12).
_LB = r"(?<![A-Za-z0-9_\-/.@])"
_RB = r"(?![A-Za-z0-9_]|[-/.@][A-Za-z0-9])"
_CN_NUM = "[一二两三四五六七八九十]{1,3}"
_CN_Q = "(?<![0-9])[1-4]|[一二三四]"  # a quarter: 1-4 not inside a longer number, or 一-四

_Handler = Callable[[re.Match[str], _Date], _Span]
_PATTERNS: list[tuple[re.Pattern[str], _Handler]] = []


def _pattern(regex: str, flags: int = 0) -> Callable[[_Handler], _Handler]:
    """Registers a handler that turns a match of regex into a span (or raises ValueError)."""

    def register(handler: _Handler) -> _Handler:
        _PATTERNS.append((re.compile(regex, flags), handler))
        return handler

    return register


@_pattern("今天")
def _today(m: re.Match[str], today: _Date) -> _Span:
    return today, today


@_pattern("昨天")
def _yesterday(m: re.Match[str], today: _Date) -> _Span:
    day = _day_shift(today, -1)
    return day, day


@_pattern("前天")
def _day_before_yesterday(m: re.Match[str], today: _Date) -> _Span:
    day = _day_shift(today, -2)
    return day, day


@_pattern("本周|这周|这个星期|这星期|本星期")
def _this_week(m: re.Match[str], today: _Date) -> _Span:
    return _week(today, 0)


@_pattern("上周|上个星期|上星期")
def _last_week_cn(m: re.Match[str], today: _Date) -> _Span:
    return _week(today, 1)


@_pattern("本月|这个月")
def _this_month(m: re.Match[str], today: _Date) -> _Span:
    return _month(today.year, today.month)


@_pattern("上个月|上月")
def _last_month(m: re.Match[str], today: _Date) -> _Span:
    first = today.replace(day=1) - datetime.timedelta(days=1)
    return _month(first.year, first.month)


@_pattern("今年|去年|前年")
def _year_cn(m: re.Match[str], today: _Date) -> _Span:
    return _year(today.year - "今去前".index(m.group()[0]))  # 今年 0, 去年 1, 前年 2 years back


@_pattern(f"(?:最近|近|过去)(?:([0-9]{{1,4}})|({_CN_NUM}))[天日]")
def _recent_days(m: re.Match[str], today: _Date) -> _Span:
    return _last_days(today, _number(m.group(1) or m.group(2)))


@_pattern(r"(?<![0-9])([0-9]{4})年(?:([0-9]{1,2})月(?:([0-9]{1,2})[日号])?)?")
def _year_month_day(m: re.Match[str], today: _Date) -> _Span:
    year, month, day = (int(g) if g else None for g in m.groups())
    assert year is not None
    if day is not None and month is not None:
        date = _make_date(year, month, day)
        return date, date
    return _month(year, month) if month is not None else _year(year)


@_pattern(rf"(?<![0-9])([0-9]{{4}})(?:年|\s)?第?({_CN_Q})季度")
def _year_quarter_cn(m: re.Match[str], today: _Date) -> _Span:
    return _months(int(m.group(1)), 3 * _number(m.group(2)) - 2, 3)


@_pattern(f"第?({_CN_Q})季度")
def _quarter_cn(m: re.Match[str], today: _Date) -> _Span:
    return _months(today.year, 3 * _number(m.group(1)) - 2, 3)


@_pattern(rf"{_LB}([0-9]{{4}})(?:年|\s)?[Qq]([1-4]){_RB}")
def _year_quarter(m: re.Match[str], today: _Date) -> _Span:
    return _months(int(m.group(1)), 3 * int(m.group(2)) - 2, 3)


@_pattern(rf"{_LB}[Qq]([1-4]){_RB}")
def _quarter(m: re.Match[str], today: _Date) -> _Span:
    return _months(today.year, 3 * int(m.group(1)) - 2, 3)


@_pattern("(?:(?<![0-9])([0-9]{4})年?)?([上下])半年")
def _half_year(m: re.Match[str], today: _Date) -> _Span:
    year = int(m.group(1)) if m.group(1) else today.year
    return _months(year, 1 if m.group(2) == "上" else 7, 6)


@_pattern(rf"{_LB}(today|yesterday){_RB}", re.IGNORECASE)
def _day_en(m: re.Match[str], today: _Date) -> _Span:
    day = _day_shift(today, -1 if m.group(1).casefold() == "yesterday" else 0)
    return day, day


@_pattern(rf"{_LB}(this|last)\s+(week|month|year){_RB}", re.IGNORECASE)
def _this_or_last_en(m: re.Match[str], today: _Date) -> _Span:
    back = 0 if m.group(1).casefold() == "this" else 1
    unit = m.group(2).casefold()
    if unit == "week":
        return _week(today, back)
    if unit == "year":
        return _year(today.year - back)
    return _last_month(m, today) if back else _month(today.year, today.month)


@_pattern(rf"{_LB}last\s+([0-9]{{1,4}})\s+days?{_RB}", re.IGNORECASE)
def _last_days_en(m: re.Match[str], today: _Date) -> _Span:
    return _last_days(today, int(m.group(1)))


# Finds where some expression may start; the patterns are then tried one by one there.
_ANY = re.compile("|".join(f"(?:{p.pattern})" for p, _ in _PATTERNS), re.IGNORECASE)


def _longest_at(text: str, pos: int) -> tuple[re.Match[str], _Handler] | None:
    best: tuple[re.Match[str], _Handler] | None = None
    for pattern, handler in _PATTERNS:
        m = pattern.match(text, pos)
        if m and (best is None or m.end() > best[0].end()):
            best = m, handler
    return best


# --- public API ---------------------------------------------------------------------------------


def find_date(text: str, today: datetime.date) -> tuple[str, DateRange | None]:
    """Finds the first date expression anywhere in text (which should be NFKC-normalised) and
    returns (text without it, its range). Where the expression was, the whitespace is tidied to
    one space, or none at either end. Returns (text, None) when there is none.

    At one position the longest expression wins (2023年3月5日 over 2023年3月 over 2023年). An
    invalid date (2023年13月, 2023年2月30日) is not an expression: it is left in the text."""
    pos = 0
    while candidate := _ANY.search(text, pos):
        found = _longest_at(text, candidate.start())
        if found is None:  # _ANY matched with different case rules; move on
            pos = candidate.start() + 1
            continue
        m, handler = found
        try:
            start, end = handler(m, today)
        except ValueError:
            pos = m.end()
            continue
        left, right = text[: m.start()].rstrip(), text[m.end() :].lstrip()
        rest = f"{left} {right}" if left and right else left or right
        return rest, DateRange(start, end, m.group())
    return text, None


_ISO = re.compile(r"([0-9]{4})(?:[-/]([0-9]{1,2})(?:[-/]([0-9]{1,2}))?)?")
_EXPECTED = (
    "expected e.g. 2023, 2023-03, 2023-03-05, 2023年3月, 2023Q1, 上个月, a..b or >2023-01-01"
)


def parse_date_value(value: str, today: datetime.date) -> DateRange:
    """Reads the value of a date: field: 2023 | 2023-03 | 2023-03-05 | 2023年3月5日 | 2023Q1 |
    any expression find_date knows | a range a..b (either side may be empty) | >a, >=a, <a, <=a.
    Raises ValueError with an English message for anything else (e.g. month 13)."""
    text = unicodedata.normalize("NFKC", value).strip()
    if comparison := re.match(r"(>=|<=|>|<)\s*", text):
        start, end = _compare(comparison.group(1), _single(text[comparison.end() :], today))
    elif ".." in text:
        start, end = _range(*text.split("..", 1), today=today)
    else:
        start, end = _single(text, today)
    return DateRange(start, end, text)


def _single(text: str, today: _Date) -> _Span:
    text = text.strip()
    if not text:
        raise ValueError(f"empty date ({_EXPECTED})")
    if iso := _ISO.fullmatch(text):
        year, month, day = (int(g) if g else None for g in iso.groups())
        assert year is not None
        if month is None:
            return _year(year)
        if day is None:
            return _month(year, month)
        date = _make_date(year, month, day)
        return date, date
    found = _longest_at(text, 0)
    if found and found[0].end() == len(text):
        m, handler = found
        return handler(m, today)  # may raise with a precise message (month 13)
    raise ValueError(f"not a date: {text!r} ({_EXPECTED})")


def _compare(operator: str, span: _Span) -> tuple[_Date | None, _Date | None]:
    start, end = span
    if operator == ">":
        return _day_shift(end, 1), None
    if operator == ">=":
        return start, None
    if operator == "<":
        return None, _day_shift(start, -1)
    return None, end


def _range(left: str, right: str, *, today: _Date) -> tuple[_Date | None, _Date | None]:
    if not left.strip() and not right.strip():
        raise ValueError(f"a range needs at least one end ({_EXPECTED})")
    start = _single(left, today)[0] if left.strip() else None
    end = _single(right, today)[1] if right.strip() else None
    if start and end and start > end:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    return start, end
