"""API: stock-vehicles/, sales-orders/ (api.md)."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import (
    GroupScopedPrimaryKeyField,
    StoreScopedPrimaryKeyField,
    action_response,
)
from siwei.crm.models import Customer, Lead, VehicleModel, VehicleTrim

from . import services
from .models import OrderLine, SalesOrder, StockVehicle
from .services.delivery import CHECKLIST


class TrimField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        request = self.context.get("request")
        if request is None or request.store is None:
            return VehicleTrim.objects.none()
        return VehicleTrim.objects.filter(model__group_id=request.store.group_id)


class StockVehicleSerializer(serializers.ModelSerializer):
    model = GroupScopedPrimaryKeyField(queryset=VehicleModel.objects.all())
    trim = TrimField(required=False, allow_null=True)

    class Meta:
        model = StockVehicle
        fields = ["id", "vin", "model", "trim", "colour", "cost", "msrp", "arrival_date",
                  "status", "location", "is_demo", "floor_plan_bank", "pledge_date",
                  "certificate_number", "certificate_status"]
        read_only_fields = ["certificate_status"]
        extra_kwargs = {"vin": {"validators": []}, "status": {"read_only": False,
                                                              "required": False}}


class StockVehicleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                          mixins.CreateModelMixin, StoreScopedViewSet):
    """New vehicles in stock (CS-13)."""

    serializer_class = StockVehicleSerializer
    queryset = StockVehicle.objects.select_related("model", "trim")
    filterset_fields = ["status", "model", "is_demo"]
    ordering_fields = ["arrival_date", "id"]
    required_permissions = {"list": "sales.view_stockvehicle",
                            "retrieve": "sales.view_stockvehicle",
                            "create": "sales.add_stockvehicle"}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("certificate_status", None)
        serializer.instance = services.stock_vehicle_create(
            actor=self.request.user, store=self.request.store, **data)


class AccessoryField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        from siwei.parts.models import Part

        request = self.context.get("request")
        if request is None or request.store is None:
            return Part.objects.none()
        return Part.objects.filter(group_id=request.store.group_id, is_accessory=True)


class OrderLineSerializer(serializers.ModelSerializer):
    part = AccessoryField(required=False, allow_null=True)

    class Meta:
        model = OrderLine
        fields = ["id", "part", "description", "part_number", "quantity", "unit_price",
                  "unit_cost", "is_gift", "install", "installed"]
        extra_kwargs = {"description": {"required": False},
                        "unit_price": {"required": False}, "unit_cost": {"required": False}}


class SalesOrderSerializer(serializers.ModelSerializer):
    customer = StoreScopedPrimaryKeyField(queryset=Customer.objects.all())
    lead = StoreScopedPrimaryKeyField(queryset=Lead.objects.all(), required=False,
                                      allow_null=True)
    model = GroupScopedPrimaryKeyField(queryset=VehicleModel.objects.all())
    trim = TrimField(required=False, allow_null=True)
    lines = OrderLineSerializer(many=True, required=False)
    vehicle_price = serializers.DecimalField(max_digits=14, decimal_places=2,
                                             min_value=Decimal("0.01"), required=False)

    class Meta:
        model = SalesOrder
        fields = ["id", "number", "status", "customer", "lead", "consultant", "model", "trim",
                  "colour", "stock_vehicle", "msrp", "vehicle_price", "lines",
                  "insurance_company", "insurance_premium", "insurance_commission",
                  "finance_bank", "loan_amount", "loan_term_months", "down_payment",
                  "finance_fee", "finance_commission", "loan_approved", "registration_fee",
                  "trade_in_vin", "trade_in_valuation", "purchase_tax_estimate", "total", "paid",
                  "gross_profit", "discount_approved_by", "created_at", "delivered_at"]
        read_only_fields = ["number", "status", "consultant", "stock_vehicle", "msrp",
                            "purchase_tax_estimate", "total", "paid", "gross_profit",
                            "discount_approved_by", "created_at", "delivered_at"]


class AllocateInput(serializers.Serializer):
    stock_vehicle = StoreScopedPrimaryKeyField(queryset=StockVehicle.objects.all())


class DeliverInput(serializers.Serializer):
    checklist = serializers.DictField(child=serializers.BooleanField(),
                                      help_text=", ".join(key for key, _l in CHECKLIST))
    signature = serializers.CharField(help_text="the customer's signature (image data URL)")
    keys_count = serializers.IntegerField(min_value=1, default=2)
    mileage = serializers.IntegerField(min_value=0, default=0)


class CancelInput(serializers.Serializer):
    reason = serializers.CharField()
    forfeit_deposit = serializers.BooleanField(default=False)


class SalesOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, mixins.UpdateModelMixin, StoreScopedViewSet):
    """Quotes and orders through the states of CS-17."""

    serializer_class = SalesOrderSerializer
    queryset = SalesOrder.objects.select_related("model", "trim").prefetch_related("lines")
    filterset_fields = ["status", "customer", "consultant"]
    ordering_fields = ["created_at", "id"]
    required_permissions = {
        "list": "sales.view_salesorder", "retrieve": "sales.view_salesorder",
        "create": "sales.add_salesorder", "update": "sales.change_salesorder",
        "partial_update": "sales.change_salesorder", "confirm": "sales.change_salesorder",
        "allocate": "sales.change_salesorder", "approve_discount": "sales.approve_discount",
        "release_certificate": "sales.release_certificate",
        "deliver": "sales.deliver_vehicle", "cancel": "sales.change_salesorder",
    }

    def get_queryset(self):
        from .selectors import orders_for

        return orders_for(user=self.request.user, store=self.request.store).prefetch_related(
            "lines")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.order_create(
            actor=self.request.user, store=self.request.store, customer=data.pop("customer"),
            model=data.pop("model"), lines=data.pop("lines", None), **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        for fixed in ("customer", "model"):
            data.pop(fixed, None)
        serializer.instance = services.order_update(
            actor=self.request.user, order=serializer.instance, lines=data.pop("lines", None),
            **data)

    @extend_schema(request=None, responses=SalesOrderSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm once a deposit is recorded in payments/."""
        order = self.get_object()
        services.order_confirm(actor=request.user, order=order)
        return action_response(self, order)

    @extend_schema(request=None, responses=SalesOrderSerializer)
    @action(detail=True, methods=["post"], url_path="approve-discount")
    def approve_discount(self, request, pk=None):
        order = self.get_object()
        services.order_approve_discount(actor=request.user, order=order)
        return action_response(self, order)

    @extend_schema(request=AllocateInput, responses=SalesOrderSerializer)
    @action(detail=True, methods=["post"])
    def allocate(self, request, pk=None):
        """Reserve a stock VIN: one VIN, one order (409 ``vehicle_unavailable``)."""
        order = self.get_object()
        data = AllocateInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.order_allocate(actor=request.user, order=order,
                                stock_vehicle=data.validated_data["stock_vehicle"])
        return action_response(self, order)

    @extend_schema(request=None, responses=SalesOrderSerializer)
    @action(detail=True, methods=["post"], url_path="release-certificate")
    def release_certificate(self, request, pk=None):
        order = self.get_object()
        services.order_release_certificate(actor=request.user, order=order)
        return action_response(self, order)

    @extend_schema(request=DeliverInput, responses=SalesOrderSerializer)
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        order = self.get_object()
        data = DeliverInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.order_deliver(actor=request.user, order=order, **data.validated_data)
        return action_response(self, order)

    @extend_schema(request=CancelInput, responses=SalesOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        order = self.get_object()
        data = CancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.order_cancel(actor=request.user, order=order, **data.validated_data)
        return action_response(self, order)


def register(router) -> None:
    from . import api_activity

    api_activity.register(router)
    router.register("stock-vehicles", StockVehicleViewSet, basename="stock-vehicle")
    router.register("sales-orders", SalesOrderViewSet, basename="sales-order")
