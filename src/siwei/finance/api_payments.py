"""API: payments/ (api.md, FN-1). POST with ``Idempotency-Key`` records one payment."""

from __future__ import annotations

from django_filters import rest_framework as filters
from rest_framework import mixins, serializers

from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import StoreScopedPrimaryKeyField
from siwei.sales.models import SalesOrder
from siwei.service.models import RepairOrder

from .models import Payment
from .services import payment_record
from .services.cashier import day_bounds


class PaymentFilter(filters.FilterSet):
    """``?day=YYYY-MM-DD`` (business day in the store's time zone), ``?cashier=<user id>``,
    ``?method=``, and the order and kind."""

    day = filters.DateFilter(method="filter_day", label="business day")

    class Meta:
        model = Payment
        fields = ["day", "cashier", "method", "kind", "sales_order", "repair_order", "corrects"]

    def filter_day(self, queryset, name, value):
        start, end = day_bounds(value)
        return queryset.filter(at__gte=start, at__lt=end)


class OrderReference(serializers.IntegerField):
    """The ``id`` of the order paid. The payment service locks the order and refuses one
    that is missing or of another store (400 on the field), so the reference is not read
    twice."""

    def __init__(self, model, **kwargs) -> None:
        self.model = model
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        pk = super().to_internal_value(data)
        if pk < 1:
            self.fail("invalid")
        return self.model(pk=pk)


class PaymentSerializer(serializers.ModelSerializer):
    sales_order = OrderReference(SalesOrder, source="sales_order_id", required=False,
                                 allow_null=True)
    repair_order = OrderReference(RepairOrder, source="repair_order_id", required=False,
                                  allow_null=True)
    corrects = StoreScopedPrimaryKeyField(queryset=Payment.objects.all(), required=False,
                                          allow_null=True)

    class Meta:
        model = Payment
        fields = ["id", "receipt_number", "sales_order", "repair_order", "kind", "method", "amount",
                  "reference", "cashier", "approved_by", "at", "note", "corrects"]
        read_only_fields = ["receipt_number", "cashier", "approved_by", "at"]
        # The model's zero default is no amount: a payment names what was paid.
        extra_kwargs = {"kind": {"required": False}, "amount": {"required": True}}


class PaymentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     StoreScopedViewSet):
    """Payments and refunds (negative amounts, recorded by a manager who may approve them)."""

    serializer_class = PaymentSerializer
    queryset = Payment.objects.all()
    filterset_class = PaymentFilter
    ordering_fields = ["at", "id"]
    required_permissions = {"list": "finance.view_payment", "retrieve": "finance.view_payment",
                            "create": "finance.add_payment"}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data["sales_order"] = data.pop("sales_order_id", None)
        data["repair_order"] = data.pop("repair_order_id", None)
        serializer.instance = payment_record(actor=self.request.user, store=self.request.store,
                                             **data)


def register(router) -> None:
    router.register("payments", PaymentViewSet, basename="payment")
