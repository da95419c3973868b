"""The page of results as people see it: documents with their title and a snippet of text,
the query's words marked."""

from dataclasses import dataclass

from django.db.models import Subquery

from docket.documents.models import Document
from docket.documents.selectors import current_versions
from docket.search.query import Node, Not, Term
from docket.search.snippets import highlight_pattern, mark, snippet

# What a hit shows (HitSerializer, web/documents/_results.html): reading only these made the
# page of hits about a quarter cheaper than whole rows of the document, customer and uploader.
HIT_FIELDS = (
    *("id", "title", "archive_number", "status", "document_date", "created_at"),
    *("customer__id", "customer__name", "customer__code", "document_type"),
    *("created_by__id", "created_by__username"),
)


@dataclass
class Hit:
    document: Document
    rank: float | None
    title_html: str
    snippet_html: str


def hits_for(page: list[tuple[int, float | None]], positive: Node | None) -> list[Hit]:
    ids = [document_id for document_id, _ in page]
    documents = {
        d.id: d
        for d in Document.all_objects.filter(id__in=ids)
        .select_related("customer", "document_type", "created_by")
        .only(*HIT_FIELDS)
        .prefetch_related("tags")
        .annotate(body=Subquery(current_versions.values("text")[:1]))
    }
    pattern = highlight_pattern(needles(positive))
    return [
        Hit(
            document=documents[document_id],
            rank=rank,
            title_html=mark(documents[document_id].title, pattern),
            snippet_html=snippet(documents[document_id].body or "", pattern),
        )
        for document_id, rank in page
        if document_id in documents
    ]


def needles(node: Node | None) -> list[str]:
    """The texts of the terms that must match (not those under NOT), to mark."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Term):
        return [node.text]
    return [text for child in node.nodes for text in needles(child)]
