"""A CJK-aware tokenizer for the classifier and for search.

Chinese has no spaces between words and most words have two characters, so a run of CJK
characters becomes its overlapping bigrams (上海贸易 -> 上海, 海贸, 贸易); a run of one character
is kept as it is. Everything else is split into lowercase words and numbers. Codes
(HT-2023-0101, wei.zhang@abc.com) are kept whole as well as split, so that both "HT-2023-0101"
and "2023" find a document. A number becomes its value, however it was written: ¥128,000.00,
¥128000 and ￥128,000 all give ¥128000 and 128000, so a search for any of them (or for
128,000.00 without the sign) finds the others.

The text is NFKC-normalised first (full-width ＡＢＣ１２３ -> ABC123, ￥ -> ¥); NULs, which pypdf
puts before CJK characters, and other control characters are dropped.

Bump TOKENIZER_VERSION whenever the output for some text changes: trained models and search
indexes built with another version must be rebuilt.
"""

import re
import unicodedata

__all__ = ["NUMBER", "TOKENIZER_VERSION", "is_cjk", "prepare", "run_ends", "tokenize"]

TOKENIZER_VERSION = 2

# Han (basic, extension A, compatibility, extensions B+), 〇, and kana: scripts written without
# spaces. Hangul is written with spaces between words, so it goes through the word path.
_CJK_CLASS = (
    "\u3007\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_CJK_RUN = re.compile(f"([{_CJK_CLASS}]+)")
_CJK_CHAR = re.compile(f"[{_CJK_CLASS}]")
# A compound: alphanumeric pieces joined by one connector each (- _ / . , : @), optionally
# after a currency sign. [^\W_] is "a letter or digit" in any script (CJK runs are already cut
# out before this runs).
_COMPOUND = re.compile(r"[¥$€£]?[^\W_]+(?:[-_/.,:@][^\W_]+)*")
_PIECE = re.compile(r"[^\W_]+")
# A number as written: sign, digits (thousands separated or not), decimals. Search and
# highlighting (snippets.py) both read numbers with it.
NUMBER = re.compile(r"([¥$€£]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")
# Control characters (Cc) other than whitespace and NUL.
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def is_cjk(char: str) -> bool:
    """Whether one character belongs to a script written without spaces (Han, kana)."""
    return bool(_CJK_CHAR.fullmatch(char))


def prepare(text: str) -> str:
    """NFKC, without NULs and control characters: the text tokens are cut from."""
    # NULs are deleted, not spaced: pypdf writes 合\x00同 for 合同 (as documents.text.normalise).
    return _CONTROL.sub(" ", unicodedata.normalize("NFKC", text.replace("\x00", "")))


def tokenize(text: str) -> list[str]:
    """The tokens of text, in order, repeated as often as they occur (term frequency matters
    to TF-IDF and to ranking)."""
    text = prepare(text)
    tokens: list[str] = []
    # re.split with a capturing group alternates: non-CJK, CJK run, non-CJK, ...
    for index, part in enumerate(_CJK_RUN.split(text)):
        if index % 2:
            _cjk_bigrams(part, tokens)
        elif part:
            _words(part.casefold(), tokens)
    return tokens


def run_ends(text: str) -> set[str]:
    """The last character of every CJK run of two or more characters. A bigram index holds
    every other character as the start of a bigram; search needs these to find any single
    character (the 司 of 公司)."""
    return {run[-1] for run in _CJK_RUN.findall(prepare(text)) if len(run) > 1}


def _cjk_bigrams(run: str, out: list[str]) -> None:
    if len(run) == 1:
        out.append(run)
        return
    out.extend(run[i : i + 2] for i in range(len(run) - 1))


def _number(sign: str, digits: str, decimals: str | None, out: list[str]) -> None:
    """¥128,000.00 -> ¥128000, 128000 (the sign kept once, for a search that gives it)."""
    value = digits.replace(",", "")
    if decimals and decimals.rstrip("0"):
        value += "." + decimals.rstrip("0")
    if sign:
        out.append(sign + value)
    out.append(value)


def _words(text: str, out: list[str]) -> None:
    for match in _COMPOUND.finditer(text):
        whole = match.group()
        if number := NUMBER.fullmatch(whole):
            _number(*number.groups(), out)
            continue
        pieces = _PIECE.findall(whole)
        if len(pieces) > 1 or whole != pieces[0]:
            out.append(whole)  # the code as a whole, then its pieces
        out.extend(pieces)
