"""Matching rules written by people: "a document mentioning 购销合同 is a contract", "tag 重要
when the text says 加急". One rule names one target (a document type, tag or customer) and a
pattern in one of five modes:

    any     any of the words (whitespace-separated; "quoted phrases" stay together)
    all     every one of the words, anywhere, in any order
    exact   the pattern as one phrase (runs of whitespace match any whitespace)
    regex   a Python regular expression, searched in the text
    fuzzy   the pattern, allowing a few wrong characters (OCR misreads): similarity >= 0.8

Chinese has no spaces between words, so words match as substrings; a word that starts or ends
with a Latin letter or digit must not touch another there (HT does not match in CHT or HT2).
Text and patterns are NFKC-normalised (full-width = half-width); case is ignored unless the
rule says otherwise. Regular expressions see the normalised text but are not themselves
normalised, since NFKC would turn （ into a group-opening (.

validate_rule() is where a bad rule is refused, with a message for the person writing it.
apply_rules() never raises for a rule: one that slipped past validation is logged and skipped,
so a single bad rule cannot stop every upload.

Trust: regular expressions come from users allowed to manage rules. Python's re has no time
limit, so a pathological pattern can be slow (ReDoS); rule management is an admin right."""

import functools
import logging
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from docket.ingest.classify.fuzzy import fuzzy_contains
from docket.ingest.classify.suggestions import TARGET_KINDS, Suggestion

__all__ = ["FUZZY_THRESHOLD", "MODES", "Rule", "apply_rules", "validate_rule"]

logger = logging.getLogger(__name__)

MODES = ("any", "all", "exact", "regex", "fuzzy")
FUZZY_THRESHOLD = 0.8  # 1 wrong character in 5
MAX_PATTERN_LENGTH = 1000
_WORDS = re.compile(r'"([^"]+)"|(\S+)')
_ALNUM = re.compile(r"[A-Za-z0-9]")

Matcher = Callable[[str], float]  # normalised text -> confidence, 0.0 for no match


@dataclass(frozen=True)
class Rule:
    target_kind: str  # "type" | "tag" | "customer"
    target_id: int
    mode: str  # one of MODES
    pattern: str
    case_sensitive: bool = False


def _words(pattern: str) -> list[str]:
    return [
        quoted or bare for quoted, bare in _WORDS.findall(unicodedata.normalize("NFKC", pattern))
    ]


def _phrase_regex(phrase: str) -> str:
    """A phrase as a regular expression: literal, whitespace-tolerant, and with Latin/digit
    edges that must not run on into more letters or digits."""
    body = r"\s+".join(re.escape(part) for part in phrase.split())
    before = r"(?<![A-Za-z0-9])" if _ALNUM.match(phrase[0]) else ""
    after = r"(?![A-Za-z0-9])" if _ALNUM.match(phrase[-1]) else ""
    return before + body + after


@functools.lru_cache(maxsize=1024)
def _matcher(mode: str, pattern: str, case_sensitive: bool) -> Matcher:
    """The compiled form of a rule; raises ValueError for one that cannot work."""
    if mode not in MODES:
        raise ValueError(f"unknown match mode {mode!r}; use one of: {', '.join(MODES)}")
    if not pattern.strip():
        raise ValueError("the pattern is empty")
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"the pattern is longer than {MAX_PATTERN_LENGTH} characters")
    flags = 0 if case_sensitive else re.IGNORECASE
    if mode == "regex":
        try:
            compiled = re.compile(pattern, flags)
        except re.error as exc:
            raise ValueError(f"the regular expression is invalid: {exc}") from exc
        if compiled.search(""):
            raise ValueError("the regular expression matches empty text, so every document")
        return lambda text: 1.0 if compiled.search(text) else 0.0
    if mode == "fuzzy":
        needle = unicodedata.normalize("NFKC", pattern).strip()
        needle = needle if case_sensitive else needle.casefold()
        if case_sensitive:
            return lambda text: fuzzy_contains(needle, text, FUZZY_THRESHOLD)
        return lambda text: fuzzy_contains(needle, text.casefold(), FUZZY_THRESHOLD)
    phrases = (
        [unicodedata.normalize("NFKC", pattern).strip()] if mode == "exact" else _words(pattern)
    )
    regexes = [re.compile(_phrase_regex(phrase), flags) for phrase in phrases]
    if mode == "all":
        return lambda text: 1.0 if all(r.search(text) for r in regexes) else 0.0
    return lambda text: 1.0 if any(r.search(text) for r in regexes) else 0.0


def validate_rule(rule: Rule) -> Rule:
    """The rule, if it can work; otherwise ValueError saying what to fix."""
    if rule.target_kind not in TARGET_KINDS:
        raise ValueError(
            f"unknown target kind {rule.target_kind!r}; use one of: {', '.join(TARGET_KINDS)}"
        )
    if (
        isinstance(rule.target_id, bool)
        or not isinstance(rule.target_id, int)
        or rule.target_id < 1
    ):
        raise ValueError("the target id must be a positive integer")
    _matcher(rule.mode, rule.pattern, bool(rule.case_sensitive))
    return rule


def _describe(rule: Rule) -> str:
    return f"rule ({rule.mode}): {rule.pattern}"


def apply_rules(text: str, rules: Iterable[Rule]) -> list[Suggestion]:
    """One suggestion per target that some rule matched (the most confident rule's), types
    first, then customers, then tags; the most confident first within each."""
    text = unicodedata.normalize("NFKC", text.replace("\x00", ""))
    best: dict[tuple[str, int], Suggestion] = {}
    for rule in rules:
        try:
            matcher = _matcher(rule.mode, rule.pattern, bool(rule.case_sensitive))
        except ValueError as exc:
            logger.warning("skipping invalid rule %r: %s", rule, exc)
            continue
        confidence = matcher(text)
        if not confidence:
            continue
        key = (rule.target_kind, rule.target_id)
        if key not in best or confidence > best[key].confidence:
            best[key] = Suggestion(
                rule.target_kind, rule.target_id, round(confidence, 3), "rule", _describe(rule)
            )
    order = {kind: i for i, kind in enumerate(TARGET_KINDS)}
    return sorted(
        best.values(), key=lambda s: (order.get(s.target_kind, 99), -s.confidence, s.target_id)
    )
