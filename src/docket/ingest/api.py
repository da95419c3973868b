"""/api/ingest/: submit files to the pipeline, watch their jobs, and work the inbox."""

from collections.abc import Iterable

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.db.models.manager import BaseManager
from django.utils.translation import gettext_noop as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from docket.core.errors import InvalidInput
from docket.core.notices import Notice
from docket.documents.serializers import DocumentTypeField, TagNamesField, customer_field
from docket.ingest import services
from docket.ingest.fields import mask_id
from docket.ingest.models import IngestJob
from docket.ingest.selectors import INBOX_STATES, Seen, jobs_seen, visible_jobs


def _seen(context: dict, jobs: list[IngestJob]) -> Seen:
    request = context.get("request")
    return jobs_seen(user=request.user if request else AnonymousUser(), jobs=jobs)


class IngestJobListSerializer(serializers.ListSerializer):
    """A page of jobs asks once which of the customers and documents they name the user may
    see, not once per job."""

    def to_representation(self, data: Iterable[IngestJob] | BaseManager[IngestJob]) -> list:
        jobs = list(data.all() if isinstance(data, BaseManager) else data)
        if isinstance(self.child, IngestJobSerializer):
            self.child.seen = _seen(self.context, jobs)
        return super().to_representation(jobs)


class IngestJobSerializer(serializers.ModelSerializer):
    """A job as its submitter follows it. A customer or document it names that the user may not
    see is left out (ingest.selectors.Seen): a suggested customer found in the text, the
    archive number of the document a duplicate is identical to."""

    seen: Seen | None = None  # set by IngestJobListSerializer for a whole page
    customer = serializers.StringRelatedField()
    document_type = serializers.StringRelatedField()
    document_archive_number = serializers.CharField(
        source="document.archive_number", default=None, read_only=True
    )

    class Meta:
        model = IngestJob
        fields = [
            "id",
            "source",
            "state",
            "step",
            "reason",
            "attempts",
            "original_name",
            "size",
            "mime_type",
            "sha256",
            "customer",
            "document_type",
            "title",
            "tag_names",
            "page_count",
            "ocr_pages",
            "fields",
            "suggestions",
            "document",
            "document_archive_number",
            "duplicate",
            "parent",
            "created_at",
            "updated_at",
            "finished_at",
            "dismissed_at",
        ]
        list_serializer_class = IngestJobListSerializer

    def to_representation(self, job: IngestJob) -> dict:
        data = super().to_representation(job)
        seen = self.seen or _seen(self.context, [job])
        if job.customer_id not in seen.customer_ids:
            data["customer"] = None
        if "customer" in (job.suggestions or {}):
            data["suggestions"] = {**job.suggestions, "customer": seen.customer_suggestions(job)}
        if job.document_id and job.document_id not in seen.document_ids:
            data["document_archive_number"] = None
            if job.duplicate:  # its reason names the archive number
                data["reason"] = "identical to a document already filed"
        request = self.context.get("request")
        if request is None or not request.user.has_perm("ingest.view_personal_identifiers"):
            fields = dict(data.get("fields") or {})
            fields["id_numbers"] = [mask_id(n) for n in fields.get("id_numbers", [])]
            data["fields"] = fields
        return data


class IngestSubmitSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(allow_empty_file=True), min_length=1)
    customer = customer_field(required=False)
    type = DocumentTypeField(required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    tags = TagNamesField(required=False)


class IngestRetrySerializer(serializers.Serializer):
    password = serializers.CharField(required=False, trim_whitespace=False)
    customer = customer_field(required=False)
    type = DocumentTypeField(required=False)
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    tags = TagNamesField(required=False)


class IngestJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = IngestJobSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    def get_queryset(self) -> QuerySet[IngestJob]:
        qs = visible_jobs(user=self.request.user)
        params = self.request.query_params
        if params.get("inbox", "").lower() in {"1", "true", "yes"}:
            qs = qs.filter(state__in=INBOX_STATES, dismissed_at__isnull=True)
        if state := params.get("state"):
            if state not in IngestJob.State.values:
                raise InvalidInput(
                    Notice(_("unknown state %(state)s"), state=repr(state)), field="state"
                )
            qs = qs.filter(state=state)
        return qs.order_by("-created_at", "id")

    @extend_schema(parameters=[OpenApiParameter("inbox", bool), OpenApiParameter("state", str)])
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=IngestSubmitSerializer, responses={202: IngestJobSerializer(many=True)})
    def create(self, request: Request) -> Response:
        """Submit one or many files (`files`, repeated). Each becomes a job; 202 Accepted."""
        from docket.documents.api import reject_oversized_body

        reject_oversized_body(request)
        fields = {
            k: request.data[k] for k in ("customer", "type", "title", "tags") if k in request.data
        }
        body = IngestSubmitSerializer(data={**fields, "files": request.FILES.getlist("files")})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        jobs = [
            services.ingest_submit(
                actor=request.user,
                file=upload,
                filename=upload.name or "",
                source=IngestJob.Source.UPLOAD,
                customer=data.get("customer"),
                document_type=data.get("type"),
                title=data.get("title", ""),
                tag_names=data.get("tags", []),
            )
            for upload in data["files"]
        ]
        return Response(
            IngestJobSerializer(jobs, many=True, context={"request": request}).data, status=202
        )

    @extend_schema(request=IngestRetrySerializer, responses={202: IngestJobSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request: Request, pk: str) -> Response:
        """Answer a job in the inbox (a password; the customer, type, title, tags), checked as
        the upload page checks it (`ingest_resolve`), and queue it again; 202 Accepted."""
        job = self.get_object()
        body = IngestRetrySerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        job = services.ingest_resolve(
            actor=request.user,
            job=job,
            password=data.get("password"),
            customer=data.get("customer"),
            document_type=data.get("type"),
            title=data.get("title"),
            tag_names=data.get("tags"),
        )
        return Response(IngestJobSerializer(job, context={"request": request}).data, status=202)

    @extend_schema(request=None, responses={200: IngestJobSerializer})
    @action(detail=True, methods=["post"])
    def dismiss(self, request: Request, pk: str) -> Response:
        """Take a job out of the inbox without filing it (`ingest_dismiss`: its uploader, or
        whoever may manage its customer's documents); the job and its file are kept."""
        job = services.ingest_dismiss(actor=request.user, job=self.get_object())
        return Response(IngestJobSerializer(job, context={"request": request}).data)
