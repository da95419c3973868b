from django.apps import AppConfig


class IngestConfig(AppConfig):
    name = "docket.ingest"
    label = "ingest"
    verbose_name = "Ingest"
