"""Core API: token, the current user, stores."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from ..models import Store
from ..permissions import store_permissions
from ..scoping import user_stores
from ..selectors import employee_roles
from .base import SiweiAPIMixin


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, trim_whitespace=False)


class TokenView(APIView):
    """``POST /api/v1/auth/token/`` → ``{"token"}``; wrong credentials 400, locked 429."""

    authentication_classes: list = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        if user is None:
            if getattr(request._request, "axes_locked_out", False):
                return Response(
                    {"code": "locked_out", "detail": _("Too many failed logins; try later.")},
                    status=status.HTTP_429_TOO_MANY_REQUESTS,
                )
            raise serializers.ValidationError(
                {"non_field_errors": [_("Wrong username or password.")]}
            )
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


class StoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Store
        fields = ["id", "code", "name", "brand", "address", "phone", "opens_at", "closes_at",
                  "tax_rate"]


class StoreViewSet(SiweiAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                   viewsets.GenericViewSet):
    """The stores the user works in."""

    serializer_class = StoreSerializer
    queryset = Store.objects.none()
    filterset_fields = ["code", "brand"]
    ordering_fields = ["code", "name"]

    def get_queryset(self):
        ids = [s.pk for s in user_stores(self.request.user)]
        return Store.objects.filter(pk__in=ids).order_by("code")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()
    store = serializers.CharField(allow_null=True)
    stores = serializers.ListField(child=serializers.CharField())
    roles = serializers.ListField(child=serializers.CharField())
    permissions = serializers.ListField(child=serializers.CharField())


class MeView(SiweiAPIMixin, APIView):
    """The current user, the store the request acts in, their roles and permissions there."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user, store = request.user, request.store
        employee = getattr(user, "employee", None)
        body = {
            "id": user.pk,
            "username": user.get_username(),
            "name": employee.name if employee else user.get_username(),
            "store": store.code if store else None,
            "stores": [s.code for s in user_stores(user)],
            "roles": [r.code for r in employee_roles(user, store)] if store else [],
            "permissions": sorted(store_permissions(user, store)) if store else [],
        }
        return Response(MeSerializer(body).data)
