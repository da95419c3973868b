"""Facet counts of a result set: how many of the matching documents belong to each customer,
type, tag and year. They are counted on the same permission-filtered queryset as the results,
so a document the user cannot see is never counted."""

from django.db.models import Count, F, QuerySet
from django.db.models.functions import Coalesce, ExtractYear, TruncDate

from docket.documents.models import Document

TOP = 20


def facet_counts(documents: QuerySet[Document]) -> dict[str, list[dict]]:
    ids = documents.order_by().values("id")
    scope = Document.all_objects.filter(id__in=ids).order_by()
    return {
        "customer": _top(scope, "customer_id", "customer__name"),
        "type": _top(scope, "document_type_id", "document_type__name"),
        "tag": _top(scope.filter(tags__isnull=False), "tags__id", "tags__name"),
        "year": _years(scope),
    }


def _top(scope: QuerySet[Document], key: str, name: str) -> list[dict]:
    rows = scope.values(key, name).annotate(count=Count("id")).order_by("-count", name)[:TOP]
    return [{"id": row[key], "name": row[name], "count": row["count"]} for row in rows]


def _years(scope: QuerySet[Document]) -> list[dict]:
    year = ExtractYear(Coalesce(F("document_date"), TruncDate("created_at")))
    rows = scope.annotate(year=year).values("year").annotate(count=Count("id")).order_by("-year")
    return [{"value": row["year"], "count": row["count"]} for row in rows[:TOP]]
