"""PostgreSQL: a tsvector per document under a GIN index (migration 0001).

The vector is written as a literal with our own tokens, positions and weights (head A, body D),
so PostgreSQL's parser and dictionaries never see the text; queries are tsquery literals built
from tokens, phrases with <->. A tsvector keeps positions only up to 16383 and at most 256 per
word: a document longer than that also stores its text in `overflow`, and such documents are
matched on that text (strpos) rather than on positions that were lost.
"""

from collections import defaultdict
from collections.abc import Sequence

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from docket.documents.models import Document
from docket.search.backends.base import SearchBackend, split_term
from docket.search.entry import FIELD_BREAK, IndexText
from docket.search.query import Node, Not, Or, Term

MAX_POSITION = 16383
MAX_POSITIONS_PER_WORD = 256
MAX_VECTOR_CHARS = 900_000  # a tsvector may not exceed 1 MB
# ts_rank_cd's weights for D, C, B, A; normalisation 1 divides by 1 + log(length).
RANK = "ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', vector, %s::tsquery, 1)"


class PostgresBackend(SearchBackend):
    runs_newest_first = False  # a bitmap scan reads in the table's order

    def write(self, entries: Sequence[IndexText]) -> None:
        rows = []
        for entry in entries:
            vector, complete = tsvector_literal(entry)
            rows.append((entry.document_id, vector, "" if complete else entry.text))
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO search_index (rowid, vector, overflow)"
                " VALUES (%s, %s::tsvector, %s) ON CONFLICT (rowid) DO UPDATE"
                " SET vector = EXCLUDED.vector, overflow = EXCLUDED.overflow",
                rows,
            )

    def delete(self, document_ids: Sequence[int]) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_index WHERE rowid = ANY(%s)", [list(document_ids)])

    def condition(self, node: Node) -> tuple[str, list]:
        return _condition(node, "{table}")

    def run_of_matches(self, node: Node, limit: int) -> list[int]:
        """In the order the bitmap scan reads them (the table's, which is about the ids'):
        ordering by id would check every match first."""
        sql, params = _condition(node, "search_index")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT rowid FROM search_index WHERE {sql} LIMIT %s", [*params, limit])
            return [row[0] for row in cursor.fetchall()]

    def ranks(self, node: Node, document_ids: list[int]) -> dict[int, float]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, {RANK} FROM search_index WHERE rowid = ANY(%s)",
                [tsquery(node), list(document_ids)],
            )
            return dict(cursor.fetchall())

    def excluding(self, documents: QuerySet[Document], node: Node) -> QuerySet[Document]:
        condition, params = _condition(node, "search_index")
        matches = RawSQL(f"SELECT rowid FROM search_index WHERE {condition}", params)
        return documents.exclude(id__in=matches)

    def size_bytes(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('search_index')")
            return int(cursor.fetchone()[0])


def _condition(node: Node, table: str) -> tuple[str, list]:
    overflow_sql, overflow_params = overflow_match(node, table)
    sql = f"({table}.vector @@ %s::tsquery OR ({table}.overflow <> '' AND {overflow_sql}))"
    return sql, [tsquery(node), *overflow_params]


def tsvector_literal(entry: IndexText) -> tuple[str, bool]:
    """The entry as a tsvector literal, and whether every position fit in it."""
    body = list(entry.body)
    while True:
        literal, complete = _literal(entry, body)
        if len(literal) <= MAX_VECTOR_CHARS:
            return literal, complete and len(body) == len(entry.body)
        body = body[: len(body) // 2]


def _literal(entry: IndexText, body: list[str]) -> tuple[str, bool]:
    positions: dict[str, list[str]] = defaultdict(list)
    position = 0
    for token in entry.head_tokens():
        position += 1
        if token != FIELD_BREAK:
            positions[token].append(f"{min(position, MAX_POSITION)}A")
    position += 1  # a gap: no phrase runs from the head into the body
    for token in [*body, FIELD_BREAK, *sorted(entry.tails)]:
        position += 1
        if token != FIELD_BREAK:
            positions[token].append(str(min(position, MAX_POSITION)))
    complete = position <= MAX_POSITION and all(
        len(p) <= MAX_POSITIONS_PER_WORD for p in positions.values()
    )
    words = (
        f"{_lexeme(token)}:{','.join(dict.fromkeys(p[:MAX_POSITIONS_PER_WORD]))}"
        for token, p in positions.items()
    )
    return " ".join(words), complete


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsquery(node: Node) -> str:
    """A tsquery literal for a checked query tree (see base.py)."""
    if isinstance(node, Term):
        lead, tokens, prefix = split_term(node)
        words = [_lexeme(t) for t in tokens]
        if prefix:
            words[-1] += ":*"
        phrase = " <-> ".join(words)
        return f"{_lexeme(lead)}:* & ({phrase})" if lead else f"({phrase})"
    if isinstance(node, Not):
        return f"!({tsquery(node.node)})"
    operator = " | " if isinstance(node, Or) else " & "
    return "(" + operator.join(tsquery(child) for child in node.nodes) + ")"


def overflow_match(node: Node, table: str) -> tuple[str, list]:
    """SQL that evaluates the query tree on `overflow`, the text of a long document."""
    if isinstance(node, Term):
        return f"(strpos({table}.overflow, %s) > 0)", [needle(node)]
    if isinstance(node, Not):
        sql, params = overflow_match(node.node, table)
        return f"(NOT {sql})", params
    parts = [overflow_match(child, table) for child in node.nodes]
    operator = " OR " if isinstance(node, Or) else " AND "
    return "(" + operator.join(sql for sql, _ in parts) + ")", [p for _, ps in parts for p in ps]


def needle(term: Term) -> str:
    return " ".join(term.text.casefold().split())
