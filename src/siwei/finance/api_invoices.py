"""API of finance: invoices/ (FN-3) with the ``void`` action. POST records an invoice
typed in by the clerk; without ``lines`` the source document's default lines are used.
409 ``over_invoiced`` when the document's invoices would exceed its total."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import StoreScopedPrimaryKeyField, action_response
from siwei.sales.models import SalesOrder
from siwei.service.models import RepairOrder

from .models import Invoice, InvoiceLine
from .services.invoices import MAX_RATE, invoice_issue, invoice_void


class InvoiceLineSerializer(serializers.ModelSerializer):
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, required=False,
                                        default=Decimal("1"), min_value=Decimal("0.001"))
    unit_price = serializers.DecimalField(max_digits=14, decimal_places=2,
                                          min_value=Decimal("0.01"))
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=4, required=False,
                                        allow_null=True, min_value=Decimal(0),
                                        max_value=MAX_RATE,
                                        help_text="default: the store's VAT rate")

    class Meta:
        model = InvoiceLine
        fields = ["id", "description", "quantity", "unit_price", "amount", "tax_rate",
                  "amount_net", "tax"]
        read_only_fields = ["amount", "amount_net", "tax"]


class InvoiceSerializer(serializers.ModelSerializer):
    sales_order = StoreScopedPrimaryKeyField(queryset=SalesOrder.objects.all(), required=False,
                                             allow_null=True)
    repair_order = StoreScopedPrimaryKeyField(queryset=RepairOrder.objects.all(),
                                              required=False, allow_null=True)
    lines = InvoiceLineSerializer(many=True, required=False)
    buyer_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    buyer_tax_id = serializers.CharField(max_length=30, required=False, allow_blank=True)

    class Meta:
        model = Invoice
        fields = ["id", "number", "kind", "buyer_name", "buyer_tax_id", "sales_order",
                  "repair_order", "issued_at", "issued_by", "status", "void_reason",
                  "voided_at", "amount_net", "tax", "total", "note", "lines"]
        read_only_fields = ["issued_at", "issued_by", "status", "void_reason", "voided_at",
                            "amount_net", "tax", "total"]
        # The service checks the number per store (400 ``number``).
        validators: list = []


class VoidInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     mixins.CreateModelMixin, StoreScopedViewSet):
    """Invoices issued by the store (records only; Siwei does not talk to the tax
    system)."""

    serializer_class = InvoiceSerializer
    queryset = Invoice.objects.prefetch_related("lines")
    filterset_fields = ["status", "kind", "sales_order", "repair_order"]
    ordering_fields = ["issued_at", "id", "total"]
    required_permissions = {"list": "finance.view_invoice", "retrieve": "finance.view_invoice",
                            "create": "finance.add_invoice", "void": "finance.void_invoice"}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        lines = data.pop("lines", None)
        serializer.instance = invoice_issue(actor=self.request.user, store=self.request.store,
                                            lines=lines or None, **data)

    @extend_schema(request=VoidInput, responses=InvoiceSerializer)
    @action(detail=True, methods=["post"])
    def void(self, request, pk=None):
        """Void an issued invoice with a reason (409 ``invalid_transition`` if void)."""
        invoice = self.get_object()
        data = VoidInput(data=request.data)
        data.is_valid(raise_exception=True)
        invoice_void(actor=request.user, invoice=invoice, reason=data.validated_data["reason"])
        return action_response(self, invoice)


def register(router) -> None:
    """Register this area's viewsets on the API router."""
    router.register("invoices", InvoiceViewSet, basename="invoice")
