from django.conf import settings
from django.db import models

from docket.documents.models import Document


class SearchEntry(models.Model):
    """A document's entry in the full-text index, written in the same transaction as the change
    to the text it is made of (see indexer.py).

    The table is the database's own full-text structure, created per database by migration
    0001: an FTS5 virtual table on SQLite (columns head, body, tails; the rowid is the document
    id) and a table with a tsvector under a GIN index on PostgreSQL (columns vector, overflow).
    Only the key is a Django field: it lets querysets of documents join the index; everything
    else belongs to the backend (backends/).
    """

    document = models.OneToOneField(
        Document,
        primary_key=True,
        db_column="rowid",
        db_constraint=False,
        on_delete=models.DO_NOTHING,
        related_name="search_entry",
    )

    class Meta:
        db_table = "search_index"

    def __str__(self) -> str:
        return f"search entry of document {self.document_id}"


class SavedSearch(models.Model):
    """A query and its filters kept under a name by one user, to run again."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=100)
    query = models.CharField(max_length=1000, blank=True)
    filters = models.JSONField(default=dict, blank=True)  # the API's filter parameters
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_search_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
