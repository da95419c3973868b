"""Background work on documents, run by `docket worker`."""

from django_tasks import task

from docket.documents.models import Version
from docket.documents.text import ExtractionError, extract_text
from docket.storage.blobstore import get_blob_store


@task()
def extract_version_text(version_id: int) -> str:
    """Extract a version's text for comparing versions. Returns the resulting state."""
    version = Version.objects.get(id=version_id)
    data = get_blob_store().read_bytes(version.sha256)
    try:
        text = extract_text(data, version.mime_type)
    except ExtractionError:
        Version.objects.filter(id=version_id).update(text="", text_state=Version.TextState.FAILED)
        raise
    state = Version.TextState.NONE if text is None else Version.TextState.DONE
    Version.objects.filter(id=version_id).update(text=text or "", text_state=state)
    return state
