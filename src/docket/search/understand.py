"""Query understanding: plain words that name a customer or a document type become filters, so
`上个月 ABC 的合同` means "contracts of customer ABC dated last month" (the date expression is
found by the parser, dates.py). Only unquoted, top-level words are read this way; quoting a word
("ABC") or `understand=false` searches the words as text instead. The response lists what was
understood, so a person can see it and undo it."""

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q

from docket.search.filters import Resolved, Understood, resolve_customer, resolve_type
from docket.search.query import And, Node, Term

PARTICLE = "的"  # ABC的合同: "ABC's contracts"
MIN_CUSTOMER_CHARS = 2


@dataclass
class Reading:
    expr: Node | None
    filters: list[Q]
    understood: list[Understood]


def understand(expr: Node | None, user: AbstractBaseUser) -> Reading:
    """Take the words that name customers or types out of the query and make them filters."""
    if expr is None:
        return Reading(None, [], [])
    children = list(expr.nodes) if isinstance(expr, And) else [expr]
    kept: list[Node] = []
    filters: list[Q] = []
    understood: list[Understood] = []
    for child in children:
        found = _entities(child, user) if isinstance(child, Term) else None
        if found is None:
            kept.append(child)
            continue
        for resolved in found:
            filters.append(resolved.q)
            understood.append(resolved.understood)
    return Reading(_rebuild(kept), filters, understood)


def _entities(term: Term, user: AbstractBaseUser) -> list[Resolved] | None:
    """What each part of a word names (ABC的合同 → customer, type), or None if any part names
    nothing: then the word is searched as text."""
    if term.quoted or term.prefix:
        return None
    parts = [part for part in term.text.split(PARTICLE) if part.strip()]
    if not parts:
        return None
    found = []
    for part in parts:
        resolved = resolve_type(part)
        if resolved is None and len(part) >= MIN_CUSTOMER_CHARS:
            resolved = resolve_customer(part, user)
        if resolved is None:
            return None
        found.append(resolved)
    return found


def _rebuild(kept: list[Node]) -> Node | None:
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else And(tuple(kept))
