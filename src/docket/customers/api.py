from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from docket.customers import services
from docket.customers.models import Contact, Customer
from docket.customers.selectors import (
    customers_matching,
    visible_customers,
    visible_document_count,
)


class ContactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contact
        fields = ["id", "name", "role", "phone", "email"]


class CustomerSerializer(serializers.ModelSerializer):
    contacts = ContactSerializer(many=True, read_only=True)
    document_count = serializers.IntegerField(read_only=True)
    code = serializers.CharField(max_length=40, required=False, allow_blank=True)

    class Meta:
        model = Customer
        fields = [
            "id",
            "name",
            "code",
            "kind",
            "tier",
            "industry",
            "size",
            "region",
            "status",
            "owner",
            "notes",
            "merged_into",
            "contacts",
            "document_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["merged_into", "created_at", "updated_at"]
        validators = []  # uniqueness is the service's job, with a clear 409


class CustomerFilterSerializer(serializers.Serializer):
    """The list's filters, checked: a bad value is a 400 naming it."""

    kind = serializers.ChoiceField(choices=Customer.Kind.choices, required=False)
    tier = serializers.ChoiceField(choices=Customer.Tier.choices, required=False)
    region = serializers.CharField(max_length=100, required=False)
    status = serializers.ChoiceField(choices=Customer.Status.choices, required=False)
    owner = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False)


class MergeSerializer(serializers.Serializer):
    into = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())


class CustomerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CustomerSerializer
    filter_fields = ("kind", "tier", "region", "status", "owner")

    def get_queryset(self) -> QuerySet[Customer]:
        qs = (
            visible_customers(user=self.request.user)
            .select_related("owner")
            .prefetch_related("contacts")
            .annotate(document_count=visible_document_count(self.request.user))
            .order_by("name", "id")
        )
        params = self.request.query_params
        if search := params.get("search", "").strip():
            qs = qs.filter(id__in=customers_matching(search).values("id"))
        filters = CustomerFilterSerializer(
            data={f: params[f] for f in self.filter_fields if params.get(f)}
        )
        filters.is_valid(raise_exception=True)
        return qs.filter(**filters.validated_data)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "search", str, description="name or code contains it, or pinyin / initials"
            )
        ]
        + [OpenApiParameter(f, str) for f in filter_fields]
    )
    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer: CustomerSerializer) -> None:
        customer = services.customer_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=customer.pk)

    def perform_update(self, serializer: CustomerSerializer) -> None:
        customer = services.customer_update(
            actor=self.request.user, customer=serializer.instance, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=customer.pk)

    @extend_schema(request=MergeSerializer, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request: Request, pk: str) -> Response:
        """Merge this customer (a duplicate) into `into`; its documents and contacts move."""
        source = self.get_object()
        body = MergeSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        target = services.customer_merge(
            actor=request.user, source=source, target=body.validated_data["into"]
        )
        return Response(CustomerSerializer(self.get_queryset().get(pk=target.pk)).data)

    @extend_schema(request=ContactSerializer, responses=ContactSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def contacts(self, request: Request, pk: str) -> Response:
        customer = self.get_object()
        if request.method == "POST":
            body = ContactSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            contact = services.contact_create(
                actor=request.user, customer=customer, **body.validated_data
            )
            return Response(ContactSerializer(contact).data, status=201)
        return Response(ContactSerializer(customer.contacts.all(), many=True).data)
