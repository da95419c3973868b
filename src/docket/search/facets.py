"""Facet counts of a result set: how many of the matching documents belong to each customer,
type, tag and year. They are counted on the candidates the search fetched (the same
permission-filtered rows as the results), so a document the user cannot see is never counted,
and the index is read once for results and facets together."""

import json
from collections import Counter
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, FloatField, Func, IntegerField, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, ExtractYear

from docket.customers.models import Customer
from docket.documents.models import Document, DocumentType, Tag
from docket.search.backends.postgres import array_literal

TOP = 20


class Candidate(NamedTuple):
    """A matching document, as the search fetches it: thousands per query, so plain numbers
    (converting each row's dates to Python objects once took as long as the query)."""

    id: int
    customer_id: int
    type_id: int
    year: int  # of the document's date, or else of its upload (local time)
    created: float  # upload time, seconds since 1970
    rank: float | None  # None: not ranked (no words, or too many matches)


class Epoch(Func):
    """A datetime column as seconds since 1970."""

    output_field = FloatField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        template = "((julianday(%(expressions)s) - 2440587.5) * 86400.0)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        template = "EXTRACT(EPOCH FROM %(expressions)s)::float8"
        return self.as_sql(compiler, connection, template=template, **extra)


class DateYear(Func):
    """The year of a date column, in SQL (Django's ExtractYear calls Python per row on
    SQLite)."""

    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        template = "CAST(substr(%(expressions)s, 1, 4) AS INTEGER)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list]:
        template = "EXTRACT(YEAR FROM %(expressions)s)::integer"
        return self.as_sql(compiler, connection, template=template, **extra)


CANDIDATE_COLUMNS = {
    "candidate_year": Coalesce(
        DateYear("document_date"), ExtractYear("created_at"), output_field=IntegerField()
    ),
    "candidate_created": Epoch("created_at"),
}
CANDIDATE_FIELDS = ("id", "customer_id", "document_type_id", *CANDIDATE_COLUMNS)


def candidate_rows(documents: QuerySet[Document], limit: int) -> list[tuple]:
    """The first `limit` documents as Candidate fields without the rank, read straight from
    the cursor: Django's row-by-row iteration cost as much as the query over thousands."""
    query = documents.annotate(**CANDIDATE_COLUMNS).values_list(*CANDIDATE_FIELDS)[:limit]
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (id__in=[])
        return []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def facet_counts(candidates: list[Candidate]) -> dict[str, list[dict]]:
    customers = Counter(c.customer_id for c in candidates)
    types = Counter(c.type_id for c in candidates)
    years = Counter(c.year for c in candidates)
    return {
        "customer": _named(customers, Customer),
        "type": _named(types, DocumentType),
        "tag": _named(_tag_counts([c.id for c in candidates]), Tag),
        "year": [{"value": y, "count": n} for y, n in sorted(years.items(), reverse=True)][:TOP],
    }


def _tag_counts(ids: list[int]) -> Counter[int]:
    counts = (
        Document.tags.through.objects.filter(document_id__in=id_subquery(ids))
        .values_list("tag_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Counter(dict(counts))


def id_subquery(ids: list[int]) -> RawSQL:
    """These ids as a subquery for `__in`. They go in as one parameter (an array, or JSON on
    SQLite): thousands of separate parameters cost more to build than the query costs to
    run."""
    if connection.vendor == "postgresql":
        return RawSQL("SELECT unnest(%s::bigint[])", [array_literal(ids)])
    return RawSQL("SELECT value FROM json_each(%s)", [json.dumps(ids)])


def _named(counts: Counter[int], model: type) -> list[dict]:
    """The TOP most counted, by count then name. Which of those tied at the cut make it in
    goes by id: naming them all would read hundreds of names when most counts are 1."""
    top = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    names = dict(model.objects.filter(id__in=[i for i, _ in top]).values_list("id", "name"))
    rows = [{"id": i, "name": names.get(i, ""), "count": n} for i, n in top]
    rows.sort(key=lambda row: (-row["count"], row["name"]))
    return rows
