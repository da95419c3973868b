from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "docket.documents"
    label = "documents"
    verbose_name = "Documents"
