"""Background work on documents, run by `docket worker`."""

from django.db import transaction
from django_tasks import task

from docket.documents.models import Version
from docket.search.indexer import index_documents
from docket.storage.blobstore import get_blob_store


@task()
def extract_version_text(version_id: int) -> str:
    """A directly uploaded version's text: its text layer, and OCR for pages without one (the
    same extraction the ingest pipeline uses). Returns the resulting text state."""
    from docket.ingest.extract import text_of
    from docket.ingest.types import IngestError

    version = Version.objects.get(id=version_id)
    data = get_blob_store().read_bytes(version.sha256)
    try:
        text = text_of(data, version.mime_type)
    except IngestError:
        Version.objects.filter(id=version_id).update(text="", text_state=Version.TextState.FAILED)
        raise
    state = Version.TextState.NONE if not text else Version.TextState.DONE
    with transaction.atomic():
        Version.objects.filter(id=version_id).update(text=text or "", text_state=state)
        index_documents([version.document_id])
    return state
