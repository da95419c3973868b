"""What every API endpoint shares: pagination, the one JSON error shape, request helpers.

Every error leaves the API as
    {"error": {"code": "not_found", "message": "…", "fields": {"customer": ["…"]}}}
whether a service raised a DocketError, DRF rejected the input, or Django raised Http404.
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from rest_framework import exceptions as drf_exceptions
from rest_framework import pagination, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from docket.core.errors import DocketError, Forbidden


class Pagination(pagination.PageNumberPagination):
    """Page numbers, fetched in two steps: the page's ids first (an index-only walk past the
    offset), then just those rows with their joins, annotations and prefetches. A deep page
    then costs what the first page costs, instead of joining every skipped row."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: Any = None
    ) -> list | None:
        ids = queryset.select_related(None).prefetch_related(None).values_list("pk", flat=True)
        page_ids = super().paginate_queryset(ids, request, view)
        if page_ids is None:
            return None
        rows = queryset.filter(pk__in=list(page_ids)).in_bulk()
        return [rows[pk] for pk in page_ids if pk in rows]


def _error(code: str, message: str, status_code: int, fields: Any = None) -> Response:
    body: dict[str, Any] = {"code": code, "message": message}
    if fields:
        body["fields"] = fields
    return Response({"error": body}, status=status_code)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, Forbidden):
        _record_denial(context)
    if isinstance(exc, DocketError):
        fields = {exc.field: [exc.message]} if exc.field else None
        return _error(exc.code, exc.message, exc.status_code, fields)
    if isinstance(exc, Http404):
        exc = drf_exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = drf_exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, drf_exceptions.ValidationError):
        detail = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        first = _first_message(detail)
        return _error("invalid", first, status.HTTP_400_BAD_REQUEST, detail)
    if isinstance(exc, drf_exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        resp = _error(code, str(exc.detail), response.status_code)
        for header in ("WWW-Authenticate", "Retry-After", "Allow"):
            if header in response:
                resp[header] = response[header]
        return resp
    return response


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            inner = _first_message(value)
            return inner if key == "non_field_errors" else f"{key}: {inner}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def _record_denial(context: dict) -> None:
    """A refused action goes into the audit trail (the request then ends with the 403, so
    the event is committed on its own)."""
    from docket.audit.services import denial_record

    request, view = context.get("request"), context.get("view")
    if request is None:
        return
    kwargs = getattr(view, "kwargs", {}) or {}
    pk = kwargs.get("pk")
    on_document = getattr(view, "basename", "") in ("document", "trash")
    document_id = int(pk) if on_document and str(pk).isdigit() else None
    denial_record(request=request, document_id=document_id)
