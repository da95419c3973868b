"""Character accuracy of OCR output against a known text, for tests and the OCR benchmark.

Whitespace is removed from both sides before comparing: Chinese has no spaces between words,
so where an engine puts a space (or a line break) says nothing about whether it read the
characters right. Both sides are NFKC-normalised first, so a full-width colon read as ":" is
not an error."""

import re

from docket.documents.text import normalise

_WHITESPACE = re.compile(r"\s+")


def _comparable(text: str) -> str:
    return _WHITESPACE.sub("", normalise(text))


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insertions, deletions, substitutions), O(len(a)·len(b)) time and
    O(min) memory. Pages are a few hundred to a few thousand characters: fast enough in pure
    Python for tests and benchmarks, so no extra dependency."""
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(
                    previous[j] + 1,  # deletion
                    current[j - 1] + 1,  # insertion
                    previous[j - 1] + (char_a != char_b),  # substitution
                )
            )
        previous = current
    return previous[-1]


def character_accuracy(truth: str, ocr: str) -> float:
    """1 - edit distance / length of the truth, floored at 0 (a page of garbage is 0, not
    negative). An empty truth is 1.0 when the OCR found nothing either, else 0.0."""
    expected, got = _comparable(truth), _comparable(ocr)
    if not expected:
        return 1.0 if not got else 0.0
    return max(0.0, 1.0 - levenshtein(expected, got) / len(expected))


def character_errors(truth: str, ocr: str) -> int:
    """The edit distance behind character_accuracy, for messages that say how many were wrong."""
    return levenshtein(_comparable(truth), _comparable(ocr))
