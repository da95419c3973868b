from django.apps import AppConfig


class StorageConfig(AppConfig):
    name = "docket.storage"
    label = "storage"
    verbose_name = "Blob store"
