"""Tolerant substring matching in pure Python: how well does a pattern occur anywhere in a text,
allowing a few wrong, missing or extra characters (an OCR misread, a typo)?

similarity(pattern, text) = 1 - k / len(pattern), where k is the smallest Levenshtein distance
between the pattern and any substring of the text. It plays the part of rapidfuzz's
partial_ratio without the dependency (the scale differs slightly: partial_ratio uses Indel
distance).

Speed: Myers' bit-parallel algorithm (J. ACM 46(3), 1999) does one pass over the text with a
handful of integer operations per character, for any pattern length (Python ints are
unbounded). Before it, a pigeonhole filter: a match with at most k errors contains at least one
of k+1 pieces of the pattern exactly, so `str.find` (C speed) finds the few places worth
scanning and most texts are rejected without a Python-level loop.
"""

__all__ = ["best_distance", "fuzzy_contains"]


def best_distance(pattern: str, text: str) -> int:
    """The smallest edit distance between pattern and any substring of text (Myers 1999)."""
    m = len(pattern)
    if m == 0:
        return 0
    full = (1 << m) - 1
    top = 1 << (m - 1)
    peq: dict[str, int] = {}
    for i, char in enumerate(pattern):
        peq[char] = peq.get(char, 0) | (1 << i)
    pv, mv, score, best = full, 0, m, m
    for char in text:
        eq = peq.get(char, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        # Shifting in 0 (not 1) lets a match start anywhere in the text: row 0 of the
        # dynamic-programming table is all zeros.
        ph = (ph << 1) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
        if score < best:
            best = score
            if best == 0:
                break
    return best


def _pieces(pattern: str, count: int) -> list[tuple[int, str]]:
    """Pattern cut into count pieces of near-equal length, with their offsets."""
    size, extra = divmod(len(pattern), count)
    pieces, start = [], 0
    for i in range(count):
        end = start + size + (1 if i < extra else 0)
        pieces.append((start, pattern[start:end]))
        start = end
    return pieces


def fuzzy_contains(pattern: str, text: str, threshold: float) -> float:
    """The similarity of pattern's best occurrence in text when it is at least threshold
    (0 < threshold <= 1); 0.0 otherwise. Both strings are taken as given (normalise first)."""
    m = len(pattern)
    if m == 0 or not text:
        return 0.0
    if pattern in text:
        return 1.0
    allowed = int(m * (1 - threshold) + 1e-9)  # most errors a match may have
    if allowed == 0:
        return 0.0
    windows: list[tuple[int, int]] = []
    for offset, piece in _pieces(pattern, allowed + 1):
        at = text.find(piece)
        while at != -1:
            start = at - offset - allowed
            windows.append((max(0, start), start + m + 2 * allowed))
            at = text.find(piece, at + 1)
    if not windows:
        return 0.0
    windows.sort()
    best = m
    start, end = windows[0]
    for next_start, next_end in windows[1:]:
        if next_start > end:  # scan each stretch of overlapping windows once
            best = min(best, best_distance(pattern, text[start:end]))
            start, end = next_start, next_end
        else:
            end = max(end, next_end)
    best = min(best, best_distance(pattern, text[start:end]))
    similarity = 1 - best / m
    return similarity if similarity >= threshold else 0.0
