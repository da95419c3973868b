from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DocumentsConfig(AppConfig):
    name = "docket.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        # A migration that rebuilds a SQLite table drops its planner statistics, and without
        # them a search filtered by type took 406 ms instead of 38 ms at 1M documents. So
        # every `docket migrate` ends by refreshing them (1.4 s at 1M documents).
        post_migrate.connect(_refresh_statistics, sender=self)


def _refresh_statistics(**kwargs: object) -> None:
    from docket.core.maintenance import refresh_planner_statistics

    refresh_planner_statistics()
