"""Facet counts of a result set: how many of the matching documents belong to each customer,
type, tag and year. They are counted on the candidates the search fetched (the same
permission-filtered rows as the results), so a document the user cannot see is never counted,
and the index is read once for results and facets together."""

import datetime
import json
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone

from docket.customers.models import Customer
from docket.documents.models import Document, DocumentType, Tag

TOP = 20


@dataclass(frozen=True)
class Candidate:
    id: int
    customer_id: int
    type_id: int
    document_date: datetime.date | None
    created_at: datetime.datetime
    rank: float | None  # None: not ranked (no words, or too many matches)

    @property
    def year(self) -> int:
        if self.document_date is not None:
            return self.document_date.year
        return timezone.localtime(self.created_at).year


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
    """Tags of these documents, counted in the database. The ids go in as one parameter (an
    array, or JSON on SQLite): thousands of separate parameters cost more to build than the
    query costs to run."""
    table = Document.tags.through._meta.db_table
    if connection.vendor == "postgresql":
        where, param = "document_id = ANY(%s)", ids
    else:
        where, param = "document_id IN (SELECT value FROM json_each(%s))", json.dumps(ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tag_id, COUNT(*) FROM {table} WHERE {where} GROUP BY tag_id", [param]
        )
        return Counter(dict(cursor.fetchall()))


def _named(counts: Counter[int], model: type) -> list[dict]:
    top = counts.most_common()
    names = dict(model.objects.filter(id__in=[i for i, _ in top[:200]]).values_list("id", "name"))
    rows = [{"id": i, "name": names.get(i, ""), "count": n} for i, n in top]
    rows.sort(key=lambda row: (-row["count"], row["name"]))
    return rows[:TOP]
