"""/api/auth/: login (session or token), logout, logout everywhere, two-factor enrolment,
API tokens, unlocking an account. Thin: each view parses, calls a service, answers."""

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import (
    api_view,
    authentication_classes,
    parser_classes,
    permission_classes,
)
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from docket.accounts import clock, services, tokens, two_factor
from docket.accounts.models import ApiToken
from docket.core.errors import NotFound


class LoginSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, trim_whitespace=False)
    password = serializers.CharField(max_length=4096, trim_whitespace=False)
    otp_code = serializers.CharField(max_length=32, required=False, allow_blank=True)


class TokenLoginSerializer(LoginSerializer):
    name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    days = serializers.IntegerField(required=False, min_value=1)


class ApiTokenSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at"]
        fields += ["revoked_at", "state"]

    def get_state(self, token: ApiToken) -> str:
        if token.revoked_at is not None:
            return "revoked"
        return "active" if token.expires_at > clock.now() else "expired"


class ApiTokenCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    days = serializers.IntegerField(required=False, min_value=1)


class CodeSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32)


class UnlockSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, required=False, allow_blank=True)
    address = serializers.IPAddressField(required=False, allow_blank=True)


def _valid(serializer_class: type[serializers.Serializer], request: Request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _login_data(result: services.LoginResult) -> dict[str, Any]:
    data: dict[str, Any] = {
        "user": {"id": result.user.pk, "username": result.user.get_username()},
        "two_factor": result.two_factor,
    }
    if result.two_factor == two_factor.ENROLMENT_REQUIRED:
        data["message"] = two_factor.REQUIRED_MESSAGE
    if result.recovery_codes_left is not None:
        data["recovery_codes_left"] = result.recovery_codes_left
    return data


@extend_schema(request=LoginSerializer, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@parser_classes([JSONParser])  # JSON only: a cross-site form cannot log a browser in
def login_view(request: Request) -> Response:
    result = services.login(request=request, **_valid(LoginSerializer, request))
    return Response(_login_data(result))


@extend_schema(request=TokenLoginSerializer, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
@authentication_classes([])
@permission_classes([AllowAny])
@parser_classes([JSONParser, FormParser, MultiPartParser])
def token_view(request: Request) -> Response:
    data = _valid(TokenLoginSerializer, request)
    result = services.login(
        request=request,
        username=data["username"],
        password=data["password"],
        otp_code=data.get("otp_code"),
        method=services.TOKEN,
        token_name=data.get("name", ""),
        token_days=data.get("days"),
    )
    token = ApiTokenSerializer(result.token).data
    return Response(_login_data(result) | {"token": result.key, "token_info": token})


@extend_schema(request=None, responses={204: None})
@api_view(["POST"])
def logout_view(request: Request) -> Response:
    services.logout(request=request)
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(request=None, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
def logout_everywhere_view(request: Request) -> Response:
    return Response(services.logout_everywhere(request=request))


@extend_schema(request=None, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
def two_factor_setup_view(request: Request) -> Response:
    enrolment = two_factor.two_factor_setup(user=request.user)
    return Response({"secret": enrolment.secret, "otpauth_uri": enrolment.uri})


@extend_schema(request=CodeSerializer, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
def two_factor_confirm_view(request: Request) -> Response:
    code = _valid(CodeSerializer, request)["code"]
    http = request._request
    codes = two_factor.two_factor_confirm(user=request.user, code=code, request=http)
    return Response({"two_factor": two_factor.VERIFIED, "recovery_codes": codes})


@extend_schema(request=UnlockSerializer, responses=OpenApiTypes.OBJECT)
@api_view(["POST"])
def unlock_view(request: Request) -> Response:
    data = _valid(UnlockSerializer, request)
    cleared = services.account_unlock(
        actor=request.user,
        username=data.get("username", ""),
        ip=data.get("address", ""),
        request=request,
    )
    return Response({"cleared": cleared})


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The signed-in user's own API tokens. The key is in the answer to POST only."""

    serializer_class = ApiTokenSerializer

    def get_queryset(self) -> Any:
        return ApiToken.objects.filter(user_id=self.request.user.pk)

    @extend_schema(request=ApiTokenCreateSerializer, responses={201: ApiTokenSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = _valid(ApiTokenCreateSerializer, request)
        token, key = tokens.api_token_create(
            actor=request.user,
            user=request.user,
            name=data["name"],
            days=data.get("days"),
            request=request,
        )
        body = ApiTokenSerializer(token).data | {"key": key}
        return Response(body, status=status.HTTP_201_CREATED)

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        pk = str(kwargs["pk"])
        token = self.get_queryset().filter(pk=pk).first() if pk.isdigit() else None
        if token is None:
            raise NotFound(f"no token {kwargs['pk']}")
        tokens.api_token_revoke(actor=request.user, token=token, request=request)
        return Response(status=status.HTTP_204_NO_CONTENT)
