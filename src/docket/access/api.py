"""Roles, teams, members (a user's role, team and clearance) and grants, over the API.

Roles, teams and members are administration (`manage_users`); grants can also be given by
whoever holds `manage` on the customer or document (a manager for their team's customers).
"""

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response

from docket.access import roles, rules, services
from docket.access.models import Capability, Grant, Member, Permission, Role, Team
from docket.access.serializers import (
    GrantSerializer,
    MemberSerializer,
    RoleSerializer,
    TeamSerializer,
)
from docket.customers.models import Customer
from docket.documents.models import Document
from docket.documents.selectors import document_get


class CatalogWritesMixin:
    """For viewsets of shared lists (types, tags, rules): everyone reads them, only roles
    with `manage_catalog` change them."""

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            rules.check_capability(request.user, Capability.MANAGE_CATALOG)


class AdministrationViewSet(viewsets.ModelViewSet):
    """Reading and changing needs `manage_users`."""

    def initial(self, request: Request, *args: object, **kwargs: object) -> None:
        super().initial(request, *args, **kwargs)
        rules.check_capability(request.user, Capability.MANAGE_USERS)


class RoleViewSet(AdministrationViewSet):
    """Roles: created, edited, and deleted while no one holds them (never the seeded ones)."""

    serializer_class = RoleSerializer
    queryset = Role.objects.all()
    http_method_names = ["get", "post", "patch", "put", "delete", "head", "options"]

    def perform_create(self, serializer: RoleSerializer) -> None:
        serializer.instance = roles.role_create(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: RoleSerializer) -> None:
        fields = {k: v for k, v in serializer.validated_data.items() if k != "code"}
        serializer.instance = roles.role_update(
            actor=self.request.user, role=serializer.instance, **fields
        )

    def perform_destroy(self, instance: Role) -> None:
        roles.role_delete(actor=self.request.user, role=instance)


class TeamViewSet(AdministrationViewSet):
    serializer_class = TeamSerializer
    queryset = Team.objects.all()
    http_method_names = ["get", "post", "patch", "put", "head", "options"]

    def perform_create(self, serializer: TeamSerializer) -> None:
        serializer.instance = services.team_create(
            actor=self.request.user,
            name=serializer.validated_data["name"],
            parent=serializer.validated_data.get("parent"),
        )

    def perform_update(self, serializer: TeamSerializer) -> None:
        serializer.instance = services.team_update(
            actor=self.request.user, team=serializer.instance, **serializer.validated_data
        )


class MemberViewSet(AdministrationViewSet):
    serializer_class = MemberSerializer
    queryset = Member.objects.select_related("user", "role", "team").order_by("user__username")
    http_method_names = ["get", "post", "patch", "head", "options"]

    def perform_create(self, serializer: MemberSerializer) -> None:
        self._save(serializer, serializer.validated_data.pop("user"))

    def perform_update(self, serializer: MemberSerializer) -> None:
        serializer.validated_data.pop("user", None)
        self._save(serializer, serializer.instance.user)

    def _save(self, serializer: MemberSerializer, user: object) -> None:
        serializer.instance = services.member_set(
            actor=self.request.user, user=user, **serializer.validated_data
        )


class GrantViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Grants the user may manage: all of them with `manage_users`, otherwise those on the
    customers and documents where they hold `manage`."""

    serializer_class = GrantSerializer

    def get_queryset(self) -> QuerySet[Grant]:
        user = self.request.user
        grants = Grant.objects.select_related("user", "team").order_by("id")
        if rules.has_capability(user, Capability.MANAGE_USERS):
            return grants
        customers = Customer.objects.filter(rules.customers_q(user, Permission.MANAGE))
        documents = Document.all_objects.filter(rules.documents_q(user, Permission.MANAGE))
        return grants.filter(
            Q(customer_id__in=customers.values("id")) | Q(document_id__in=documents.values("id"))
        )

    def create(self, request: Request, *args: object, **kwargs: object) -> Response:
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        grant = services.grant_add(actor=request.user, **body.validated_data)
        return Response(self.get_serializer(grant).data, status=201)

    def perform_destroy(self, instance: Grant) -> None:
        services.grant_remove(actor=self.request.user, grant=instance)


class ShareSerializer(serializers.Serializer):
    user = serializers.SlugRelatedField(
        slug_field="username", queryset=get_user_model().objects.filter(is_active=True)
    )
    permission = serializers.ChoiceField(choices=services.SHAREABLE, default=Permission.VIEW)


@extend_schema(request=ShareSerializer, responses={201: GrantSerializer})
@api_view(["POST"])
def share_view(request: Request, pk: int) -> Response:
    """Share a document with a colleague (view, or view and download): needs `share` on it."""
    document = document_get(user=request.user, document_id=pk, permission=Permission.SHARE)
    body = ShareSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    grant = services.document_share(actor=request.user, document=document, **body.validated_data)
    return Response(GrantSerializer(grant).data, status=201)
