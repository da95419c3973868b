"""/api/audit/: the events (filtered, paginated), their export and the alerts — read-only, for
those `selectors.can_read_audit` admits (everyone else gets 403). Writing happens only through
services.audit_record."""

import datetime

from django.db.models import QuerySet
from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.request import Request
from rest_framework.views import APIView

from docket.audit import selectors
from docket.audit.export import FORMATS, export_lines
from docket.audit.filters import FILTER_NAMES, event_filters
from docket.audit.models import AuditAlert, AuditEvent
from docket.audit.serializers import AuditAlertSerializer, AuditEventSerializer
from docket.audit.services import audit_record
from docket.core.errors import InvalidInput

FILTER_PARAMETERS = [
    OpenApiParameter("document", int),
    OpenApiParameter("customer", int),
    OpenApiParameter("user", str, description="a user id or username"),
    OpenApiParameter("action", str, enum=AuditEvent.Action.values),
    OpenApiParameter("since", OpenApiTypes.DATETIME, description="a date or date and time"),
    OpenApiParameter("until", OpenApiTypes.DATETIME, description="a date (inclusive) or time"),
]


class CanReadAudit(permissions.BasePermission):
    def has_permission(self, request: Request, view: object) -> bool:
        return selectors.can_read_audit(request.user)


class AuditEventList(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated, CanReadAudit]
    serializer_class = AuditEventSerializer

    def get_queryset(self) -> QuerySet[AuditEvent]:
        filters = event_filters(self.request.query_params)
        return selectors.audit_events(user=self.request.user, **filters)

    @extend_schema(parameters=FILTER_PARAMETERS)
    def get(self, request: Request, *args: object, **kwargs: object) -> object:
        return super().get(request, *args, **kwargs)


class AuditAlertList(generics.ListAPIView):
    permission_classes = [permissions.IsAuthenticated, CanReadAudit]
    serializer_class = AuditAlertSerializer

    def get_queryset(self) -> QuerySet[AuditAlert]:
        return selectors.audit_alerts(user=self.request.user)


class _FormatIsOurs(DefaultContentNegotiation):
    """DRF reads ?format= as a renderer name; here it names the export's file format, and
    errors are always JSON."""

    def select_renderer(
        self, request: Request, renderers: list, format_suffix: str | None = None
    ) -> tuple:
        return renderers[0], renderers[0].media_type


class AuditExport(APIView):
    permission_classes = [permissions.IsAuthenticated, CanReadAudit]
    content_negotiation_class = _FormatIsOurs

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=list(FORMATS)), *FILTER_PARAMETERS],
        responses={(200, "text/csv"): OpenApiTypes.BINARY},
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        fmt = request.query_params.get("format", "csv")
        if fmt not in FORMATS:
            raise InvalidInput("format must be csv or jsonl", field="format")
        filters = event_filters(request.query_params)
        # Recorded before the first row goes out, in its own transaction: an export that is
        # cut off half way was still an export.
        audit_record(
            action=AuditEvent.Action.AUDIT_EXPORT,
            actor=request.user,
            request=request,
            details={
                "format": fmt,
                "filters": {
                    k: request.query_params[k] for k in FILTER_NAMES if k in request.query_params
                },
            },
            durable=True,
        )
        events = selectors.audit_events(user=request.user, **filters)
        chunks = (line.encode("utf-8") for line in export_lines(events, fmt))
        response = StreamingHttpResponse(chunks, content_type=FORMATS[fmt])
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.{fmt}"'
        return response
