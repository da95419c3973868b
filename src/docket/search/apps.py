from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "docket.search"
    label = "search"

    def ready(self) -> None:
        post_migrate.connect(build_missing_index, sender=self)


def build_missing_index(**kwargs: object) -> None:
    """An installation upgraded to a version with search has documents and an empty index:
    `docket migrate` builds it once (the same work as `docket reindex`)."""
    from django.db import connection, transaction

    from docket.documents.models import Document
    from docket.search.indexer import reindex_all

    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM search_index)")
        if cursor.fetchone()[0] or not Document.all_objects.exists():
            return
    with transaction.atomic():
        reindex_all()
