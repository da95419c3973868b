"""Highlighted snippets for results, made in Python from the document's own text, the same way
on every database: find where the query's terms occur, take the window with the most of them,
mark them. Output is HTML-escaped except for the <mark> tags."""

import html
import re
from collections import Counter
from collections.abc import Sequence

from docket.search.tokens import NUMBER, prepare

WINDOW = 160  # characters around the matches
MAX_NEEDLES = 20


def highlight_pattern(needles: Sequence[str]) -> re.Pattern[str] | None:
    """One case-insensitive pattern for the terms' texts, longest first (so 上海ABC wins over
    上海 where both occur). Whitespace in a phrase matches any run of whitespace."""
    parts = sorted({n for n in needles if n.strip()}, key=len, reverse=True)[:MAX_NEEDLES]
    if not parts:
        return None
    return re.compile("|".join(_needle_regex(part) for part in parts), re.IGNORECASE)


def _needle_regex(needle: str) -> str:
    """A phrase's words with any whitespace between; a number in any of the ways it is
    written (128000 marks ¥128,000.00 too, as search matches numbers by value)."""
    number = NUMBER.fullmatch(needle.strip())
    if number is None:
        return r"\s+".join(re.escape(word) for word in needle.split())
    sign, digits, decimals = number.groups()
    digits = digits.replace(",", "")
    decimals = (decimals or "").rstrip("0")
    sign_part = re.escape(sign) if sign else "[¥$€£]?"
    fraction = rf"\.{decimals}0*" if decimals else r"(?:\.0+)?"
    return rf"(?<![\d,.]){sign_part}{',?'.join(digits)}{fraction}(?![\d])"


def mark(text: str, pattern: re.Pattern[str] | None) -> str:
    """All of text, escaped, with every match marked."""
    text = prepare(text)
    if pattern is None:
        return html.escape(text)
    return _marked(text, [m.span() for m in pattern.finditer(text)])


def snippet(text: str, pattern: re.Pattern[str] | None, width: int = WINDOW) -> str:
    """The best window of text, escaped and marked; the start of the text if nothing matches."""
    text = " ".join(prepare(text).split())
    spans = [m.span() for m in pattern.finditer(text)] if pattern else []
    if not spans:
        return html.escape(_cut(text, 0, width))
    start, end = _best_window(text, spans, width)
    inside = [(a - start, b - start) for a, b in spans if a >= start and b <= end]
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + _marked(text[start:end], inside) + suffix


def _best_window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The window of `width` characters holding the most distinct matched words, centred on
    them. One pass: a contract says 乙方 thousands of times, and trying every window anew
    took 0.7 s for one hit of 210,000 characters."""
    words = [text[a:b].casefold() for a, b in spans]
    held: Counter[str] = Counter()
    best, best_score, end = spans[0], -1, 0  # the window from span i holds spans i .. end-1
    for i, (a, _) in enumerate(spans):
        while end < len(spans) and spans[end][1] - a <= width:
            held[words[end]] += 1
            end += 1
        if end == i:  # a match longer than the window: the next window starts after it
            end = i + 1
            continue
        score = len(held) * 1000 + (end - i)
        if score > best_score:
            best, best_score = (a, spans[end - 1][1]), score
        held[words[i]] -= 1  # span i leaves the window before the next one starts
        if not held[words[i]]:
            del held[words[i]]
    a, b = best
    slack = max(0, width - (b - a)) // 2
    start = max(0, a - slack)
    end = min(len(text), max(b, start + width))
    start = max(0, min(start, end - width))
    return start, end


def _cut(text: str, start: int, width: int) -> str:
    return text[start : start + width] + ("…" if len(text) > start + width else "")


def _marked(text: str, spans: list[tuple[int, int]]) -> str:
    out, last = [], 0
    for a, b in sorted(spans):
        if a < last:
            continue
        out.append(html.escape(text[last:a]))
        out.append(f"<mark>{html.escape(text[a:b])}</mark>")
        last = b
    out.append(html.escape(text[last:]))
    return "".join(out)
