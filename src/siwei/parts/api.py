"""REST API of the parts department (api.md). Master data and the ledger here:
``parts/``, ``suppliers/``, ``locations/``, ``stock-moves/``; the documents in
``api_documents``. Thin: parse, call a service, render."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from siwei.core.api.base import SiweiAPIMixin, StoreScopedViewSet

from . import services
from .api_documents import (
    NonconformanceViewSet,
    PurchaseOrderViewSet,
    ReservationViewSet,
    StockRequestViewSet,
    StocktakeViewSet,
    TransferViewSet,
)
from .models import Location, Part, StockMove, Supplier
from .selectors import other_stores_available, part_stock, parts_for_store, suppliers

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


class OtherStoreAvailabilitySerializer(serializers.Serializer):
    store = serializers.CharField(help_text="store code")
    available = serializers.DecimalField(max_digits=14, decimal_places=3)


class PartStockSerializer(serializers.Serializer):
    """The answer of ``GET parts/{id}/stock/``."""

    part = serializers.IntegerField()
    on_hand = serializers.DecimalField(max_digits=14, decimal_places=3)
    reserved = serializers.DecimalField(max_digits=14, decimal_places=3)
    available = serializers.DecimalField(max_digits=14, decimal_places=3)
    locations = StockRowSerializer(many=True)
    other_stores = OtherStoreAvailabilitySerializer(many=True)


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

    @extend_schema(responses=PartStockSerializer)
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


class SupplierSerializer(serializers.ModelSerializer):
    class Meta:
        model = Supplier
        fields = ["id", "name", "kind", "contact", "phone", "payment_terms", "lead_time_days",
                  "is_active"]


class SupplierViewSet(SiweiAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, mixins.UpdateModelMixin,
                      mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The suppliers of the request store's dealer group (PT-2); ``?q=`` searches name
    and contact. ``DELETE`` only removes a supplier nothing refers to (409
    ``supplier_in_use``: deactivate it with ``is_active: false`` instead)."""

    serializer_class = SupplierSerializer
    queryset = Supplier.objects.none()
    filterset_fields = ["kind", "is_active"]
    ordering_fields = ["name", "lead_time_days"]
    required_permissions = {"list": "parts.view_supplier", "retrieve": "parts.view_supplier",
                            "create": "parts.add_supplier", "update": "parts.change_supplier",
                            "partial_update": "parts.change_supplier",
                            "destroy": "parts.delete_supplier"}

    def get_queryset(self):
        return suppliers(store=self.request.store, q=self.request.query_params.get("q", ""))

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        supplier = services.supplier_create(actor=request.user, store=request.store,
                                            group=request.store.group,
                                            **serializer.validated_data)
        return Response(self.get_serializer(supplier).data, status=201)

    def update(self, request, *args, **kwargs):
        supplier = self.get_object()
        serializer = self.get_serializer(supplier, data=request.data,
                                         partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        supplier = services.supplier_update(actor=request.user, store=request.store,
                                            supplier=supplier, **serializer.validated_data)
        return Response(self.get_serializer(supplier).data)

    def destroy(self, request, *args, **kwargs):
        services.supplier_delete(actor=request.user, store=request.store,
                                 supplier=self.get_object())
        return Response(status=204)


class LocationSerializer(serializers.ModelSerializer):
    frozen = serializers.SerializerMethodField()

    class Meta:
        model = Location
        fields = ["id", "code", "kind", "zone", "shelf", "level", "is_active", "frozen"]
        read_only_fields = ["zone", "shelf", "level"]

    def get_frozen(self, obj) -> bool:
        return obj.frozen_by_id is not None


class LocationViewSet(StoreScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """The request store's locations, coded zone-shelf-level (``A-03-2``). ``PATCH`` with
    ``is_active: false`` deactivates an empty location; the type of a location holding
    stock does not change (409 ``location_not_empty``)."""

    serializer_class = LocationSerializer
    queryset = Location.objects.all()
    filterset_fields = ["kind", "zone", "is_active"]
    ordering_fields = ["code"]
    required_permissions = {"list": "parts.view_location", "retrieve": "parts.view_location",
                            "create": "parts.add_location", "update": "parts.change_location",
                            "partial_update": "parts.change_location"}

    def get_queryset(self):
        return Location.objects.for_store(self.request.store).order_by("zone", "shelf", "level",
                                                                       "code")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        location = services.location_create(actor=request.user, store=request.store,
                                            **serializer.validated_data)
        return Response(self.get_serializer(location).data, status=201)

    def update(self, request, *args, **kwargs):
        location = self.get_object()
        serializer = self.get_serializer(location, data=request.data,
                                         partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        location = services.location_update(actor=request.user, location=location,
                                            **serializer.validated_data)
        return Response(self.get_serializer(location).data)


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


def register(router) -> None:
    router.register("parts", PartViewSet, basename="part")
    router.register("suppliers", SupplierViewSet, basename="supplier")
    router.register("locations", LocationViewSet, basename="location")
    router.register("stock-moves", StockMoveViewSet, basename="stock-move")
    router.register("stock-requests", StockRequestViewSet, basename="stock-request")
    router.register("reservations", ReservationViewSet, basename="reservation")
    router.register("purchase-orders", PurchaseOrderViewSet, basename="purchase-order")
    router.register("nonconformances", NonconformanceViewSet, basename="nonconformance")
    router.register("transfers", TransferViewSet, basename="transfer")
    router.register("stocktakes", StocktakeViewSet, basename="stocktake")


__all__ = ["register"]
