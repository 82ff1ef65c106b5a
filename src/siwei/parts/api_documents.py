"""REST API of the parts documents (api.md): ``stock-requests/``, ``reservations/``,
``purchase-orders/``, ``nonconformances/``, ``transfers/``, ``stocktakes/``. Thin
viewsets over the services, scoped to the request's store; actions return the updated
record; ``Idempotency-Key`` is honoured by the base class."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Prefetch
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import GroupScopedPrimaryKeyField, StoreScopedPrimaryKeyField
from siwei.core.models import Store

from . import services
from .models import (
    Location,
    Nonconformance,
    Part,
    PurchaseOrder,
    PurchaseOrderLine,
    Reservation,
    StockRequest,
    Stocktake,
    StocktakeLine,
    Supplier,
    Transfer,
    TransferLine,
)
from .models.documents import POKind
from .selectors import reservations, stock_requests, stocktakes, transfers_of

QTY = {"max_digits": 14, "decimal_places": 3}
DOCUMENT_HELP = "e.g. service.repairorder or service.appointment"


class PartsCancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


# --- Requisitions (PT-10) -------------------------------------------------------------

class StockRequestSerializer(serializers.ModelSerializer):
    part = GroupScopedPrimaryKeyField(queryset=Part.objects.filter(is_active=True))
    part_number = serializers.CharField(source="part.number", read_only=True)
    quantity = serializers.DecimalField(**QTY, min_value=Decimal("0.001"))
    remaining = serializers.DecimalField(**QTY, read_only=True)
    available = serializers.DecimalField(**QTY, read_only=True,
                                         help_text="on hand − reserved of the part now")
    document_type = serializers.CharField(max_length=60, default="service.repairorder",
                                          help_text=DOCUMENT_HELP)
    document_id = serializers.CharField(max_length=40)

    class Meta:
        model = StockRequest
        fields = ["id", "number", "part", "part_number", "quantity", "issued", "remaining",
                  "available", "status", "first_fill", "document_type", "document_id",
                  "document_line_id", "reference", "note", "requested_by", "requested_at"]
        read_only_fields = ["number", "issued", "status", "first_fill", "requested_by",
                            "requested_at"]


class RequestIssueSerializer(serializers.Serializer):
    quantity = serializers.DecimalField(**QTY, min_value=Decimal("0.001"), required=False,
                                        allow_null=True,
                                        help_text="default: what is left of the request")


class StockRequestViewSet(StoreScopedViewSet, mixins.ListModelMixin,
                          mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    """Parts requests (领料, PT-10) of the request's store, oldest first. A technician
    requests parts for a document line; the clerk issues them (``issue``: FIFO, as much
    as is available; 409 ``insufficient_stock`` when nothing is) or the request is
    cancelled (``cancel``)."""

    serializer_class = StockRequestSerializer
    queryset = StockRequest.objects.all()
    filterset_fields = ["status", "part", "document_type", "document_id", "document_line_id"]
    ordering_fields = ["requested_at", "id"]
    required_permissions = {"list": "parts.view_stockrequest",
                            "retrieve": "parts.view_stockrequest",
                            "create": "parts.request_parts", "issue": "parts.issue_stock",
                            "cancel": "parts.request_parts"}

    def get_queryset(self):
        return stock_requests(store=self.request.store)

    def _render(self, request_row, status=200):
        fresh = self.get_queryset().get(pk=request_row.pk)
        return Response(StockRequestSerializer(fresh, context=self.get_serializer_context())
                        .data, status=status)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        created = services.stock_request_create(actor=request.user, store=request.store,
                                                **serializer.validated_data)
        return self._render(created, 201)

    @extend_schema(request=RequestIssueSerializer, responses=StockRequestSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        row = self.get_object()
        body = RequestIssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.stock_request_issue(actor=request.user, request=row,
                                     quantity=body.validated_data.get("quantity"))
        return self._render(row)

    @extend_schema(request=PartsCancelSerializer, responses=StockRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        row = self.get_object()
        body = PartsCancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.stock_request_cancel(actor=request.user, request=row,
                                      reason=body.validated_data["reason"])
        return self._render(row)


# --- Reservations (PT-9) --------------------------------------------------------------

class ReservationSerializer(serializers.ModelSerializer):
    part = GroupScopedPrimaryKeyField(queryset=Part.objects.filter(is_active=True))
    part_number = serializers.CharField(source="part.number", read_only=True)
    quantity = serializers.DecimalField(**QTY, min_value=Decimal("0.001"))
    remaining = serializers.DecimalField(**QTY, read_only=True)
    location_code = serializers.CharField(source="location.code", read_only=True,
                                          allow_null=True)
    document_type = serializers.CharField(max_length=60, help_text=DOCUMENT_HELP)
    document_id = serializers.CharField(max_length=40)
    to_reserve_shelf = serializers.BooleanField(
        write_only=True, default=False,
        help_text="move the parts to the appointment reserve shelf")

    class Meta:
        model = Reservation
        fields = ["id", "part", "part_number", "quantity", "consumed", "remaining",
                  "location", "location_code", "status", "document_type", "document_id",
                  "document_line_id", "reference", "to_reserve_shelf", "created_by",
                  "created_at", "closed_at"]
        read_only_fields = ["consumed", "location", "status", "created_by", "created_at",
                            "closed_at"]


class ReservationViewSet(StoreScopedViewSet, mixins.ListModelMixin,
                         mixins.RetrieveModelMixin, mixins.CreateModelMixin):
    """Reservations (预留, PT-9) of the request's store, newest first. Creating one for
    a document line that already has an open reservation of the part adds to it (the
    response is that reservation). ``release`` frees it (409 ``invalid_transition`` once
    issued or released)."""

    serializer_class = ReservationSerializer
    queryset = Reservation.objects.all()
    filterset_fields = ["status", "part", "document_type", "document_id", "document_line_id"]
    ordering_fields = ["created_at", "id"]
    required_permissions = {"list": "parts.view_reservation",
                            "retrieve": "parts.view_reservation",
                            "create": "parts.reserve_stock", "release": "parts.reserve_stock"}

    def get_queryset(self):
        return reservations(store=self.request.store)

    def _render(self, reservation, status=200):
        fresh = self.get_queryset().get(pk=reservation.pk)
        return Response(self.get_serializer(fresh).data, status=status)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reservation = services.stock_reserve(actor=request.user, store=request.store,
                                             **serializer.validated_data)
        return self._render(reservation, 201)

    @extend_schema(request=PartsCancelSerializer, responses=ReservationSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        reservation = self.get_object()
        body = PartsCancelSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.reservation_release_one(actor=request.user, reservation=reservation,
                                         reason=body.validated_data["reason"])
        return self._render(reservation)


# --- Purchase orders and receiving (PT-7, PT-8) ---------------------------------------

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

    @extend_schema(request=PartsCancelSerializer, responses=PurchaseOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        body = PartsCancelSerializer(data=request.data)
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


# --- Nonconformances (PT-8) -----------------------------------------------------------

class NonconformanceFilter(filters.FilterSet):
    purchase_order = filters.NumberFilter(field_name="po_line__order")

    class Meta:
        model = Nonconformance
        fields = ["purchase_order", "po_line", "part", "supplier", "is_resolved"]


class NonconformanceSerializer(serializers.ModelSerializer):
    purchase_order = serializers.IntegerField(source="po_line.order_id", read_only=True,
                                              allow_null=True)
    part_number = serializers.CharField(source="part.number", read_only=True)
    batch = serializers.CharField(source="lot.batch", read_only=True)
    has_photo = serializers.SerializerMethodField()

    class Meta:
        model = Nonconformance
        fields = ["id", "purchase_order", "po_line", "part", "part_number", "supplier", "lot",
                  "batch", "quantity", "reason", "has_photo", "is_resolved", "created_by",
                  "created_at"]
        read_only_fields = fields

    def get_has_photo(self, obj) -> bool:
        return bool(obj.photo)


class NonconformancePhotoSerializer(serializers.Serializer):
    photo = serializers.FileField(help_text="JPEG, PNG or WebP, at most 5 MB")


class NonconformanceViewSet(StoreScopedViewSet, mixins.ListModelMixin,
                            mixins.RetrieveModelMixin):
    """Nonconformance records (不合格品记录) of goods rejected at receiving (PT-8).
    ``GET …/{id}/photo/`` downloads the photo; ``POST …/{id}/photo/`` (multipart, field
    ``photo``) adds or replaces it: a JPEG, PNG or WebP image of at most 5 MB, checked by
    its content (400 naming ``photo`` otherwise)."""

    serializer_class = NonconformanceSerializer
    queryset = Nonconformance.objects.all()
    filterset_class = NonconformanceFilter
    ordering_fields = ["created_at", "id"]
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    required_permissions = {"list": "parts.view_nonconformance",
                            "retrieve": "parts.view_nonconformance",
                            "photo": "parts.view_nonconformance",
                            "upload_photo": "parts.receive_stock"}

    def get_queryset(self):
        return (Nonconformance.objects.for_store(self.request.store)
                .select_related("part", "lot", "po_line").order_by("-created_at", "-id"))

    @extend_schema(request=None, responses={(200, "image/*"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def photo(self, request, pk=None):
        from .views_catalog import photo_response

        return photo_response(self.get_object())

    @extend_schema(request={"multipart/form-data": NonconformancePhotoSerializer},
                   responses=NonconformanceSerializer)
    @photo.mapping.post
    def upload_photo(self, request, pk=None):
        record = self.get_object()
        body = NonconformancePhotoSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.nonconformance_photo(actor=request.user, record=record,
                                      photo=body.validated_data["photo"])
        return Response(self.get_serializer(self.get_queryset().get(pk=record.pk)).data)


# --- Transfers (PT-11) ----------------------------------------------------------------

class TransferLineSerializer(serializers.ModelSerializer):
    part = GroupScopedPrimaryKeyField(queryset=Part.objects.filter(is_active=True))
    part_number = serializers.CharField(source="part.number", read_only=True)
    quantity = serializers.DecimalField(**QTY, min_value=Decimal("0.001"))

    class Meta:
        model = TransferLine
        fields = ["id", "part", "part_number", "quantity"]


class TransferSerializer(serializers.ModelSerializer):
    from_store = GroupScopedPrimaryKeyField(
        queryset=Store.objects.filter(is_active=True), source="store",
        help_text="the store of the group that ships the parts")
    from_store_code = serializers.CharField(source="store.code", read_only=True)
    to_store = serializers.PrimaryKeyRelatedField(read_only=True,
                                                  help_text="the requesting store")
    to_store_code = serializers.CharField(source="to_store.code", read_only=True)
    lines = TransferLineSerializer(many=True, allow_empty=False)

    class Meta:
        model = Transfer
        fields = ["id", "number", "from_store", "from_store_code", "to_store",
                  "to_store_code", "status", "note", "lines", "requested_by", "requested_at",
                  "shipped_at", "received_at"]
        read_only_fields = ["number", "status", "requested_by", "requested_at", "shipped_at",
                            "received_at"]


class TransferReceiveSerializer(serializers.Serializer):
    location = StoreScopedPrimaryKeyField(queryset=Location.objects.filter(is_active=True),
                                          help_text="a location of the receiving store")


class TransferViewSet(StoreScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin):
    """Transfers (调拨, PT-11) to and from the request's store. The request's store asks
    ``from_store`` for parts; the shipping store ``approve``s and ``ship``s (409
    ``insufficient_stock`` if it lacks them; the goods are then in transit); the
    requesting store ``receive``s them into a ``location``; ``cancel`` before shipping."""

    serializer_class = TransferSerializer
    queryset = Transfer.objects.all()
    filterset_fields = ["status", "store", "to_store"]
    ordering_fields = ["requested_at", "id"]
    required_permissions = {"list": "parts.view_transfer", "retrieve": "parts.view_transfer",
                            "create": "parts.transfer_stock",
                            "approve": "parts.approve_transfer",
                            "ship": "parts.transfer_stock", "receive": "parts.transfer_stock",
                            "cancel": "parts.transfer_stock"}

    def get_queryset(self):
        return transfers_of(store=self.request.store)

    def _render(self, transfer, status=200):
        return Response(self.get_serializer(self.get_queryset().get(pk=transfer.pk)).data,
                        status=status)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        transfer = services.transfer_request(
            actor=request.user, store=request.store, from_store=data["store"],
            lines=[dict(line) for line in data["lines"]], note=data.get("note", ""))
        return self._render(transfer, 201)

    def _step(self, request, handler):
        transfer = self.get_object()
        handler(actor=request.user, transfer=transfer)
        return self._render(transfer)

    @extend_schema(request=None, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(request, services.transfer_approve)

    @extend_schema(request=None, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def ship(self, request, pk=None):
        return self._step(request, services.transfer_ship)

    @extend_schema(request=None, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._step(request, services.transfer_cancel)

    @extend_schema(request=TransferReceiveSerializer, responses=TransferSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        transfer = self.get_object()
        body = TransferReceiveSerializer(data=request.data,
                                         context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        services.transfer_receive(actor=request.user, transfer=transfer,
                                  location=body.validated_data["location"])
        return self._render(transfer)


# --- Stocktakes (PT-12) ---------------------------------------------------------------

class StocktakeLineSerializer(serializers.ModelSerializer):
    part_number = serializers.CharField(source="part.number", read_only=True)
    location_code = serializers.CharField(source="location.code", read_only=True)
    variance = serializers.DecimalField(**QTY, read_only=True, allow_null=True)
    variance_value = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True,
                                              allow_null=True)

    class Meta:
        model = StocktakeLine
        fields = ["id", "part", "part_number", "location", "location_code", "lot", "batch",
                  "is_found", "system_quantity", "counted_quantity", "variance",
                  "variance_value", "unit_cost"]
        read_only_fields = fields


class StocktakeSerializer(serializers.ModelSerializer):
    """A stocktake; a single one (and every action's answer) carries its ``lines``, a
    list does not."""

    locations = StoreScopedPrimaryKeyField(
        queryset=Location.objects.filter(is_active=True), many=True, write_only=True,
        required=False, help_text="the locations to count (default: every stock location)")
    line_count = serializers.IntegerField(read_only=True)
    abc_class = serializers.ChoiceField(choices=["", "A", "B", "C"], required=False,
                                        default="", help_text="a cycle count of one ABC class")
    lines = StocktakeLineSerializer(many=True, read_only=True, required=False,
                                    help_text="not in lists")

    class Meta:
        model = Stocktake
        fields = ["id", "number", "status", "abc_class", "note", "locations", "line_count",
                  "created_by", "created_at", "approved_by", "approved_at", "lines"]
        read_only_fields = ["number", "status", "created_by", "created_at", "approved_by",
                            "approved_at"]

    def to_representation(self, instance):
        if self.context.get("list"):
            self.fields.pop("lines", None)
        return super().to_representation(instance)


class StocktakeSummarySerializer(StocktakeSerializer):
    """A stocktake in a list (the schema of ``GET stocktakes/``): without its lines."""

    class Meta(StocktakeSerializer.Meta):
        fields = [name for name in StocktakeSerializer.Meta.fields if name != "lines"]


class StocktakeCountSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    counted_quantity = serializers.DecimalField(**QTY, min_value=0, allow_null=True,
                                                help_text="null clears the count")


class StocktakeCountsSerializer(serializers.Serializer):
    counts = StocktakeCountSerializer(many=True, allow_empty=False)


class StocktakeFoundLineSerializer(serializers.Serializer):
    part = GroupScopedPrimaryKeyField(queryset=Part.objects.filter(is_active=True))
    location = StoreScopedPrimaryKeyField(queryset=Location.objects.all(),
                                          help_text="a location frozen by this stocktake")
    counted_quantity = serializers.DecimalField(**QTY, min_value=0)
    batch = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                  help_text="required for key/safety parts")


@extend_schema_view(list=extend_schema(responses=StocktakeSummarySerializer(many=True)))
class StocktakeViewSet(StoreScopedViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin):
    """Stocktakes (盘点, PT-12) of the request's store. Creating one freezes its
    locations. ``counts`` enters counted quantities, ``lines`` adds a part found on a
    frozen location that is not on the sheet (system quantity 0), ``submit`` (409
    ``count_incomplete`` while lines are uncounted), ``reopen``, ``approve`` (posts the
    variances as adjustment moves), ``cancel``. The record with its lines is returned."""

    queryset = Stocktake.objects.all()
    filterset_fields = ["status", "abc_class"]
    ordering_fields = ["created_at", "id"]
    required_permissions = {"list": "parts.view_stocktake", "retrieve": "parts.view_stocktake",
                            "create": "parts.count_stock", "counts": "parts.count_stock",
                            "lines": "parts.count_stock", "submit": "parts.count_stock",
                            "reopen": "parts.count_stock",
                            "approve": "parts.approve_stocktake",
                            "cancel": "parts.count_stock"}

    serializer_class = StocktakeSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "list": self.action == "list"}

    def get_queryset(self):
        rows = stocktakes(store=self.request.store).annotate(line_count=Count("lines"))
        if self.action != "list":
            rows = rows.prefetch_related(Prefetch(
                "lines", StocktakeLine.objects.select_related("part", "location")))
        return rows

    def _render(self, stocktake, status=200):
        fresh = self.get_queryset().get(pk=stocktake.pk)
        return Response(self.get_serializer(fresh).data, status=status)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        stocktake = services.stocktake_create(
            actor=request.user, store=request.store, locations=data.get("locations") or None,
            abc_class=data.get("abc_class", ""), note=data.get("note", ""))
        return self._render(stocktake, 201)

    @extend_schema(request=StocktakeCountsSerializer, responses=StocktakeSerializer)
    @action(detail=True, methods=["post"])
    def counts(self, request, pk=None):
        """``counts: [{"line", "counted_quantity"}]``."""
        stocktake = self.get_object()
        body = StocktakeCountsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.stocktake_count(actor=request.user, stocktake=stocktake, counts={
            row["line"]: row["counted_quantity"] for row in body.validated_data["counts"]})
        return self._render(stocktake)

    @extend_schema(request=StocktakeFoundLineSerializer, responses=StocktakeSerializer)
    @action(detail=True, methods=["post"])
    def lines(self, request, pk=None):
        """A part found on a frozen location but not on the count sheet."""
        stocktake = self.get_object()
        body = StocktakeFoundLineSerializer(data=request.data,
                                            context=self.get_serializer_context())
        body.is_valid(raise_exception=True)
        services.stocktake_add_line(actor=request.user, stocktake=stocktake,
                                    **body.validated_data)
        return self._render(stocktake)

    def _step(self, request, handler):
        stocktake = self.get_object()
        handler(actor=request.user, stocktake=stocktake)
        return self._render(stocktake)

    @extend_schema(request=None, responses=StocktakeSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._step(request, services.stocktake_submit)

    @extend_schema(request=None, responses=StocktakeSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._step(request, services.stocktake_reopen)

    @extend_schema(request=None, responses=StocktakeSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._step(request, services.stocktake_approve)

    @extend_schema(request=None, responses=StocktakeSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._step(request, services.stocktake_cancel)
