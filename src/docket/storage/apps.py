from django.apps import AppConfig
from django.core import checks


class StorageConfig(AppConfig):
    name = "docket.storage"
    label = "storage"
    verbose_name = "Blob store"

    def ready(self) -> None:
        checks.register(check_encryption_keys)


def check_encryption_keys(**kwargs: object) -> list[checks.CheckMessage]:
    """A malformed DOCKET_ENCRYPTION_KEY stops `docket serve`, `worker`, `check`… at start,
    not at the first blob a user opens."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from docket.storage.crypto import Keyring

    try:
        Keyring.from_config(settings.BLOB_STORE)
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="storage.E001")]
    return []
