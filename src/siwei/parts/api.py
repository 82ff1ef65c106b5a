"""REST API of the parts department (api.md: ``parts/``, ``locations/``,
``stock-moves/``, ``purchase-orders/``). Thin: parse, call a service, render."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from siwei.core.api.base import SiweiAPIMixin, StoreScopedViewSet

from . import services
from .models import (
    Location,
    Part,
    PurchaseOrder,
    PurchaseOrderLine,
    StockMove,
    Supplier,
)
from .models.documents import POKind
from .selectors import other_stores_available, part_stock, parts_for_store

PART_FIELDS = ["number", "name", "brand", "category", "unit", "compatible_models", "list_price",
               "warranty_price", "insurance_price", "cost", "attribute_class",
               "order_cycle_days", "lead_time_days", "is_key_part", "is_accessory",
               "superseded_by", "pack_size", "default_supplier"]


class PartSerializer(serializers.ModelSerializer):
    on_hand = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True)
    reserved = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True)
    available = serializers.DecimalField(max_digits=14, decimal_places=3, read_only=True)

    class Meta:
        model = Part
        fields = ["id", *PART_FIELDS, "on_hand", "reserved", "available"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        store = getattr(request, "store", None)
        if store is not None:
            for name, queryset in (("superseded_by", Part.objects), ("default_supplier",
                                                                       Supplier.objects)):
                self.fields[name].queryset = queryset.filter(group_id=store.group_id)


class StockRowSerializer(serializers.Serializer):
    location = serializers.IntegerField(source="location_id")
    location_code = serializers.CharField(source="location.code")
    location_kind = serializers.CharField(source="location.kind")
    lot = serializers.IntegerField(source="lot_id")
    batch = serializers.CharField(source="lot.batch")
    inbound_date = serializers.DateField(source="lot.inbound_date")
    unit_cost = serializers.DecimalField(max_digits=14, decimal_places=2, source="lot.unit_cost")
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)


class PartViewSet(SiweiAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                  mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """The group's parts catalog with stock in the request's store. ``?q=`` searches
    number, name, pinyin and initials."""

    serializer_class = PartSerializer
    queryset = Part.objects.none()
    filterset_fields = ["category", "brand", "attribute_class", "is_key_part", "is_accessory"]
    ordering_fields = ["number", "name", "list_price"]
    required_permissions = {"list": "parts.view_stock", "retrieve": "parts.view_stock",
                            "stock": "parts.view_stock", "create": "parts.add_part",
                            "update": "parts.change_part", "partial_update": "parts.change_part"}

    def get_queryset(self):
        return parts_for_store(store=self.request.store, q=self.request.query_params.get("q", ""))

    def _render(self, part, status=200):
        fresh = self.get_queryset().get(pk=part.pk)
        return Response(self.get_serializer(fresh).data, status=status)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        part = services.part_create(actor=request.user, store=request.store,
                                    group=request.store.group, **serializer.validated_data)
        return self._render(part, 201)

    def update(self, request, *args, **kwargs):
        part = self.get_object()
        serializer = self.get_serializer(part, data=request.data,
                                         partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        part = services.part_update(actor=request.user, store=request.store, part=part,
                                    **serializer.validated_data)
        return self._render(part)

    @extend_schema(responses=StockRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def stock(self, request, pk=None):
        """On hand per location and lot (oldest first), and other stores' availability."""
        part = self.get_object()
        rows = part_stock(store=request.store, part=part)
        others = other_stores_available(store=request.store, part_ids=[part.pk])
        return Response({
            "part": part.pk, "on_hand": str(part.on_hand), "reserved": str(part.reserved),
            "available": str(part.available),
            "locations": StockRowSerializer(rows, many=True).data,
            "other_stores": [{"store": o["code"], "available": str(o["available"])}
                             for o in others.get(part.pk, [])],
        })


class LocationSerializer(serializers.ModelSerializer):
    frozen = serializers.SerializerMethodField()

    class Meta:
        model = Location
        fields = ["id", "code", "kind", "zone", "shelf", "level", "is_active", "frozen"]
        read_only_fields = ["zone", "shelf", "level", "is_active"]

    def get_frozen(self, obj) -> bool:
        return obj.frozen_by_id is not None


class LocationViewSet(StoreScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin):
    """The request store's locations, coded zone-shelf-level (``A-03-2``)."""

    serializer_class = LocationSerializer
    queryset = Location.objects.all()
    filterset_fields = ["kind", "zone", "is_active"]
    ordering_fields = ["code"]
    required_permissions = {"list": "parts.view_location", "retrieve": "parts.view_location",
                            "create": "parts.add_location"}

    def get_queryset(self):
        return Location.objects.for_store(self.request.store).order_by("zone", "shelf", "level",
                                                                       "code")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        location = services.location_create(actor=request.user, store=request.store,
                                            **serializer.validated_data)
        return Response(self.get_serializer(location).data, status=201)


class StockMoveSerializer(serializers.ModelSerializer):
    part_number = serializers.CharField(source="part.number", read_only=True)
    location_code = serializers.CharField(source="location.code", read_only=True)
    batch = serializers.CharField(source="lot.batch", read_only=True)

    class Meta:
        model = StockMove
        fields = ["id", "part", "part_number", "location", "location_code", "lot", "batch",
                  "quantity", "unit_cost", "kind", "reference", "document_type", "document_id",
                  "document_line_id", "user", "created_at"]


class StockMoveViewSet(StoreScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    """The ledger of the request's store (read only, newest first)."""

    serializer_class = StockMoveSerializer
    queryset = StockMove.objects.all()
    filterset_fields = {"part": ["exact"], "kind": ["exact"], "document_type": ["exact"],
                        "document_id": ["exact"], "lot": ["exact"], "lot__batch": ["exact"],
                        "created_at": ["gte", "lt"]}
    ordering_fields = ["created_at", "id"]
    required_permissions = {"*": "parts.view_stockmove"}

    def get_queryset(self):
        return (StockMove.objects.for_store(self.request.store)
                .select_related("part", "location", "lot").order_by("-created_at", "-id"))


class POLineSerializer(serializers.ModelSerializer):
    price = serializers.DecimalField(max_digits=14, decimal_places=2, required=False,
                                     min_value=0)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3,
                                        min_value=Decimal("0.001"))

    class Meta:
        model = PurchaseOrderLine
        fields = ["id", "part", "quantity", "price", "accepted", "rejected"]
        read_only_fields = ["accepted", "rejected"]


class PurchaseOrderSerializer(serializers.ModelSerializer):
    lines = POLineSerializer(many=True)

    class Meta:
        model = PurchaseOrder
        fields = ["id", "number", "supplier", "kind", "status", "document_type", "document_id",
                  "expected_on", "note", "created_at", "sent_at", "lines"]
        read_only_fields = ["number", "status", "created_at", "sent_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        store = getattr(self.context.get("request"), "store", None)
        if store is not None:
            self.fields["supplier"].queryset = Supplier.objects.filter(group_id=store.group_id)
            self.fields["lines"].child.fields["part"].queryset = Part.objects.filter(
                group_id=store.group_id)


class ReceiveLineSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    accepted = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0,
                                        required=False, default=0)
    rejected = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0,
                                        required=False, default=0)
    location = serializers.IntegerField(required=False, allow_null=True)
    batch = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class ReceiveSerializer(serializers.Serializer):
    lines = ReceiveLineSerializer(many=True, allow_empty=False)


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PurchaseOrderViewSet(StoreScopedViewSet, mixins.ListModelMixin,
                           mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    """Purchase orders of the request's store; actions ``send``, ``receive``,
    ``cancel``, ``close`` return the updated order."""

    serializer_class = PurchaseOrderSerializer
    queryset = PurchaseOrder.objects.all()
    filterset_fields = ["status", "supplier", "kind", "document_type", "document_id"]
    ordering_fields = ["created_at", "number"]
    required_permissions = {"list": "parts.view_purchaseorder",
                            "retrieve": "parts.view_purchaseorder",
                            "create": "parts.manage_purchasing", "send": "parts.manage_purchasing",
                            "cancel": "parts.manage_purchasing", "close": "parts.manage_purchasing",
                            "receive": "parts.receive_stock"}

    def get_queryset(self):
        return (PurchaseOrder.objects.for_store(self.request.store)
                .prefetch_related(Prefetch("lines", PurchaseOrderLine.objects.order_by("id")))
                .order_by("-created_at", "-id"))

    def _render(self, order, status=200):
        return Response(self.get_serializer(self.get_queryset().get(pk=order.pk)).data,
                        status=status)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = services.purchase_order_create(
            actor=request.user, store=request.store, supplier=data["supplier"],
            lines=data["lines"], kind=data.get("kind", POKind.STOCK),
            document_type=data.get("document_type", ""), document_id=data.get("document_id", ""),
            expected_on=data.get("expected_on"), note=data.get("note", ""))
        return self._render(order, 201)

    @extend_schema(request=None, responses=PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        return self._render(services.purchase_order_send(actor=request.user,
                                                         order=self.get_object()))

    @extend_schema(request=CancelSerializer, responses=PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        body = CancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        return self._render(services.purchase_order_cancel(
            actor=request.user, order=self.get_object(), reason=body.validated_data["reason"]))

    @extend_schema(request=None, responses=PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._render(services.purchase_order_close(actor=request.user,
                                                          order=self.get_object()))

    @extend_schema(request=ReceiveSerializer, responses=PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        """Receive ``lines: [{"line", "accepted", "rejected", "location", "batch"}]``."""
        order = self.get_object()
        body = ReceiveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        lines = {line.pk: line for line in order.lines.all()}
        locations = Location.objects.for_store(request.store)
        entries = []
        for row in body.validated_data["lines"]:
            if row["line"] not in lines:
                raise serializers.ValidationError(
                    {"lines": [_("Line %(id)s is not on this order.") % {"id": row["line"]}]})
            location = None
            if row.get("location"):
                location = locations.filter(pk=row["location"]).first()
                if location is None:
                    raise serializers.ValidationError(
                        {"location": [_("Unknown location %(id)s.") % {"id": row["location"]}]})
            entries.append(services.ReceiptLine(
                line=lines[row["line"]], accepted=row["accepted"], rejected=row["rejected"],
                location=location, batch=row["batch"], reason=row["reason"]))
        return self._render(services.purchase_order_receive(actor=request.user, order=order,
                                                            lines=entries))


def register(router) -> None:
    router.register("parts", PartViewSet, basename="part")
    router.register("locations", LocationViewSet, basename="location")
    router.register("stock-moves", StockMoveViewSet, basename="stock-move")
    router.register("purchase-orders", PurchaseOrderViewSet, basename="purchase-order")


__all__ = ["register"]
