"""API of finance: credit-accounts/ (FN-4). ``GET credit-accounts/`` lists the company
customers on credit with what they owe (``used``) and what is left (``available``);
``POST credit-accounts/`` (``customer``, ``credit_limit``, ``terms_days``, ``active``,
``note``) opens an account or changes the customer's existing one."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    DecimalField,
)
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import StoreScopedPrimaryKeyField
from siwei.crm.models import Customer

from .models import CreditAccount
from .selectors_receivables import accounts_with_use
from .services.receivables import credit_account_set

_MONEY = DecimalField(max_digits=14, decimal_places=2)


class CreditAccountSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    used = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)
    available = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = CreditAccount
        fields = ["id", "customer", "customer_name", "credit_limit", "terms_days", "active",
                  "note", "used", "available"]
        read_only_fields = fields


class CreditAccountInput(serializers.Serializer):
    customer = StoreScopedPrimaryKeyField(queryset=Customer.objects.all())
    credit_limit = serializers.DecimalField(max_digits=14, decimal_places=2,
                                            min_value=Decimal(0))
    terms_days = serializers.IntegerField(min_value=0, max_value=365, default=30)
    active = serializers.BooleanField(default=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CreditAccountViewSet(mixins.ListModelMixin, StoreScopedViewSet):
    serializer_class = CreditAccountSerializer
    queryset = CreditAccount.objects.select_related("customer")
    http_method_names = ["get", "post", "head", "options"]
    required_permissions = {"list": "finance.view_creditaccount",
                            "create": "finance.change_creditaccount"}
    filterset_fields = ["active"]

    def get_queryset(self):
        return accounts_with_use(super().get_queryset().for_store(self.request.store)
                                 .order_by("customer__name", "id"))

    @extend_schema(request=CreditAccountInput, responses={201: CreditAccountSerializer})
    def create(self, request):
        data = CreditAccountInput(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        account = credit_account_set(actor=request.user, **data.validated_data)
        account = accounts_with_use(CreditAccount.objects.select_related("customer")).get(
            pk=account.pk)
        return Response(CreditAccountSerializer(account).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("credit-accounts", CreditAccountViewSet, basename="credit-account")
