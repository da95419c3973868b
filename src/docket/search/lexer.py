"""The search box's text as tokens: words, "phrases" (with Chinese quotes too), parentheses,
AND / OR / NOT (或, |, -word) and field:value filters. Never raises: what cannot be read is
dropped with a notice (query.py builds the tree from the tokens)."""

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_noop as _

from docket.core.notices import Notice

MAX_QUERY_CHARS = 1000
MAX_DEPTH = 20  # parentheses nested deeper than this are flattened

FIELDS = frozenset({"customer", "type", "tag", "status", "date", "created", "by", "number"})
FIELD_ALIASES = {
    "客户": "customer",
    "类型": "type",
    "标签": "tag",
    "状态": "status",
    "日期": "date",
    "上传": "created",
    "上传人": "by",
    "uploader": "by",
    "编号": "number",
    "archive": "number",
}
_DATE_FIELDS = {"date", "created"}

# Quote characters that open a phrase, each with the characters that close it.
_QUOTES = {'"': '"”', "“": '”"', "”": '”"', "「": "」", "『": "』"}
_QUOTE_ENDS = {opener: re.compile(f"[{closers}]") for opener, closers in _QUOTES.items()}
_WORD_END = re.compile(f"[\\s(){''.join(_QUOTES)}]")
_OPERATORS = {"AND": "AND", "OR": "OR", "NOT": "NOT", "|": "OR", "或": "OR", "或者": "OR"}
_FIELD = re.compile(r"([^\W\d_][^\W_]*):(.*)", re.DOTALL)
# Control characters other than the whitespace ones (\t \n \v \f \r), which separate words.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "WORD", "PHRASE" or "FIELD"
    text: str = ""  # WORD, PHRASE: the text; FIELD: the value
    field: str = ""  # FIELD: the canonical field name


def clean(raw: str, notices: list[str]) -> str:
    text = _CONTROL.sub("", raw)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(Notice(_("query cut to %(limit)s characters"), limit=MAX_QUERY_CHARS))
    return unicodedata.normalize("NFKC", text)


class Lexer:
    """Splits the text into tokens. Parentheses come out balanced and at most MAX_DEPTH deep."""

    def __init__(self, text: str, notices: list[str]) -> None:
        self.text = text
        self.pos = 0
        self.notices = notices
        self.tokens: list[Token] = []
        self.parens: list[bool] = []  # for each open "(": whether it was kept
        self.depth = 0  # kept open parentheses
        self.after_minus = False  # the next word is a term even if it reads AND/OR/NOT

    def run(self) -> list[Token]:
        text = self.text
        while self.pos < len(text):
            char = text[self.pos]
            if char.isspace():
                self.pos += 1
                continue
            if char == "(":
                self._open()
            elif char == ")":
                self._close()
            elif char in _QUOTES:
                self._emit(Token("PHRASE", self._quoted()))
            elif char == "-":
                self._minus()
            else:
                self._word()
        if self.depth:
            self.notices.append(Notice(_("unclosed parenthesis closed at the end")))
            self.tokens.extend(Token(")") for _ in range(self.depth))
        return self.tokens

    def _emit(self, token: Token) -> None:
        self.tokens.append(token)
        self.after_minus = False

    def _open(self) -> None:
        self.pos += 1
        keep = self.depth < MAX_DEPTH
        self.parens.append(keep)
        if keep:
            self.depth += 1
            self._emit(Token("("))
        else:
            self.notices.append(
                Notice(
                    _("parentheses nested deeper than %(limit)s levels flattened"), limit=MAX_DEPTH
                )
            )

    def _close(self) -> None:
        self.pos += 1
        if not self.parens:
            self.notices.append(Notice(_("unmatched ')' ignored")))
        elif self.parens.pop():
            self.depth -= 1
            self._emit(Token(")"))

    def _minus(self) -> None:
        self.pos += 1
        following = self.text[self.pos : self.pos + 1]
        if not following or following.isspace() or following == ")":
            self.notices.append(Notice(_("ignored a '-' with nothing after it")))
            return
        self._emit(Token("NOT"))
        self.after_minus = True

    def _quoted(self) -> str:
        """Reads a quoted phrase starting at pos; closes it at the end if need be."""
        start = self.pos + 1
        closing = _QUOTE_ENDS[self.text[self.pos]].search(self.text, start)
        if not closing:
            self.notices.append(Notice(_("unbalanced quote closed at the end")))
        end = closing.start() if closing else len(self.text)
        self.pos = end + 1
        return self.text[start:end]

    def _word(self) -> None:
        start = self.pos
        end = _WORD_END.search(self.text, start)
        self.pos = end.start() if end else len(self.text)
        word = self.text[start : self.pos]
        operator = None if self.after_minus else _OPERATORS.get(word)
        if operator:
            self._emit(Token(operator))
        elif field := field_match(word):
            self._field(*field)
        else:
            self._emit(Token("WORD", word))

    def _field(self, name: str, value: str) -> None:
        if not value and self.text[self.pos : self.pos + 1] in _QUOTES:
            value = self._quoted().strip()
        if value:
            self._emit(Token("FIELD", value, name))
            return
        self.notices.append(Notice(_('ignored "%(field)s:" with no value'), field=name))
        while self.tokens and self.tokens[-1].kind == "NOT":  # -type: negates nothing
            self.tokens.pop()
        self.after_minus = False


def field_match(word: str) -> tuple[str, str] | None:
    """(canonical field, value) when word is field:value for a known field, else None."""
    match = _FIELD.fullmatch(word)
    if not match:
        return None
    name = match.group(1).casefold()
    canonical = name if name in FIELDS else FIELD_ALIASES.get(name)
    return (canonical, match.group(2)) if canonical else None
