"""Search: parse the query, understand it, filter by permission and filters, match in the
database's index, rank, count, facet, highlight.

Ranking a term that many documents hold is what makes full-text search slow at a million
documents (DESIGN.md): FTS5's bm25 counts every document that holds each phrase before it
ranks one. So the engine first asks the index whether at most RANK_CAP documents match:

- if so, those that pass the permission and the filters are ranked (bm25 on SQLite,
  ts_rank_cd on PostgreSQL) and all of them counted and faceted;
- if not, matches come newest first, with a notice, found by walking the index newest first
  or, when the filters leave at most FEW_DOCUMENTS documents (one customer's), by looking
  each of those up in the index. Up to CANDIDATE_CAP are fetched: when there are more, the
  count is a lower bound and the facets cover the newest CANDIDATE_CAP. It equals RANK_CAP,
  so without filters the run of matches already holds every candidate (no second read).

Rare and common terms alike then cost a bounded amount of work (benchmarks/search.py).
"""

import datetime
import math
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop as _

from docket.core.notices import Notice
from docket.customers.models import Customer
from docket.customers.selectors import customers_matching, visible_customers
from docket.documents.models import Document
from docket.documents.selectors import visible_documents
from docket.search.backends import get_backend
from docket.search.facets import Candidate, candidate_rows, facet_counts, id_subquery
from docket.search.filters import (
    Understood,
    date_understood,
    document_date_q,
    resolve_field,
)
from docket.search.hints import filter_hints
from docket.search.query import And, Node, Not, Or, Term, parse
from docket.search.results import Hit, hits_for
from docket.search.tokens import tokenize
from docket.search.understand import understand

RANK_CAP = 1_000
CANDIDATE_CAP = RANK_CAP
FEW_DOCUMENTS = 1_000
HINTED_SHARE = 0.1  # words in fewer of the documents than this: the walk asks for filter hints
SORTS = ("relevance", "newest", "oldest")


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    filters: tuple[Q, ...] = ()  # from the API's parameters (customer=, type=, …)
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20
    understand: bool = True
    facets: bool = True


@dataclass
class SearchResult:
    hits: list[Hit]
    count: int
    count_exact: bool  # False: there are more than `count` matches
    facets: dict[str, list[dict]] | None
    customers: list[Customer]
    understood: list[Understood] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def search(
    *, user: AbstractBaseUser, params: SearchParams, today: datetime.date | None = None
) -> SearchResult:
    today = today or timezone.localdate()
    parsed = parse(params.q, today)
    notices = list(parsed.notices)
    filters = list(params.filters)
    understood: list[Understood] = []
    for field_filter in parsed.fields:
        resolved = resolve_field(field_filter, today, user)
        filters.append(resolved.q)
        understood += [resolved.understood] if resolved.understood else []
        notices += [resolved.notice] if resolved.notice else []
    expr = parsed.expr
    if parsed.date and params.understand:
        filters.append(document_date_q(parsed.date.start, parsed.date.end))
        understood.append(date_understood("date", parsed.date))
    elif parsed.date:  # searched as the words they are
        expr = _and(expr, Term(parsed.date.text, tuple(tokenize(parsed.date.text))))
    if params.understand:
        reading = understand(expr, user)
        expr, filters, understood = (
            reading.expr,
            filters + reading.filters,
            understood + reading.understood,
        )

    return run(
        user=user, expr=expr, filters=filters, params=params, notices=notices, understood=understood
    )


def run(
    *,
    user: AbstractBaseUser,
    expr: Node | None,
    filters: list[Q],
    params: SearchParams,
    notices: list[str] | None = None,
    understood: list[Understood] | None = None,
) -> SearchResult:
    """Search with a query tree already built (by `search`, or by similar.py)."""
    notices = notices if notices is not None else []
    understood = understood or []
    documents = visible_documents(user=user).filter(*filters)
    positive, negatives = split_negatives(expr, notices)
    backend = get_backend()
    for negative in negatives:
        documents = backend.excluding(documents, negative)
    run_of_matches, found, few = [], None, False
    if positive is not None:
        run_of_matches = backend.run_of_matches(positive, RANK_CAP + 1)
        found = run_of_matches if len(run_of_matches) <= RANK_CAP else None
    hints = _hints(filters, run_of_matches)
    if positive is None:
        matched = documents.order_by("-created_at", "-id")
    elif found is not None:  # few match in the whole index: those that pass the filters
        matched = documents.filter(id__in=id_subquery(found)).order_by("-id")
    elif few := not _narrowed(hints, filters) and _few(documents, share_matching(run_of_matches)):
        matched = backend.matching_each(documents, positive).order_by("-id")
    else:  # walk the index, newest first: narrowed by hints from the newest, else
        # _newest_matching reuses the run (later pages by date from here)
        matched = backend.matching(documents, positive, hints=hints).order_by("-search_entry")
    if positive is not None and found is None and not few and not hints:
        rows = _newest_matching(documents, positive, run_of_matches)
    else:
        rows = candidate_rows(matched, CANDIDATE_CAP + 1)
    count_exact = len(rows) <= CANDIDATE_CAP
    ranked = found is not None and params.sort == "relevance"
    ranks = backend.ranks(positive, [row[0] for row in rows]) if ranked else {}
    if positive is not None and found is None and params.sort == "relevance":
        notices.append(
            Notice(
                _(
                    "more than %(cap)s documents hold these words, too many to rank: "
                    "the newest come first"
                ),
                cap=f"{RANK_CAP:,}",
            )
        )
    candidates = [
        Candidate(*row, rank=ranks.get(row[0], 0.0) if ranked else None)
        for row in rows[:CANDIDATE_CAP]
    ]
    start = (max(params.page, 1) - 1) * params.page_size
    end = start + params.page_size
    if not count_exact and (params.sort == "oldest" or end > CANDIDATE_CAP):
        # Pages the candidates (the newest) do not hold: from the database, by date.
        order = ("created_at", "id") if params.sort == "oldest" else ("-created_at", "-id")
        page_ids = matched.order_by(*order).values_list("id", flat=True)
        page = [(i, None) for i in page_ids[start:end]]
    elif not count_exact:  # the candidates are the newest matches, newest first
        page = [(c.id, None) for c in candidates[start:end]]
    else:
        ordered = sorted(candidates, key=_sort_key(params.sort, ranked))
        page = [(c.id, c.rank) for c in ordered[start:end]]
    return SearchResult(
        hits=hits_for(page, positive),
        count=len(candidates),
        count_exact=count_exact,
        facets=facet_counts(candidates) if params.facets else None,
        customers=_customers(user, params.q, understood),
        understood=understood,
        notices=notices,
    )


def _hints(filters: list[Q], run_of_matches: list[int]) -> list[frozenset[str]]:
    """The filters' hints, if the index takes them and the words are not in many documents:
    those are walked newest first faster than all their matches are intersected with the
    hints (at 1M on PostgreSQL, a common word with a type and a year: 101 against 275 ms)."""
    if not get_backend().takes_hints or share_matching(run_of_matches) >= HINTED_SHARE:
        return []
    return filter_hints(filters)


def _narrowed(hints: list[frozenset[str]], filters: list[Q]) -> bool:
    """Whether the index narrows the matches to every filter's own: then a walk reads
    hardly more than what passes, and looking documents up (_few) cannot cost less."""
    return bool(hints) and len(hints) == len(filters)


def _newest_matching(documents: QuerySet[Document], positive: Node, run: list[int]) -> list:
    """The walk's candidate rows, without walking again what the run of matches read (the
    newest matches): those of the run that pass the permission and filters, then, if they are
    too few, the walk below the run."""
    in_run = documents.filter(id__in=id_subquery(run)).order_by("-id")
    rows = candidate_rows(in_run, CANDIDATE_CAP + 1)
    if len(rows) <= CANDIDATE_CAP:
        below = get_backend().matching(documents, positive, below=min(run))
        rows += candidate_rows(below.order_by("-search_entry"), CANDIDATE_CAP + 1 - len(rows))
    return rows


def share_matching(run_of_matches: list[int]) -> float:
    """The share of all documents that match, judged by how many ids the run spans."""
    if not run_of_matches:
        return 0.0
    return len(run_of_matches) / (max(run_of_matches) - min(run_of_matches) + 1)


def _few(documents: QuerySet[Document], share: float) -> bool:
    """Whether looking each document up in the index costs less than walking its matches:
    when the permission and filters leave few documents (one customer's, say) and the words
    are in many more. A lookup costs about `lookup_cost` steps of a walk (the backend's)."""
    newest = Document.all_objects.order_by("-id").values_list("id", flat=True).first()
    bound = share * (newest or 0) / get_backend().lookup_cost  # fewer than this: look them up
    cap = min(FEW_DOCUMENTS, math.ceil(bound) - 1)
    if cap < 0:
        return False
    # Counted only as far as it matters: a filter may leave many documents to count.
    return documents.order_by().values("id")[: cap + 1].count() <= cap


def _sort_key(sort: str, ranked: bool):  # noqa: ANN202 (a key function)
    if sort == "oldest":
        return lambda c: (c.created, c.id)
    if sort == "newest" or not ranked:
        return lambda c: (-c.created, -c.id)
    return lambda c: (-c.rank, -c.created, -c.id)


def split_negatives(expr: Node | None, notices: list[str]) -> tuple[Node | None, list[Node]]:
    """(what must match, what must not): the form backends take (see backends/base.py)."""
    if expr is None:
        return None, []
    if isinstance(expr, Not):
        inner = _checked(expr.node, notices)
        return None, [inner] if inner is not None else []
    if isinstance(expr, And) and all(isinstance(c, Not) for c in expr.nodes):
        inner = (_checked(c.node, notices) for c in expr.nodes)
        return None, [n for n in inner if n is not None]
    return _checked(expr, notices), []


def _checked(node: Node, notices: list[str]) -> Node | None:
    """The node with every purely negative part that a backend cannot match on its own
    (`a OR -b`) left out, with a notice."""
    if isinstance(node, Term):
        return node
    if isinstance(node, Not):
        return None
    if isinstance(node, Or):
        kept = [k for c in node.nodes if (k := _checked(c, notices)) is not None]
        if len(kept) < len(node.nodes):
            notices.append(Notice(_("an OR with a negated side was searched without that side")))
        return _collapse(Or, kept)
    positive = [k for c in node.nodes if not isinstance(c, Not) and (k := _checked(c, notices))]
    negative = [
        Not(k) for c in node.nodes if isinstance(c, Not) and (k := _checked(c.node, notices))
    ]
    if not positive:
        if negative:
            notices.append(Notice(_("a group with only negated words was left out")))
        return None
    return _collapse(And, positive + negative)


def _collapse(kind: type, nodes: list[Node]) -> Node | None:
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else kind(tuple(nodes))


def _and(expr: Node | None, term: Term) -> Node:
    if not term.tokens:
        return expr
    return term if expr is None else And((expr, term))


def _customers(user: AbstractBaseUser, q: str, understood: list[Understood]) -> list[Customer]:
    """Customers the query names (by name, code, pinyin or initials), for a quick jump to
    their page."""
    ids = {c["id"] for u in understood if u.kind == "customer" for c in u.values}
    matches = Q(id__in=ids)
    if (text := " ".join(q.split())) and ":" not in text:
        matches |= Q(id__in=customers_matching(text).values("id"))
    return list(visible_customers(user=user).filter(matches).order_by("name")[:5])
