"""The interface both backends implement, and what they may assume about a query.

A backend receives a query tree (search.query: Term, And, Or, Not) that the engine has already
checked: `Not` appears only as a child of an `And` that has at least one positive child, and
every Term has tokens. Terms are matched as phrases of their tokens, so any run of CJK
characters is found exactly as Ctrl-F would find it (overlapping bigrams in a row); a single
CJK character at the edge of a term may be the end or start of a longer run in the text, so it
matches as a prefix (the last one) or on its own (the first one).
"""

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from django.db.models import BooleanField, Exists, F, Field, OuterRef, QuerySet
from django.db.models.expressions import Expression

from docket.documents.models import Document
from docket.search.entry import IndexText
from docket.search.models import SearchEntry
from docket.search.query import Node, Term
from docket.search.tokens import is_cjk


class SearchBackend(ABC):
    lookup_cost: float  # what looking one document up costs, in steps of a walk of matches
    takes_hints: bool  # whether `condition` narrows matches by filter hints (search/hints.py)

    @abstractmethod
    def write(self, entries: Sequence[IndexText]) -> None:
        """Insert or replace these documents' entries, in the caller's transaction."""

    @abstractmethod
    def delete(self, document_ids: Sequence[int]) -> None: ...

    @abstractmethod
    def condition(self, node: Node, hints: Sequence[frozenset[str]] = ()) -> tuple[str, list[Any]]:
        """SQL that is true for an entry that matches, `{table}` standing for the index. It
        may also leave out entries without one of each set of `hints` (search/hints.py): the
        caller's filters leave those out anyway."""

    @abstractmethod
    def run_of_matches(self, node: Node, limit: int) -> list[int]:
        """Up to `limit` ids of matching documents, the newest first: all of them when there
        are fewer, and else the newest `limit`, which also tell how densely matches lie."""

    @abstractmethod
    def ranks(self, node: Node, document_ids: list[int]) -> dict[int, float]:
        """The rank (higher is better) of each of these matching documents. For a few
        hundred: it may read the index as far as they span."""

    @abstractmethod
    def excluding(self, documents: QuerySet[Document], node: Node) -> QuerySet[Document]:
        """The documents that do not match."""

    @abstractmethod
    def size_bytes(self) -> int:
        """The space the index takes on disk."""

    def matching(
        self,
        documents: QuerySet[Document],
        node: Node,
        *,
        below: int | None = None,
        hints: Sequence[frozenset[str]] = (),
    ) -> QuerySet[Document]:
        """The documents that match, joined to the index (which the database may walk);
        with `below`, only those with smaller ids (the constraint is on the index's own
        rowid, where the index can seek to it); `hints`: those of the filters on
        `documents`."""
        sql, params = self.condition(node, hints)
        if below is not None:
            sql, params = f"{sql} AND {{table}}.rowid < %s", [*params, below]
        condition = IndexSQL(sql, params, BooleanField())
        return documents.filter(search_entry__isnull=False).filter(condition)

    def lookup_condition(self, node: Node) -> tuple[str, list[Any]]:
        """`condition` for an entry already found by its rowid."""
        return self.condition(node)

    def matching_each(self, documents: QuerySet[Document], node: Node) -> QuerySet[Document]:
        """The documents that match, each looked up in the index: for a few documents."""
        sql, params = self.lookup_condition(node)
        entry = SearchEntry.objects.filter(document=OuterRef("pk"))
        entry = entry.filter(IndexSQL(sql, params, BooleanField(), ref="pk"))
        return documents.filter(Exists(entry))


def single_cjk(token: str) -> bool:
    return len(token) == 1 and is_cjk(token)


def split_term(term: Term) -> tuple[str | None, list[str], bool]:
    """(lead, phrase tokens, last is a prefix). A single CJK character that starts a longer
    term is split off: in the text it may end a longer run (上海ABC for 海ABC)."""
    tokens = list(term.tokens)
    lead = None
    if len(tokens) > 1 and single_cjk(tokens[0]):
        lead = tokens.pop(0)
    return lead, tokens, term.prefix or single_cjk(tokens[-1])


class IndexSQL(Expression):
    """SQL about the index table, with `{table}` standing for its alias in this query. From
    documents, referring to `search_entry` makes Django join the index (rowid = id); from the
    index itself (`ref="pk"`) it is the table of the query. The alias follows the query when
    Django relabels it as a subquery."""

    def __init__(
        self,
        template: str,
        params: Sequence[Any],
        output_field: Field,
        ref: str = "search_entry__pk",
    ) -> None:
        super().__init__(output_field=output_field)
        self.template = template
        self.params = list(params)
        self.ref: Any = F(ref)

    def get_source_expressions(self) -> list[Any]:
        return [self.ref]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        (self.ref,) = exprs

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias = compiler.quote_name_unless_alias(self.ref.alias)
        return self.template.format(table=alias), list(self.params)
