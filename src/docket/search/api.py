"""/api/search/: ranked, highlighted, faceted, permission-filtered search; similar documents;
saved searches."""

from django.db.models import QuerySet
from django.utils.translation import gettext_noop as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from docket.audit.models import AuditEvent
from docket.audit.services import audit_record
from docket.core.errors import Conflict, NotFound
from docket.core.notices import Notice
from docket.documents.selectors import document_get
from docket.documents.serializers import CustomerRefSerializer
from docket.search.engine import SearchResult, search
from docket.search.models import SavedSearch
from docket.search.serializers import (
    HitSerializer,
    SavedSearchSerializer,
    SearchParamsSerializer,
)
from docket.search.similar import similar_documents

SEARCH_PARAMETERS = [
    OpenApiParameter("q", str, description='the query: words, "phrases", AND OR NOT, field:value'),
    OpenApiParameter("customer", int, many=True),
    OpenApiParameter("type", int, many=True),
    OpenApiParameter("tag", int, many=True, description="every tag given"),
    OpenApiParameter("status", str),
    OpenApiParameter("date_after", OpenApiTypes.DATE),
    OpenApiParameter("date_before", OpenApiTypes.DATE),
    OpenApiParameter("created_after", OpenApiTypes.DATE),
    OpenApiParameter("created_before", OpenApiTypes.DATE),
    OpenApiParameter("uploaded_by", int),
    OpenApiParameter("sort", str, enum=["relevance", "newest", "oldest"]),
    OpenApiParameter("page", int),
    OpenApiParameter("page_size", int),
    OpenApiParameter("understand", bool, description="read names, types and dates as filters"),
    OpenApiParameter("facets", bool),
    OpenApiParameter("saved", int, description="run a saved search (other parameters add to it)"),
]


@extend_schema(parameters=SEARCH_PARAMETERS, responses=OpenApiTypes.OBJECT)
@api_view(["GET"])
def search_view(request: Request) -> Response:
    data = request.query_params.copy()
    data["q"] = data.get("q", "").replace("\x00", "")  # best effort: a NUL is not an error
    if saved_id := data.pop("saved", None):
        _apply_saved(request, saved_id[-1], data)
    params = SearchParamsSerializer(data=data)
    params.is_valid(raise_exception=True)
    result = search(user=request.user, params=params.to_params())
    audit_record(
        action=AuditEvent.Action.SEARCH,
        actor=request.user,
        request=request,
        details={"q": data["q"][:500], "count": result.count},
    )
    return Response(result_data(result, params.validated_data))


def _apply_saved(request: Request, saved_id: str, data: dict) -> None:
    saved = SavedSearch.objects.filter(
        user=request.user, id=saved_id if saved_id.isdigit() else 0
    ).first()
    if saved is None:
        raise NotFound(Notice(_("no saved search %(id)s"), id=saved_id))
    if not data.get("q"):
        data["q"] = saved.query
    for key, value in saved.filters.items():
        if key not in data:
            data.setlist(key, value if isinstance(value, list) else [value])


def result_data(result: SearchResult, params: dict) -> dict:
    return {
        "count": result.count,
        "count_exact": result.count_exact,
        "page": params.get("page", 1),
        "page_size": params.get("page_size", 20),
        "results": HitSerializer(result.hits, many=True).data,
        "facets": result.facets,
        "customers": CustomerRefSerializer(result.customers, many=True).data,
        "understood": [
            {"kind": u.kind, "text": u.text, "values": u.values} for u in result.understood
        ],
        "notices": result.notices,
    }


@extend_schema(
    parameters=[OpenApiParameter("document", int, required=True)], responses=OpenApiTypes.OBJECT
)
@api_view(["GET"])
def similar_view(request: Request) -> Response:
    """Documents like this one: sharing its most distinctive words."""
    document_id = request.query_params.get("document", "")
    if not document_id.isdigit():
        raise NotFound(Notice(_("say which document: ?document=ID")))
    document = document_get(user=request.user, document_id=int(document_id))
    result = similar_documents(user=request.user, document=document)
    return Response(result_data(result, {"page": 1, "page_size": 10}))


class SavedSearchViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """A user's own saved searches; run one with /api/search/?saved=ID."""

    serializer_class = SavedSearchSerializer

    def get_queryset(self) -> QuerySet[SavedSearch]:
        return SavedSearch.objects.filter(user=self.request.user)

    def perform_create(self, serializer: SavedSearchSerializer) -> None:
        self._check_name_is_free(serializer)
        serializer.save(user=self.request.user)

    def perform_update(self, serializer: SavedSearchSerializer) -> None:
        self._check_name_is_free(serializer)
        serializer.save()

    def _check_name_is_free(self, serializer: SavedSearchSerializer) -> None:
        name = serializer.validated_data.get("name")
        others = self.get_queryset().exclude(pk=getattr(serializer.instance, "pk", None))
        if name is not None and others.filter(name=name).exists():
            raise Conflict(Notice(_("you already have a saved search of this name")), field="name")
