"""Keeps the index true to the documents. Every service that changes what a document's entry
is made of (title, customer name, archive number, tags, notes, current version and its text;
type and date, its filter hints)
calls `index_documents` inside its own transaction, so the index commits with the data or not
at all. `docket reindex` rebuilds everything (after a tokenizer change, TOKENIZER_VERSION)."""

from collections.abc import Callable, Iterable

from django.db.models import Subquery

from docket.documents.models import Document
from docket.documents.selectors import current_versions
from docket.search.backends import get_backend
from docket.search.entry import MAX_TOKEN_CHARS, IndexText
from docket.search.hints import document_hints
from docket.search.tokens import prepare, run_ends, tokenize

BATCH = 500


def index_documents(document_ids: Iterable[int]) -> None:
    """Write the entries of these documents (in the trash or not) from their current data."""
    ids = sorted(set(document_ids))
    backend = get_backend()
    for start in range(0, len(ids), BATCH):
        backend.write(index_texts(ids[start : start + BATCH]))


def index_customer(customer_id: int) -> None:
    """After a customer's name changed: its documents carry the name in their entries."""
    index_documents(
        Document.all_objects.filter(customer_id=customer_id).values_list("id", flat=True)
    )


def reindex_all(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild every entry; returns how many documents were indexed."""
    ids = list(Document.all_objects.order_by("id").values_list("id", flat=True))
    backend = get_backend()
    for start in range(0, len(ids), BATCH):
        backend.write(index_texts(ids[start : start + BATCH]))
        if progress:
            progress(min(start + BATCH, len(ids)))
    return len(ids)


def index_texts(document_ids: list[int]) -> list[IndexText]:
    rows = (
        Document.all_objects.filter(id__in=document_ids)
        .annotate(
            body=Subquery(current_versions.values("text")[:1]),
            file_name=Subquery(current_versions.values("original_name")[:1]),
        )
        .values(
            "id",
            "title",
            "customer__name",
            "archive_number",
            "notes",
            "body",
            "file_name",
            "document_type_id",
            "document_date",
            "created_at",
        )
    )
    tags: dict[int, list[str]] = {}
    for document_id, name in Document.tags.through.objects.filter(
        document_id__in=document_ids
    ).values_list("document_id", "tag__name"):
        tags.setdefault(document_id, []).append(name)
    return [
        index_text(
            document_id=row["id"],
            head=[
                row["title"],
                row["customer__name"],
                row["archive_number"],
                row["file_name"] or "",
                *sorted(tags.get(row["id"], [])),
                row["notes"],
            ],
            body=row["body"] or "",
            hints=document_hints(row["document_type_id"], row["document_date"], row["created_at"]),
        )
        for row in rows
    ]


def index_text(
    *, document_id: int, head: list[str], body: str, hints: frozenset[str] = frozenset()
) -> IndexText:
    return IndexText(
        document_id=document_id,
        head=tuple(tuple(_tokens(field)) for field in head if field),
        body=tuple(_tokens(body)),
        tails=frozenset(run_ends("\n".join([*head, body]))),
        text=" ".join(prepare("\n".join([*head, body])).casefold().split()),
        hints=hints,
    )


def _tokens(text: str) -> list[str]:
    return [token for token in tokenize(text) if len(token) <= MAX_TOKEN_CHARS]
