"""The documents API: thin views that parse, call a selector or service, and render."""

import dataclasses
import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.utils.dateparse import parse_date
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from docket.access.api import CatalogWritesMixin
from docket.access.models import Permission
from docket.audit.models import AuditEvent
from docket.audit.selectors import filter_audit_events
from docket.audit.serializers import AuditEventSerializer
from docket.audit.services import denial_record
from docket.core.errors import InvalidInput, Locked, NotFound, TooLarge
from docket.documents import catalog, naming, selectors, services
from docket.documents import checkout as checkouts
from docket.documents.diff import version_diff
from docket.documents.edit_changes import hide_unseen_customers
from docket.documents.files import download_response, preview_response, record_read
from docket.documents.models import Document, DocumentType, Tag
from docket.documents.serializers import (
    CheckoutRequestSerializer,
    CheckoutSerializer,
    DiffSerializer,
    DocumentDetailSerializer,
    DocumentSerializer,
    DocumentTypeSerializer,
    DocumentUpdateSerializer,
    DocumentUploadSerializer,
    NameReportSerializer,
    RenameSerializer,
    RestoreSerializer,
    TagSerializer,
    VersionSerializer,
    VersionUploadSerializer,
)

LIST_FILTERS = [
    OpenApiParameter("customer", int),
    OpenApiParameter("type", int),
    OpenApiParameter("tag", int),
    OpenApiParameter("status", str),
    OpenApiParameter("date_after", OpenApiTypes.DATE),
    OpenApiParameter("date_before", OpenApiTypes.DATE),
]


def _int_param(request: Request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit():
        raise InvalidInput(f"{name} must be a whole number", field=name)
    return int(value)


def _date_param(request: Request, name: str) -> datetime.date | None:
    value = request.query_params.get(name)
    if not value:
        return None
    try:
        parsed = parse_date(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise InvalidInput(f"{name} must be a date written YYYY-MM-DD", field=name)
    return parsed


def reject_oversized_body(request: Request) -> None:
    """Refuse an upload by its declared length before reading a byte of it."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > services.max_upload_bytes() + 1024 * 1024:
        raise TooLarge(
            f"file is larger than the limit of {services.max_upload_bytes() // 2**20} MB"
        )


# The document's processing state, from its current version's text extraction; the job's own
# detail (running, failure reason) is at /api/tasks/{task_id}/.
PROCESSING_STATE = {"pending": "queued", "failed": "failed"}


def document_detail_data(document: Document) -> dict:
    version = document.versions.order_by("-number").first()
    document.current_version = version
    document.latest_version = version.number if version else None
    document.checkout = checkouts.active_checkout(document)
    document.processing = {
        "state": PROCESSING_STATE.get(version.text_state, "done") if version else "done",
        "text_state": version.text_state if version else None,
        "task_id": version.text_task_id if version else "",
    }
    return DocumentDetailSerializer(document).data


class DocumentViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> QuerySet[Document]:
        request = self.request
        return selectors.document_list(
            user=request.user,
            customer=_int_param(request, "customer"),
            document_type=_int_param(request, "type"),
            tag=_int_param(request, "tag"),
            status=request.query_params.get("status") or None,
            date_after=_date_param(request, "date_after"),
            date_before=_date_param(request, "date_before"),
        )

    def _document(
        self, pk: str, permission: str = Permission.VIEW, *, content: bool = True
    ) -> Document:
        if not str(pk).isdigit():
            raise InvalidInput("a document id is a whole number")
        return selectors.document_get(
            user=self.request.user, document_id=int(pk), permission=permission, content=content
        )

    @extend_schema(parameters=LIST_FILTERS)
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=DocumentUploadSerializer, responses={201: DocumentDetailSerializer})
    def create(self, request: Request) -> Response:
        reject_oversized_body(request)
        body = DocumentUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        upload = data["file"]
        document = services.document_upload(
            actor=request.user,
            file=upload,
            filename=upload.name or "",
            customer=data["customer"],
            document_type=data["type"],
            title=data.get("title", ""),
            document_date=data.get("document_date"),
            tags=[
                catalog.tag_get_or_create(actor=request.user, name=n) for n in data.get("tags", [])
            ],
            notes=data.get("notes", ""),
            comment=data.get("comment", ""),
        )
        return Response(document_detail_data(document), status=201)

    @extend_schema(responses=DocumentDetailSerializer)
    def retrieve(self, request: Request, pk: str) -> Response:
        document = self._document(pk, content=False)
        record_read(request, AuditEvent.Action.VIEW, document)
        return Response(document_detail_data(document))

    @extend_schema(request=DocumentUpdateSerializer, responses=DocumentDetailSerializer)
    def partial_update(self, request: Request, pk: str) -> Response:
        document = self._document(pk, Permission.EDIT)
        body = DocumentUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        fields = dict(body.validated_data)
        with transaction.atomic():  # a refused edit (checked out by another) makes no new tags
            if "tags" in fields:
                fields["tags"] = [
                    catalog.tag_get_or_create(actor=request.user, name=n) for n in fields["tags"]
                ]
            services.document_update(actor=request.user, document=document, **fields)
        return Response(document_detail_data(self._document(pk, content=False)))

    @extend_schema(responses={204: None})
    def destroy(self, request: Request, pk: str) -> Response:
        """Move the document to the trash (restorable from /api/trash/). A refusal is recorded
        as `denied`: a 403 by the exception handler, another's check-out (423) here."""
        document = self._document(pk, Permission.DELETE)
        try:
            services.document_delete(actor=request.user, document=document)
        except Locked:
            denial_record(request=request, document_id=document.pk)
            raise
        return Response(status=204)

    @extend_schema(responses={(200, "image/webp"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def thumbnail(self, request: Request, pk: str) -> HttpResponse:
        """A small WebP picture of the current version's first page (PDF, images, scans)."""
        from docket.ingest.thumbnails import thumbnail_for

        document = self._document(pk)
        image = thumbnail_for(selectors.current_version(document))
        record_read(request, AuditEvent.Action.PREVIEW, document)
        if image is None:
            raise NotFound("this document's format has no page to show")
        response = HttpResponse(image, content_type="image/webp")
        response["Cache-Control"] = "private, max-age=86400"
        return response

    @extend_schema(responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def preview(self, request: Request, pk: str) -> FileResponse:
        """The current version, inline, for PDFs and raster images only (415 otherwise)."""
        document = self._document(pk)
        version = selectors.current_version(document)
        response = preview_response(document, version)
        record_read(request, AuditEvent.Action.PREVIEW, document, version=version.number)
        return response

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str) -> FileResponse:
        document = self._document(pk, Permission.DOWNLOAD)
        version = selectors.current_version(document)
        record_read(request, AuditEvent.Action.DOWNLOAD, document, version=version.number)
        return download_response(document, version)

    @extend_schema(methods=["get"], responses=VersionSerializer(many=True))
    @extend_schema(
        methods=["post"], request=VersionUploadSerializer, responses={201: VersionSerializer}
    )
    @action(detail=True, methods=["get", "post"])
    def versions(self, request: Request, pk: str) -> Response:
        if request.method == "GET":
            document = self._document(pk, content=False)
            versions = document.versions.select_related("author").order_by("number")
            return Response(VersionSerializer(versions, many=True).data)
        document = self._document(pk, Permission.EDIT)
        reject_oversized_body(request)
        body = VersionUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        upload = body.validated_data["file"]
        version = services.version_add(
            actor=request.user,
            document=document,
            file=upload,
            filename=upload.name or "",
            comment=body.validated_data.get("comment", ""),
        )
        return Response(VersionSerializer(version).data, status=201)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"versions/(?P<number>\d+)/download")
    def version_download(self, request: Request, pk: str, number: str) -> FileResponse:
        document = self._document(pk, Permission.DOWNLOAD)
        version = selectors.version_get(document=document, number=int(number))
        record_read(request, AuditEvent.Action.DOWNLOAD, document, version=version.number)
        return download_response(document, version)

    @extend_schema(request=RestoreSerializer, responses={201: VersionSerializer})
    @action(detail=True, methods=["post"], url_path=r"versions/(?P<number>\d+)/restore")
    def version_restore(self, request: Request, pk: str, number: str) -> Response:
        document = self._document(pk, Permission.EDIT)
        body = RestoreSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = services.version_restore(
            actor=request.user,
            document=document,
            number=int(number),
            comment=body.validated_data.get("comment", ""),
        )
        return Response(VersionSerializer(version).data, status=201)

    @extend_schema(responses=AuditEventSerializer(many=True))
    @action(detail=True, methods=["get"])
    def history(self, request: Request, pk: str) -> Response:
        """What happened to this document, newest first: its audit events (everyone who may
        see the document may see its history)."""
        document = self._document(pk, content=False)
        events = filter_audit_events(document_id=document.pk)
        page = hide_unseen_customers(self.paginate_queryset(events), request.user)
        return self.get_paginated_response(AuditEventSerializer(page, many=True).data)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, required=True),
            OpenApiParameter("to", int, required=True),
        ],
        responses=DiffSerializer,
    )
    @action(detail=True, methods=["get"])
    def diff(self, request: Request, pk: str) -> Response:
        document = self._document(pk)
        from_number, to_number = _int_param(request, "from"), _int_param(request, "to")
        if from_number is None or to_number is None:
            raise InvalidInput("give two versions: ?from=N&to=M")
        result = version_diff(document=document, from_number=from_number, to_number=to_number)
        return Response(DiffSerializer(dataclasses.asdict(result)).data)

    @extend_schema(
        methods=["post"], request=CheckoutRequestSerializer, responses={201: CheckoutSerializer}
    )
    @extend_schema(
        methods=["delete"], parameters=[OpenApiParameter("force", bool)], responses={204: None}
    )
    @action(detail=True, methods=["post", "delete"])
    def checkout(self, request: Request, pk: str) -> Response:
        document = self._document(pk, Permission.EDIT)
        if request.method == "DELETE":
            force = request.query_params.get("force", "").lower() in {"1", "true", "yes"}
            checkouts.document_checkin(actor=request.user, document=document, force=force)
            return Response(status=204)
        body = CheckoutRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lock = checkouts.document_checkout(
            actor=request.user, document=document, **body.validated_data
        )
        return Response(CheckoutSerializer(lock).data, status=201)


class TrashViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Deleted documents, restorable until purged."""

    serializer_class = DocumentSerializer

    def get_queryset(self) -> QuerySet[Document]:
        return selectors.document_list(user=self.request.user, trashed=True).order_by("-deleted_at")

    @extend_schema(request=None, responses=DocumentDetailSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request: Request, pk: str) -> Response:
        document = selectors.document_get(
            user=request.user,
            document_id=int(pk) if pk.isdigit() else -1,
            permission=Permission.DELETE,
            include_trashed=True,
        )
        services.document_restore_from_trash(actor=request.user, document=document)
        return Response(document_detail_data(document))


class DocumentTypeViewSet(
    CatalogWritesMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DocumentTypeSerializer
    queryset = DocumentType.objects.all()

    def perform_create(self, serializer: DocumentTypeSerializer) -> None:
        serializer.instance = catalog.document_type_create(
            actor=self.request.user, **serializer.validated_data
        )

    @extend_schema(responses=NameReportSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="naming-report")
    def naming_report(self, request: Request, pk: str) -> Response:
        """This type's documents whose uploaded names did not follow its naming rule."""
        documents = selectors.document_list(user=request.user, document_type=int(pk))
        found = naming.nonconforming(documents)
        return Response(
            NameReportSerializer([dataclasses.asdict(r) for r in found], many=True).data
        )

    @extend_schema(
        parameters=[OpenApiParameter("dry_run", bool)],
        request=None,
        responses=RenameSerializer(many=True),
    )
    @action(detail=True, methods=["post"], url_path="apply-naming")
    def apply_naming(self, request: Request, pk: str) -> Response:
        """Rename this type's documents under its current rule (numbered on conflicts)."""
        dry_run = request.query_params.get("dry_run", "").lower() in {"1", "true", "yes"}
        changes = naming.naming_rule_apply(
            actor=request.user, document_type=self.get_object(), dry_run=dry_run
        ).changes
        return Response(
            RenameSerializer([{"old": o, "new": n} for o, n in changes], many=True).data
        )

    def perform_update(self, serializer: DocumentTypeSerializer) -> None:
        serializer.instance = catalog.document_type_update(
            actor=self.request.user, document_type=serializer.instance, **serializer.validated_data
        )


class TagViewSet(CatalogWritesMixin, viewsets.ModelViewSet):
    serializer_class = TagSerializer
    queryset = Tag.objects.all()

    def perform_create(self, serializer: TagSerializer) -> None:
        serializer.instance = catalog.tag_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: TagSerializer) -> None:
        serializer.instance = catalog.tag_update(
            actor=self.request.user, tag=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: Tag) -> None:
        catalog.tag_delete(actor=self.request.user, tag=instance)
