"""Serving a document's bytes: as a download (always an attachment) or as an inline
preview (PDFs and raster images only, sandboxed), and the audit event of each look."""

from django.http import FileResponse
from rest_framework.request import Request

from docket.audit.services import audit_record
from docket.core.errors import UnsupportedPreview
from docket.documents import naming
from docket.documents.models import Document, Version
from docket.storage.blobstore import get_blob_store


def record_read(request: Request, action: str, document: Document, **details: object) -> None:
    """The audit event of a look at a document (reads have no service to record them)."""
    audit_record(
        action=action,
        actor=request.user,
        document_id=document.pk,
        customer_id=document.customer_id,
        request=request,
        details=details or None,
    )


def download_response(document: Document, version: Version) -> FileResponse:
    stream = get_blob_store().open(version.sha256)
    name = naming.download_name(document, original_name=version.original_name)
    response = FileResponse(
        stream, as_attachment=True, filename=name, content_type=version.mime_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Length"] = str(version.size)
    response["ETag"] = f'"{version.sha256}"'
    return response


# Shown in the browser only if the stored bytes were sniffed as one of these at upload (the
# client's claim is never trusted): a PDF in the browser's own viewer, a raster image. SVG
# and HTML can carry scripts and are only ever downloaded.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}
# The preview is a document of its own, sandboxed: no scripts, no same-origin access, no
# requests anywhere; the app's own pages may frame it.
PREVIEW_POLICY = (
    "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
    "frame-ancestors 'self'"
)


def preview_response(document: Document, version: Version) -> FileResponse:
    if version.mime_type not in INLINE_TYPES:
        raise UnsupportedPreview(f"{version.mime_type} is not shown in the browser: download it")
    response = download_response(document, version)
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "attachment", "inline", 1
    )
    response["Content-Security-Policy"] = PREVIEW_POLICY
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response
