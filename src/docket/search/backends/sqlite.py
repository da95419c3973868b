"""SQLite: an FTS5 table (migration 0001) holding the tokenizer's output as space-separated
tokens. FTS5's `ascii` tokenizer then only splits on spaces, so FTS5 sees exactly our tokens;
queries are built from tokens, each quoted, so user input never reaches FTS5 syntax."""

from collections.abc import Sequence

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from docket.documents.models import Document
from docket.search.backends.base import SearchBackend, split_term
from docket.search.entry import IndexText
from docket.search.query import And, Node, Not, Or, Term

# bm25 weights of the columns head, body, tails: a word in the title or the customer's name
# counts for more than one in the body; a lone character at the end of a run for less.
RANK = "-bm25(search_index, 4.0, 1.0, 0.5)"


class SqliteBackend(SearchBackend):
    lookup_cost = 30  # measured at 1M documents: a walk step 1-5 µs, a lookup 30-150 µs
    takes_hints = False  # FTS5 holds no hints

    def write(self, entries: Sequence[IndexText]) -> None:
        if not entries:
            return
        self.delete([entry.document_id for entry in entries])
        rows = [
            (
                entry.document_id,
                " ".join(entry.head_tokens()),
                " ".join(entry.body),
                " ".join(sorted(entry.tails)),
            )
            for entry in entries
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_index (rowid, head, body, tails) VALUES (%s, %s, %s, %s)",
                rows,
            )

    def delete(self, document_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(document_ids), 500):
                chunk = list(document_ids[start : start + 500])
                marks = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"DELETE FROM search_index WHERE rowid IN ({marks})", chunk)

    def condition(self, node: Node, hints: Sequence[frozenset[str]] = ()) -> tuple[str, list]:
        return "{table}.search_index MATCH %s", [fts_query(node)]

    def run_of_matches(self, node: Node, limit: int) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM search_index WHERE search_index MATCH %s"
                " ORDER BY rowid DESC LIMIT %s",
                [fts_query(node), limit],
            )
            return [row[0] for row in cursor.fetchall()]

    def ranks(self, node: Node, document_ids: list[int]) -> dict[int, float]:
        """bm25 over the span of rowids the documents lie in. Not by rowid, one at a time:
        bm25 counts every document that holds each phrase anew for each lookup."""
        if not document_ids:
            return {}
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, {RANK} FROM search_index WHERE search_index MATCH %s"
                " AND rowid BETWEEN %s AND %s",
                [fts_query(node), min(document_ids), max(document_ids)],
            )
            return dict(cursor.fetchall())

    def excluding(self, documents: QuerySet[Document], node: Node) -> QuerySet[Document]:
        matches = RawSQL(
            "SELECT rowid FROM search_index WHERE search_index MATCH %s", [fts_query(node)]
        )
        return documents.exclude(id__in=matches)

    def size_bytes(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT COALESCE(SUM(LENGTH(block)), 0) FROM search_index_data)"
                " + (SELECT COALESCE(SUM(LENGTH(c0) + LENGTH(c1) + LENGTH(c2)), 0)"
                " FROM search_index_content)"
            )
            return int(cursor.fetchone()[0])


def fts_query(node: Node) -> str:
    """An FTS5 query string for a checked query tree (see base.py)."""
    if isinstance(node, Term):
        return _term(node)
    if isinstance(node, Or):
        return " OR ".join(f"({fts_query(child)})" for child in node.nodes)
    if isinstance(node, And):
        positive = [c for c in node.nodes if not isinstance(c, Not)]
        negative = [c.node for c in node.nodes if isinstance(c, Not)]
        query = " AND ".join(f"({fts_query(child)})" for child in positive)
        for child in negative:  # FTS5's NOT is binary: a NOT b
            query = f"({query}) NOT ({fts_query(child)})"
        return query
    raise ValueError(f"a backend cannot match {node!r} on its own")


def _quote(tokens: Sequence[str]) -> str:
    return '"' + " ".join(tokens).replace('"', '""') + '"'


def _term(term: Term) -> str:
    lead, tokens, prefix = split_term(term)
    phrase = _quote(tokens) + (" *" if prefix else "")
    if lead is None:
        return phrase
    return f"({_quote([lead])} *) AND ({phrase})"
