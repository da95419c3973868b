"""The documents API's shapes: one output serializer per resource, input serializers that only
parse (the services decide)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from docket.core.errors import InvalidInput
from docket.customers.models import Customer
from docket.documents.lookups import find_document_type
from docket.documents.models import Checkout, Document, DocumentType, Tag, Version


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "color"]

    def validate_color(self, value: str) -> str:
        import re

        if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
            raise serializers.ValidationError("a colour is written #rrggbb")
        return value.lower()


class DocumentTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = DocumentType
        fields = ["id", "name", "code", "number_pattern", "naming_template"]
        extra_kwargs = {"name": {"validators": []}, "code": {"validators": []}}  # the service: 409


class VersionSerializer(serializers.ModelSerializer):
    author = serializers.StringRelatedField()

    class Meta:
        model = Version
        fields = [
            "number",
            "sha256",
            "size",
            "mime_type",
            "original_name",
            "author",
            "created_at",
            "comment",
            "restored_from",
            "text_state",
        ]


class CheckoutSerializer(serializers.ModelSerializer):
    user = serializers.StringRelatedField()

    class Meta:
        model = Checkout
        fields = ["user", "checked_out_at", "expires_at", "note"]


class CustomerRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "name", "code"]


class DocumentSerializer(serializers.ModelSerializer):
    customer = CustomerRefSerializer(read_only=True)
    document_type = DocumentTypeSerializer(read_only=True)
    tags = TagSerializer(many=True, read_only=True)
    created_by = serializers.StringRelatedField()
    latest_version = serializers.IntegerField(read_only=True, allow_null=True)

    class Meta:
        model = Document
        fields = [
            "id",
            "archive_number",
            "title",
            "customer",
            "document_type",
            "document_date",
            "tags",
            "status",
            "notes",
            "created_by",
            "created_at",
            "updated_at",
            "deleted_at",
            "latest_version",
        ]


class DocumentDetailSerializer(DocumentSerializer):
    current_version = VersionSerializer(read_only=True, allow_null=True)
    checkout = CheckoutSerializer(read_only=True, allow_null=True)
    processing = serializers.DictField(read_only=True)

    class Meta(DocumentSerializer.Meta):
        fields = [*DocumentSerializer.Meta.fields, "current_version", "checkout", "processing"]


@extend_schema_field(OpenApiTypes.STR)
class DocumentTypeField(serializers.Field):
    """A document type by id, code or name: clients know 合同 better than 3."""

    default_error_messages = {"unknown": "unknown document type {value!r}"}

    def to_internal_value(self, data: object) -> DocumentType:
        try:
            return find_document_type(str(data))
        except InvalidInput:
            self.fail("unknown", value=str(data).strip())

    def to_representation(self, value: DocumentType) -> str:
        return value.name


@extend_schema_field({"type": "array", "items": {"type": "string"}})
class TagNamesField(serializers.Field):
    """Tags by name, as a list or one comma-separated string; unknown names are created."""

    def to_internal_value(self, data: object) -> list[str]:
        items = data if isinstance(data, list) else str(data).replace("，", ",").split(",")
        return [str(item).strip() for item in items if str(item).strip()]

    def to_representation(self, value: list[str]) -> list[str]:
        return value


def customer_field(**kwargs: object) -> serializers.PrimaryKeyRelatedField:
    return serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(),
        error_messages={
            "does_not_exist": "unknown customer {pk_value}",
            "incorrect_type": "a customer is given by its id",
        },
        **kwargs,
    )


class DocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    customer = customer_field()
    type = DocumentTypeField()
    title = serializers.CharField(required=False, allow_blank=True, max_length=300)
    document_date = serializers.DateField(required=False, allow_null=True)
    tags = TagNamesField(required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True)


class DocumentUpdateSerializer(serializers.Serializer):
    title = serializers.CharField(required=False, max_length=300)
    document_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Document.Status.choices, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    customer = customer_field(required=False)
    document_type = DocumentTypeField(required=False)
    tags = TagNamesField(required=False)


class VersionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    comment = serializers.CharField(required=False, allow_blank=True)


class RestoreSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True)


class CheckoutRequestSerializer(serializers.Serializer):
    hours = serializers.FloatField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class DiffSerializer(serializers.Serializer):
    from_number = serializers.IntegerField()
    to_number = serializers.IntegerField()
    unified = serializers.CharField()
    added_lines = serializers.IntegerField()
    removed_lines = serializers.IntegerField()
    identical = serializers.BooleanField()


class NameReportSerializer(serializers.Serializer):
    document_id = serializers.IntegerField()
    archive_number = serializers.CharField()
    uploaded_name = serializers.CharField()
    rule_name = serializers.CharField()


class RenameSerializer(serializers.Serializer):
    old = serializers.CharField()
    new = serializers.CharField()
