"""API: payments/ (api.md, FN-1). POST with ``Idempotency-Key`` records one payment."""

from __future__ import annotations

from rest_framework import mixins, serializers

from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import StoreScopedPrimaryKeyField
from siwei.sales.models import SalesOrder
from siwei.service.models import RepairOrder

from .models import Payment
from .services import payment_record


class PaymentSerializer(serializers.ModelSerializer):
    sales_order = StoreScopedPrimaryKeyField(queryset=SalesOrder.objects.all(), required=False,
                                             allow_null=True)
    repair_order = StoreScopedPrimaryKeyField(queryset=RepairOrder.objects.all(),
                                              required=False, allow_null=True)

    class Meta:
        model = Payment
        fields = ["id", "receipt_number", "sales_order", "repair_order", "kind", "method", "amount",
                  "reference", "cashier", "approved_by", "at", "note"]
        read_only_fields = ["receipt_number", "cashier", "approved_by", "at"]
        extra_kwargs = {"kind": {"required": False}}


class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     StoreScopedViewSet):
    """Payments and refunds (negative amounts, recorded by a manager who may approve them)."""

    serializer_class = PaymentSerializer
    queryset = Payment.objects.select_related("sales_order")
    filterset_fields = ["sales_order", "repair_order", "method", "kind"]
    ordering_fields = ["at", "id"]
    required_permissions = {"list": "finance.view_payment", "retrieve": "finance.view_payment",
                            "create": "finance.add_payment"}

    def perform_create(self, serializer):
        serializer.instance = payment_record(actor=self.request.user, store=self.request.store,
                                             **serializer.validated_data)


def register(router) -> None:
    router.register("payments", PaymentViewSet, basename="payment")
