"""The access API's shapes (access/api.py): roles, teams, members and grants. They parse;
the services in access/services.py decide what is allowed."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from docket.access.models import Capability, Grant, Level, Member, Permission, Role, Scope, Team
from docket.customers.models import Customer
from docket.documents.models import Document

__all__ = ["GrantSerializer", "MemberSerializer", "RoleSerializer", "TeamSerializer"]


class RoleSerializer(serializers.ModelSerializer):
    """A field left out is the service's default on creation (own customers, nothing
    allowed) and unchanged on an update. The code is given on creation (made from the
    name's pinyin when left out) and fixed afterwards; a taken code or name is the
    service's 409, not a validator's 400."""

    code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    name = serializers.CharField(max_length=50)
    scope = serializers.ChoiceField(choices=Scope.choices, required=False)
    permissions = serializers.ListField(
        child=serializers.ChoiceField(Permission.choices), required=False
    )
    capabilities = serializers.ListField(
        child=serializers.ChoiceField(Capability.choices), required=False
    )

    class Meta:
        model = Role
        fields = ["id", "code", "name", "description", "scope", "permissions", "capabilities"]
        fields += ["requires_2fa"]


class TeamSerializer(serializers.ModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name", "parent"]


class MemberSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True)
    clearance = serializers.ChoiceField(choices=Level.choices, required=False)

    class Meta:
        model = Member
        fields = ["id", "user", "username", "role", "team", "clearance"]


class GrantSerializer(serializers.ModelSerializer):
    permission = serializers.ChoiceField(choices=Permission.choices)
    user = serializers.PrimaryKeyRelatedField(
        queryset=get_user_model().objects.all(), required=False, allow_null=True
    )
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    customer = serializers.PrimaryKeyRelatedField(
        queryset=Customer.objects.all(), required=False, allow_null=True
    )
    document = serializers.PrimaryKeyRelatedField(
        queryset=Document.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Grant
        fields = ["id", "permission", "user", "team", "customer", "document", "granted_by"]
        fields += ["created_at"]
        read_only_fields = ["granted_by", "created_at"]
