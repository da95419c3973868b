"""docket reindex: rebuild the full-text index from the documents (after a tokenizer change)."""

from django.core.management.base import BaseCommand
from django.db import transaction
from rich.progress import Progress

from docket.core.maintenance import refresh_planner_statistics
from docket.documents.models import Document
from docket.search.indexer import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index of every document."

    def handle(self, *args: object, **options: object) -> None:
        total = Document.all_objects.count()
        with Progress() as progress, transaction.atomic():
            bar = progress.add_task("indexing", total=total)
            count = reindex_all(lambda done: progress.update(bar, completed=done))
        refresh_planner_statistics()
        self.stdout.write(f"Indexed {count} documents.")
