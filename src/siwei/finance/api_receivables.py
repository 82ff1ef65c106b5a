"""API of finance: receivables/ (FN-4). ``GET receivables/aging/`` gives the open amount
per debtor and aging bucket; ``receivables/{id}/receipts/`` lists (GET) or records (POST)
the receipts matched to an item; ``POST receivables/charge-to-account/`` charges a
settled repair order to the customer's credit account (409 ``credit_limit``);
``POST receivables/sync/`` creates the items missing from claims, insured repairs and
loans."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from siwei.core import clock
from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import StoreScopedPrimaryKeyField
from siwei.service.models import RepairOrder

from . import selectors_receivables as selectors
from .models import DebtorKind, Receivable, ReceivableReceipt
from .services.receivables import (
    receivable_charge_to_account,
    receivable_receipt_record,
    receivables_sync,
)


class ReceivableSerializer(serializers.ModelSerializer):
    aging_bucket = serializers.SerializerMethodField()

    class Meta:
        model = Receivable
        fields = ["id", "debtor_kind", "debtor_name", "customer", "warranty_claim",
                  "repair_order", "sales_order", "description", "amount", "open_amount",
                  "arose_on", "due_date", "aging_bucket", "created_at"]
        read_only_fields = fields

    def get_aging_bucket(self, obj) -> str:
        return selectors.aging_bucket(obj.due_date, clock.today())


class ReceiptSerializer(serializers.ModelSerializer):
    matched = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True,
                                       required=False)

    class Meta:
        model = ReceivableReceipt
        fields = ["id", "number", "debtor_kind", "debtor_name", "amount", "received_on",
                  "reference", "recorded_by", "at", "matched"]
        read_only_fields = fields


class ReceiptInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2,
                                      min_value=Decimal("0.01"))
    matched = serializers.DecimalField(max_digits=14, decimal_places=2,
                                       min_value=Decimal("0.01"), required=False,
                                       help_text="matched to this item; default: amount")
    received_on = serializers.DateField(required=False)
    reference = serializers.CharField(max_length=60, required=False, allow_blank=True,
                                      default="")


class AgingRowSerializer(serializers.Serializer):
    debtor_kind = serializers.ChoiceField(choices=DebtorKind.choices)
    debtor_name = serializers.CharField()
    d0_30 = serializers.DecimalField(max_digits=14, decimal_places=2)
    d31_60 = serializers.DecimalField(max_digits=14, decimal_places=2)
    d61_90 = serializers.DecimalField(max_digits=14, decimal_places=2)
    d90_plus = serializers.DecimalField(max_digits=14, decimal_places=2)
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    items = serializers.IntegerField()


class ChargeInput(serializers.Serializer):
    repair_order = StoreScopedPrimaryKeyField(queryset=RepairOrder.objects.all())


class ReceivableViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StoreScopedViewSet):
    """Receivables of the store; ``?open=1`` only those with an open amount."""

    serializer_class = ReceivableSerializer
    queryset = Receivable.objects.all()
    filterset_fields = ["debtor_kind", "debtor_name", "customer", "repair_order",
                        "sales_order", "warranty_claim"]
    ordering_fields = ["due_date", "id", "open_amount"]
    required_permissions = {"list": "finance.view_receivable",
                            "retrieve": "finance.view_receivable",
                            "aging": "finance.view_receivable",
                            "receipts": "finance.view_receivable",
                            "charge_to_account": "finance.add_receivable",
                            "sync": "finance.add_receivable"}

    def get_queryset(self):
        items = super().get_queryset()
        if self.request.query_params.get("open") in ("1", "true"):
            items = items.filter(open_amount__gt=0)
        return items.order_by("due_date", "id")

    @extend_schema(parameters=[OpenApiParameter("debtor_kind", str)],
                   responses=AgingRowSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def aging(self, request):
        """Open amounts by debtor in the buckets 0–30, 31–60, 61–90 and 90+ days past the
        due date (not yet due counts as 0–30)."""
        kind = request.query_params.get("debtor_kind") or None
        rows = selectors.aging_by_debtor(store=request.store, today=clock.today(),
                                         kind=kind if kind in DebtorKind.values else None)
        return Response(AgingRowSerializer(rows, many=True).data)

    @extend_schema(methods=["GET"], responses=ReceiptSerializer(many=True))
    @extend_schema(methods=["POST"], request=ReceiptInput, responses=ReceivableSerializer)
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def receipts(self, request, pk=None):
        """GET: receipts matched to the item. POST: record a receipt from the item's
        debtor matched to it (``matched`` defaults to the whole amount; 409
        ``over_matched`` above the open amount)."""
        item = self.get_object()
        if request.method == "GET":
            return Response(ReceiptSerializer(selectors.receipts_of(item), many=True).data)
        data = ReceiptInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        receivable_receipt_record(
            actor=request.user, store=request.store, amount=values["amount"],
            matches=[(item, values.get("matched", values["amount"]))],
            received_on=values.get("received_on"), reference=values.get("reference", ""))
        item.refresh_from_db()
        return Response(self.get_serializer(item).data, status=201)

    @extend_schema(request=ChargeInput, responses=ReceivableSerializer)
    @action(detail=False, methods=["post"], url_path="charge-to-account")
    def charge_to_account(self, request):
        """Charge what the customer owes on a settled repair order to its credit
        account (409 ``credit_limit``, ``no_credit_account``, ``nothing_due``,
        ``already_charged``)."""
        data = ChargeInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        item = receivable_charge_to_account(actor=request.user,
                                            repair_order=data.validated_data["repair_order"])
        return Response(self.get_serializer(item).data, status=201)

    @extend_schema(request=None, responses={200: {"type": "object",
                                                  "properties": {"created": {"type": "integer"}}}})
    @action(detail=False, methods=["post"])
    def sync(self, request):
        """Create the items missing from approved claims, insured repairs and loans."""
        return Response({"created": receivables_sync(store=request.store,
                                                     actor=request.user)})


def register(router) -> None:
    """Register this area's viewsets on the API router."""
    router.register("receivables", ReceivableViewSet, basename="receivable")
