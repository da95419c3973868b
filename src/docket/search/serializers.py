"""The search API's shapes: the parameters it reads and the results it returns."""

from django.db.models import Q
from rest_framework import serializers

from docket.documents.models import Document
from docket.documents.serializers import CustomerRefSerializer, TagSerializer
from docket.search.engine import SORTS, SearchParams
from docket.search.filters import created_q, document_date_q, tag_q
from docket.search.hints import type_q
from docket.search.models import SavedSearch

FILTER_FIELDS = (
    "customer",
    "type",
    "tag",
    "status",
    "date_after",
    "date_before",
    "created_after",
    "created_before",
    "uploaded_by",
)


def _id_field(**kwargs: object) -> serializers.IntegerField:
    """A database id: a positive 64-bit integer (a larger number is a 400, not an overflow)."""
    return serializers.IntegerField(min_value=1, max_value=2**63 - 1, **kwargs)


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False, default="")
    customer = serializers.ListField(child=_id_field(), required=False)
    type = serializers.ListField(child=_id_field(), required=False)
    tag = serializers.ListField(child=_id_field(), required=False)
    status = serializers.ChoiceField(choices=Document.Status.choices, required=False)
    date_after = serializers.DateField(required=False)
    date_before = serializers.DateField(required=False)
    created_after = serializers.DateField(required=False)
    created_before = serializers.DateField(required=False)
    uploaded_by = _id_field(required=False)
    sort = serializers.ChoiceField(choices=SORTS, default="relevance")
    page = serializers.IntegerField(min_value=1, max_value=10_000, default=1)
    page_size = serializers.IntegerField(min_value=1, max_value=100, default=20)
    understand = serializers.BooleanField(default=True)
    facets = serializers.BooleanField(default=True)

    def to_params(self) -> SearchParams:
        data = self.validated_data
        return SearchParams(
            q=data["q"],
            filters=tuple(filters_from(data)),
            sort=data["sort"],
            page=data["page"],
            page_size=data["page_size"],
            understand=data["understand"],
            facets=data["facets"],
        )


def filters_from(data: dict) -> list[Q]:
    filters = []
    if data.get("customer"):
        filters.append(Q(customer_id__in=data["customer"]))
    if data.get("type"):
        filters.append(type_q(data["type"]))
    for tag in data.get("tag") or []:  # every tag given must be on the document
        filters.append(tag_q([tag]))
    if data.get("status"):
        filters.append(Q(status=data["status"]))
    if data.get("date_after") or data.get("date_before"):
        filters.append(document_date_q(data.get("date_after"), data.get("date_before")))
    if data.get("created_after") or data.get("created_before"):
        filters.append(created_q(data.get("created_after"), data.get("created_before")))
    if data.get("uploaded_by"):
        filters.append(Q(created_by_id=data["uploaded_by"]))
    return filters


class HitSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="document.id")
    archive_number = serializers.CharField(source="document.archive_number")
    title = serializers.CharField(source="document.title")
    title_html = serializers.CharField()
    snippet_html = serializers.CharField()
    rank = serializers.FloatField(allow_null=True)
    customer = CustomerRefSerializer(source="document.customer")
    document_type = serializers.CharField(source="document.document_type.name")
    tags = TagSerializer(source="document.tags", many=True)
    status = serializers.CharField(source="document.status")
    document_date = serializers.DateField(source="document.document_date", allow_null=True)
    created_at = serializers.DateTimeField(source="document.created_at")
    created_by = serializers.CharField(source="document.created_by", allow_null=True)


class SavedSearchSerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedSearch
        fields = ["id", "name", "query", "filters", "created_at"]
        read_only_fields = ["created_at"]

    def validate_filters(self, value: dict) -> dict:
        if not isinstance(value, dict):
            raise serializers.ValidationError("filters are an object of search parameters")
        allowed = set(FILTER_FIELDS) | {"sort", "understand"}
        if unknown := set(value) - allowed:
            raise serializers.ValidationError(f"unknown filters: {', '.join(sorted(unknown))}")
        check = SearchParamsSerializer(data=value)
        if not check.is_valid():
            raise serializers.ValidationError(check.errors)
        return value
