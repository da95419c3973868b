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

Steps: clean the text, lex it into tokens (lexer.py), take out field filters, take out one
date expression from the bare words, turn words and phrases into Terms, repair the operator
sequence, build the tree.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_noop as _

from docket.core.notices import Notice
from docket.search.dates import DateRange, find_date, parse_date_value
from docket.search.lexer import (
    _DATE_FIELDS,
    FIELD_ALIASES,
    FIELDS,
    MAX_DEPTH,
    MAX_QUERY_CHARS,
    Lexer,
    Token,
    clean,
)
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


# The repaired sequence the tree is built from: Terms and operators ("&" is an implied AND).
_Item = Term | str


def parse(raw: str, today: datetime.date) -> ParsedQuery:
    """Parses what someone typed into the search box. Never raises."""
    notices: list[str] = []
    text = clean(raw, notices)
    tokens = Lexer(text, notices).run()
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


def _take_fields(
    tokens: list[Token], today: datetime.date, notices: list[str]
) -> tuple[list[Token], list[FieldFilter]]:
    """Takes field filters out of the token stream; a NOT or '-' before one negates it."""
    rest: list[Token] = []
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


def _take_date(tokens: list[Token], today: datetime.date) -> tuple[list[Token], DateRange | None]:
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
            words = [Token("WORD", word) for word in rest.split()]
            return tokens[:start] + words + tokens[end:], found
        start = end
    return tokens, None


def _terms(tokens: list[Token]) -> tuple[list[_Item], list[str]]:
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
