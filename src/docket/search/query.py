"""The search box's query language, parsed into a small tree. Raw user input never reaches the
database's full-text syntax: this parser is the only reader of it, and it never raises.

    上个月 ABC 的合同              date: last month; terms ABC and 的合同 (ANDed)
    合同 OR 协议, 合同 或 协议, 合同 | 协议
    合同 -草稿, 合同 NOT 草稿       NOT binds tighter than AND, AND tighter than OR
    (合同 OR 协议) 上海             parentheses group
    "上海ABC 贸易" 「年度合同」       a phrase (also “…”): matched as written, never "understood"
    contr*                        the last token matches as a prefix
    customer:"上海ABC" -type:发票   field filters (客户:, 类型:, ...; a full-width colon works)

Whatever is malformed is repaired, and each repair is reported in ParsedQuery.notices: an
unbalanced quote is closed at the end, lone and dangling operators are dropped, unmatched
parentheses are dropped or closed, groups deeper than MAX_DEPTH are flattened, input longer than
MAX_QUERY_CHARS is cut. Understanding customers and document types in the terms is the caller's job.

Steps: clean the text, lex it into tokens, take out field filters, take out one date expression
from the bare words, turn words and phrases into Terms, repair the operator sequence, build the
tree.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext_noop as _

from docket.search.dates import DateRange, find_date, parse_date_value
from docket.search.notices import Notice
from docket.search.tokens import tokenize

__all__ = [
    "FIELDS",
    "FIELD_ALIASES",
    "MAX_DEPTH",
    "MAX_QUERY_CHARS",
    "And",
    "FieldFilter",
    "Node",
    "Not",
    "Or",
    "ParsedQuery",
    "Term",
    "parse",
]

MAX_QUERY_CHARS = 1000
MAX_DEPTH = 20  # parentheses nested deeper than this are flattened


@dataclass(frozen=True)
class Term:
    text: str  # NFKC-normalised, as typed (without quotes or trailing *), for highlighting
    tokens: tuple[str, ...]  # tokenize(text); never empty
    quoted: bool = False  # came from "…": a phrase, never "understood" as a customer/type/date
    prefix: bool = False  # ended with *: the last token matches as a prefix


@dataclass(frozen=True)
class Not:
    node: "Node"


@dataclass(frozen=True)
class And:
    nodes: tuple["Node", ...]  # always at least two


@dataclass(frozen=True)
class Or:
    nodes: tuple["Node", ...]  # always at least two


Node = Term | Not | And | Or


@dataclass(frozen=True)
class FieldFilter:
    field: str  # one of FIELDS
    value: str  # as typed, without quotes
    negated: bool = False  # -type:发票


@dataclass(frozen=True)
class ParsedQuery:
    expr: Node | None  # None: no text condition
    fields: tuple[FieldFilter, ...]
    date: DateRange | None  # from a date expression in the bare (unquoted, non-field) words
    notices: tuple[str, ...]  # English messages about what was repaired or ignored


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
class _Token:
    kind: str  # "(", ")", "AND", "OR", "NOT", "WORD", "PHRASE" or "FIELD"
    text: str = ""  # WORD, PHRASE: the text; FIELD: the value
    field: str = ""  # FIELD: the canonical field name


# The repaired sequence the tree is built from: Terms and operators ("&" is an implied AND).
_Item = Term | str


def parse(raw: str, today: datetime.date) -> ParsedQuery:
    """Parses what someone typed into the search box. Never raises."""
    notices: list[str] = []
    text = _clean(raw, notices)
    tokens = _Lexer(text, notices).run()
    tokens, fields = _take_fields(tokens, today, notices)
    tokens, date = _take_date(tokens, today)
    items, dropped = _terms(tokens)
    items = _repair(items, notices)
    expr = _Parser(items).expr() if items else None
    if expr is None and dropped:
        shown = ", ".join(f'"{_shorten(word)}"' for word in dropped[:5])
        notices.append(
            Notice(_("ignored %(words)s: no letters or digits to search for"), words=shown)
        )
    if expr is None and not fields and date is None and text.strip():
        notices.append(Notice(_("nothing to search for")))
    return ParsedQuery(expr, tuple(fields), date, tuple(dict.fromkeys(notices)))


def _shorten(text: str, limit: int = 20) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _clean(raw: str, notices: list[str]) -> str:
    text = _CONTROL.sub("", raw)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notices.append(Notice(_("query cut to %(limit)s characters"), limit=MAX_QUERY_CHARS))
    return unicodedata.normalize("NFKC", text)


class _Lexer:
    """Splits the text into tokens. Parentheses come out balanced and at most MAX_DEPTH deep."""

    def __init__(self, text: str, notices: list[str]) -> None:
        self.text = text
        self.pos = 0
        self.notices = notices
        self.tokens: list[_Token] = []
        self.parens: list[bool] = []  # for each open "(": whether it was kept
        self.depth = 0  # kept open parentheses
        self.after_minus = False  # the next word is a term even if it reads AND/OR/NOT

    def run(self) -> list[_Token]:
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
                self._emit(_Token("PHRASE", self._quoted()))
            elif char == "-":
                self._minus()
            else:
                self._word()
        if self.depth:
            self.notices.append(Notice(_("unclosed parenthesis closed at the end")))
            self.tokens.extend(_Token(")") for _ in range(self.depth))
        return self.tokens

    def _emit(self, token: _Token) -> None:
        self.tokens.append(token)
        self.after_minus = False

    def _open(self) -> None:
        self.pos += 1
        keep = self.depth < MAX_DEPTH
        self.parens.append(keep)
        if keep:
            self.depth += 1
            self._emit(_Token("("))
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
            self._emit(_Token(")"))

    def _minus(self) -> None:
        self.pos += 1
        following = self.text[self.pos : self.pos + 1]
        if not following or following.isspace() or following == ")":
            self.notices.append(Notice(_("ignored a '-' with nothing after it")))
            return
        self._emit(_Token("NOT"))
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
            self._emit(_Token(operator))
        elif field := _field_match(word):
            self._field(*field)
        else:
            self._emit(_Token("WORD", word))

    def _field(self, name: str, value: str) -> None:
        if not value and self.text[self.pos : self.pos + 1] in _QUOTES:
            value = self._quoted().strip()
        if value:
            self._emit(_Token("FIELD", value, name))
            return
        self.notices.append(Notice(_('ignored "%(field)s:" with no value'), field=name))
        while self.tokens and self.tokens[-1].kind == "NOT":  # -type: negates nothing
            self.tokens.pop()
        self.after_minus = False


def _field_match(word: str) -> tuple[str, str] | None:
    """(canonical field, value) when word is field:value for a known field, else None."""
    match = _FIELD.fullmatch(word)
    if not match:
        return None
    name = match.group(1).casefold()
    canonical = name if name in FIELDS else FIELD_ALIASES.get(name)
    return (canonical, match.group(2)) if canonical else None


def _take_fields(
    tokens: list[_Token], today: datetime.date, notices: list[str]
) -> tuple[list[_Token], list[FieldFilter]]:
    """Takes field filters out of the token stream; a NOT or '-' before one negates it."""
    rest: list[_Token] = []
    fields: list[FieldFilter] = []
    depth = 0
    for index, token in enumerate(tokens):
        depth += {"(": 1, ")": -1}.get(token.kind, 0)
        if token.kind != "FIELD":
            rest.append(token)
            continue
        negated = False
        while rest and rest[-1].kind == "NOT":
            rest.pop()
            negated = not negated
        shown = f"{token.field}:{token.text}"
        following = tokens[index + 1].kind if index + 1 < len(tokens) else ""
        if depth or "OR" in (following, rest[-1].kind if rest else ""):
            notices.append(
                Notice(
                    _("%(field)s applies to the whole query, not inside OR or parentheses"),
                    field=shown,
                )
            )
        if token.field in _DATE_FIELDS and (problem := _date_problem(token.text, today)):
            notices.append(
                Notice(_("ignored %(field)s: %(problem)s"), field=shown, problem=problem)
            )
            continue
        fields.append(FieldFilter(token.field, token.text, negated))
    return rest, fields


def _date_problem(value: str, today: datetime.date) -> str | None:
    try:
        parse_date_value(value, today)
    except ValueError as error:
        return str(error)
    return None


def _take_date(tokens: list[_Token], today: datetime.date) -> tuple[list[_Token], DateRange | None]:
    """Finds the first date expression in a run of bare words (not after NOT or '-'), and
    replaces the run with what is left of it."""
    start = 0
    while start < len(tokens):
        if tokens[start].kind != "WORD" or (start and tokens[start - 1].kind == "NOT"):
            start += 1
            continue
        end = start
        while end < len(tokens) and tokens[end].kind == "WORD":
            end += 1
        rest, found = find_date(" ".join(token.text for token in tokens[start:end]), today)
        if found:
            words = [_Token("WORD", word) for word in rest.split()]
            return tokens[:start] + words + tokens[end:], found
        start = end
    return tokens, None


def _terms(tokens: list[_Token]) -> tuple[list[_Item], list[str]]:
    """Turns words and phrases into Terms; drops those without tokens (returned as text)."""
    items: list[_Item] = []
    dropped: list[str] = []
    for token in tokens:
        if token.kind not in ("WORD", "PHRASE"):
            items.append(token.kind)
            continue
        quoted = token.kind == "PHRASE"
        text = token.text if quoted else token.text.rstrip("*")
        prefix = not quoted and text != token.text
        term_tokens = tuple(tokenize(text))
        if term_tokens:
            items.append(Term(text, term_tokens, quoted, prefix))
        elif token.text.strip():
            dropped.append(token.text)
    return items, dropped


def _ends_operand(item: _Item) -> bool:
    return isinstance(item, Term) or item == ")"


def _repair(items: list[_Item], notices: list[str]) -> list[_Item]:
    """Makes the sequence well-formed: operands joined by AND (implied or typed) or OR, NOT
    before an operand, no empty groups. Parentheses are already balanced."""
    out: list[_Item] = []
    for item in items:
        if isinstance(item, Term) or item in ("(", "NOT"):
            if out and _ends_operand(out[-1]):
                out.append("&")
            out.append(item)
        elif item in ("AND", "OR"):
            if out and out[-1] == "&":
                out.pop()
            if out and _ends_operand(out[-1]):
                out.append(item)
            else:
                notices.append(
                    Notice(_("ignored %(operator)s with no term before it"), operator=item)
                )
        else:  # ")"
            _drop_dangling(out, notices)
            if out and out[-1] == "(":
                out.pop()
                notices.append(Notice(_("ignored empty parentheses")))
                _drop_dangling(out, notices, ("NOT", "&"))
            else:
                out.append(")")
    _drop_dangling(out, notices)
    return out


def _drop_dangling(
    out: list[_Item], notices: list[str], operators: tuple[str, ...] = ("&", "AND", "OR", "NOT")
) -> None:
    """Drops operators at the end of out, which have nothing after them."""
    while out and out[-1] in operators:
        operator = out.pop()
        if operator != "&":
            notices.append(
                Notice(_("ignored %(operator)s with no term after it"), operator=operator)
            )


class _Parser:
    """Builds the tree from a repaired sequence. Recursion is bounded by MAX_DEPTH."""

    def __init__(self, items: list[_Item]) -> None:
        self.items = [*items, ""]  # "" marks the end
        self.pos = 0

    def expr(self) -> Node:
        nodes = [self._and()]
        while self.items[self.pos] == "OR":
            self.pos += 1
            nodes.append(self._and())
        return Or(_flatten(Or, nodes)) if len(nodes) > 1 else nodes[0]

    def _and(self) -> Node:
        nodes = [self._not()]
        while self.items[self.pos] in ("AND", "&"):
            self.pos += 1
            nodes.append(self._not())
        return And(_flatten(And, nodes)) if len(nodes) > 1 else nodes[0]

    def _not(self) -> Node:
        negations = 0
        while self.items[self.pos] == "NOT":
            negations += 1
            self.pos += 1
        node = self._primary()
        if negations % 2:
            return node.node if isinstance(node, Not) else Not(node)
        return node

    def _primary(self) -> Node:
        item = self.items[self.pos]
        self.pos += 1
        if isinstance(item, Term):
            return item
        node = self.expr()  # item is "(": the repair makes every group non-empty and closed
        self.pos += 1  # ")"
        return node


def _flatten(kind: type[And] | type[Or], nodes: list[Node]) -> tuple[Node, ...]:
    flat: list[Node] = []
    for node in nodes:
        flat.extend(node.nodes if isinstance(node, kind) else (node,))
    return tuple(flat)
