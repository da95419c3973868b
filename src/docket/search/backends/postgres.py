"""PostgreSQL: a tsvector per document under a GIN index (migration 0001).

The vector is written as a literal with our own tokens, positions and weights (head A, body D),
so PostgreSQL's parser and dictionaries never see the text; queries are tsquery literals built
from tokens, phrases with <->. A tsvector keeps positions only up to 16383 and at most 256 per
word: a document longer than that also stores its text in `overflow`, and such documents are
matched on that text (strpos) rather than on positions that were lost.

A bitmap scan of the GIN index reads its matches in the table's order, oldest first, and must
recheck every phrase against the row. To read the newest matches without reading all of them,
each vector also holds its bucket, one lexeme per BUCKET_IDS consecutive ids (migration 0003):
the run of matches asks for the newest bucket's matches, then the next few buckets', and so on,
and the index intersects the bucket with the words before a row is read. It also holds the
document's filter hints (its type and year, search/hints.py), which the walk below the newest
matches intersects in the same way with a type or date filter.

The index is asked for the term's lexemes without positions (`index_tsquery`), which it
answers exactly with its fast scan, and the phrase is checked on those rows (`ts_match_vq`,
which the planner does not take to the index). A phrase handed to the index makes it read
every lexeme's whole list, and a lexeme such as 项目 is in every document: at 1M documents
that cost about 5 ms a scan. Lexemes in more than COMMON of the documents, by the planner's
statistics, are left to the row check.
"""

import math
import time
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
BUCKET_IDS = 16_384  # fixed: migration 0003 wrote buckets of this size into every vector
BUCKET_MARK = "\ue001"  # a private-use character: no query token starts with it
HINT_MARK = "\ue002"  # the same, for filter hints (search/hints.py; migration 0004)
MARGIN = 1.25  # a window reads this many times the ids the share so far says are needed
REST = 3  # the older ids are read at once if they hold at most this many times what is needed
DENSE = 0.2  # matches in more of the newest ids than this: read ids newest first
COMMON = 0.1  # a lexeme in more documents than this share is left to the row check
STATISTICS_SECONDS = 600  # how long the common lexemes read from pg_stats are kept
_common: tuple[float, frozenset[str]] = (float("-inf"), frozenset())
# ts_rank_cd's weights for D, C, B, A; normalisation 1 divides by 1 + log(length).
RANK = "ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', vector, %s::tsquery, 1)"


class PostgresBackend(SearchBackend):
    lookup_cost = 2  # measured at 1M documents: a walk step about 3 µs, a lookup about 5 µs
    takes_hints = True

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

    def condition(self, node: Node, hints: Sequence[frozenset[str]] = ()) -> tuple[str, list]:
        return _condition(node, "{table}", _index_query(node, hints))

    def lookup_condition(self, node: Node) -> tuple[str, list]:
        """The row check alone: with `@@` there the planner, which expects few matches of any
        words, would read every match through the index and join them to the documents."""
        return _condition(node, "{table}", None)

    def run_of_matches(self, node: Node, limit: int) -> list[int]:
        """Newest first, a window of ids at a time. The first window is the newest bucket
        (with the one below, if it is not yet half full). After it the matches read so far
        say how many ids hold what is still needed: the next window spans that many buckets
        and a margin (one query, where doubling took four for a mid word), or, if the older
        ids hold little more than that, they are read at once (at 1M, a window of 50 buckets
        cost 12 ms, all of the 870 older matches 3 ms). Once matches are known to be dense (DENSE),
        ids are read newest first and checked one by one, which stops as soon as it has
        enough."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT MAX(rowid) FROM search_index")
            newest = cursor.fetchone()[0]
        found: list[int] = []
        top = 0 if newest is None else newest + 1  # ids from `top` on have been read
        while top > 0 and len(found) < limit:
            read = newest + 1 - top
            need, share = limit - len(found), len(found) / (read or 1)
            if share >= DENSE:
                bottom = max(top - math.ceil(2 * need / share), 0)
                found += _matches(node, need, bottom, top, by_index=False)
            elif read and share * top <= REST * need:  # little more than needed is left: all
                bottom = 0
                found += _matches(node, need, bottom, top, by_bucket=False)
            else:
                ids = math.ceil(MARGIN * need / share) if read else BUCKET_IDS // 2
                bottom = max((top - ids) // BUCKET_IDS, 0) * BUCKET_IDS
                found += _matches(node, need, bottom, top)
            top = bottom
        return found

    def ranks(self, node: Node, document_ids: list[int]) -> dict[int, float]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, {RANK} FROM search_index WHERE rowid = ANY(%s::bigint[])",
                [tsquery(node), array_literal(document_ids)],
            )
            return dict(cursor.fetchall())

    def excluding(self, documents: QuerySet[Document], node: Node) -> QuerySet[Document]:
        condition, params = _condition(node, "search_index", _index_query(node))
        matches = RawSQL(f"SELECT rowid FROM search_index WHERE {condition}", params)
        return documents.exclude(id__in=matches)

    def size_bytes(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_total_relation_size('search_index')")
            return int(cursor.fetchone()[0])


def _condition(node: Node, table: str, index_query: str | None) -> tuple[str, list]:
    """SQL for the rows that match: the index narrows them down (`index_query`; None: no
    index but the ids'), then the exact query is checked on each."""
    overflow_sql, overflow_params = overflow_match(node, table)
    match, params = f"ts_match_vq({table}.vector, %s::tsquery)", [tsquery(node)]
    if index_query:
        match, params = f"{table}.vector @@ %s::tsquery AND {match}", [index_query, *params]
    sql = f"(({match}) OR ({table}.overflow <> '' AND {overflow_sql}))"
    return sql, [*params, *overflow_params]


def _index_query(node: Node, hints: Sequence[frozenset[str]] = ()) -> str:
    """What the index is asked: the words' lexemes, and one of each set of hints."""
    query = index_tsquery(node, common_lexemes())
    for hint in hints:
        query += " & (" + " | ".join(_lexeme(hint_lexeme(h)) for h in sorted(hint)) + ")"
    return query


def _matches(
    node: Node, limit: int, bottom: int, top: int, *, by_bucket: bool = True, by_index: bool = True
) -> list[int]:
    """The newest `limit` matches with ids from `bottom` up to `top`. `by_bucket`: the index
    reads only the rows of their buckets (else every match, the rows outside left out);
    `by_index` False: no index but the ids', rows read newest first until `limit` match."""
    query = _index_query(node) if by_index else None
    if query and by_bucket:
        buckets = range(bottom // BUCKET_IDS, (top - 1) // BUCKET_IDS + 1)
        query = f"{query} & ({' | '.join(_lexeme(bucket_lexeme(b)) for b in buckets)})"
    condition, params = _condition(node, "search_index", query)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM search_index WHERE {condition} AND rowid >= %s AND rowid < %s"
            " ORDER BY rowid DESC LIMIT %s",
            [*params, bottom, top, limit],
        )
        return [row[0] for row in cursor.fetchall()]


def common_lexemes() -> frozenset[str]:
    """The lexemes in more than COMMON of the documents, as ANALYZE (or autovacuum) last
    counted them; read again after STATISTICS_SECONDS."""
    global _common
    read_at, lexemes = _common
    if time.monotonic() - read_at < STATISTICS_SECONDS:
        return lexemes
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT u.lexeme FROM pg_stats, unnest(most_common_elems::text::text[],"
            " most_common_elem_freqs) AS u(lexeme, share) WHERE schemaname = current_schema()"
            " AND tablename = 'search_index' AND attname = 'vector' AND u.share > %s",
            [COMMON],
        )
        lexemes = frozenset(row[0] for row in cursor.fetchall())
    _common = (time.monotonic(), lexemes)
    return lexemes


def bucket_lexeme(bucket: int) -> str:
    return f"{BUCKET_MARK}{bucket}"


def hint_lexeme(hint: str) -> str:
    return f"{HINT_MARK}{hint}"


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
    bucket = _lexeme(bucket_lexeme(entry.document_id // BUCKET_IDS))
    hints = [_lexeme(hint_lexeme(hint)) for hint in sorted(entry.hints)]
    return " ".join([*words, bucket, *hints]), complete


def array_literal(ids: Sequence[int]) -> str:
    """The text form of an array of ids, for a `%s::bigint[]` parameter: psycopg adapts a
    list of a thousand ids in about 1.6 ms, this in 0.5 ms."""
    return "{" + ",".join(map(str, ids)) + "}"


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


def index_tsquery(node: Node, common: frozenset[str]) -> str:
    """What the GIN index can answer without reading rows, and that every match satisfies:
    each term's lexemes ANDed without positions, the common ones left out (unless all are);
    the negated parts are left to the exact query."""
    if isinstance(node, Term):
        lead, tokens, prefix = split_term(node)
        words = [(_lexeme(t), t) for t in tokens]
        if prefix:
            words[-1] = (words[-1][0] + ":*", "")  # a prefix is never taken for a lexeme
        if lead:
            words.insert(0, (_lexeme(lead) + ":*", ""))
        kept = [word for word, token in words if token not in common] or [w for w, _ in words]
        return "(" + " & ".join(kept) + ")"
    children = [index_tsquery(c, common) for c in node.nodes if not isinstance(c, Not)]
    return "(" + (" | " if isinstance(node, Or) else " & ").join(children) + ")"


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
