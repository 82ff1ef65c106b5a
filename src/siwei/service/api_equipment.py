"""API of the workshop resources that only had pages (SV-20): equipment/ — the equipment
ledger with the ``calibrate`` and ``log`` actions — and tool-loans/ — special tools lent
for the day, with the ``return`` action. Thin: parse, call the equipment services,
return the record."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from siwei.core import clock
from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import StoreScopedPrimaryKeyField, action_response

from .api_orders import TechnicianField
from .models import Equipment, EquipmentKind, EquipmentLogKind, RepairOrder, ToolLoan
from .services import equipment as services


class StoreUserField(TechnicianField):
    """A user working in the request's store (responsible person, borrower)."""


class EquipmentSerializer(serializers.ModelSerializer):
    responsible = StoreUserField(required=False, allow_null=True)
    calibration_state = serializers.SerializerMethodField()

    class Meta:
        model = Equipment
        fields = ["id", "asset_number", "name", "kind", "specification", "location",
                  "responsible", "purchase_date", "calibration_cycle_days", "last_calibrated",
                  "next_calibration", "calibration_state", "out_of_service", "notes"]
        read_only_fields = ["last_calibrated", "next_calibration"]

    def get_calibration_state(self, equipment) -> str | None:
        """green, yellow or red for a measuring instrument (SV-20); null otherwise."""
        if equipment.kind != EquipmentKind.INSTRUMENT:
            return None
        return str(equipment.calibration_state(clock.today()))


class CalibrateInput(serializers.Serializer):
    day = serializers.DateField()
    passed = serializers.BooleanField(default=True)
    agency = serializers.CharField(max_length=100, required=False, allow_blank=True,
                                   default="")
    certificate = serializers.CharField(max_length=60, required=False, allow_blank=True,
                                        default="")


class LogInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EquipmentLogKind.choices)
    day = serializers.DateField(required=False, allow_null=True, default=None)
    in_order = serializers.BooleanField(default=True)
    notes = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                  default="")


class EquipmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, StoreScopedViewSet):
    """The equipment ledger (设备台账): equipment, measuring instruments with their
    calibration state, special tools. ``calibrate`` records a calibration (a failed one
    stops the instrument); ``log`` a line of the daily or monthly maintenance log."""

    serializer_class = EquipmentSerializer
    queryset = Equipment.objects.select_related("responsible")
    filterset_fields = ["kind", "out_of_service"]
    ordering_fields = ["asset_number", "next_calibration", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_permissions = {
        "list": "service.view_equipment", "retrieve": "service.view_equipment",
        "create": "service.add_equipment", "partial_update": "service.change_equipment",
        "calibrate": "service.add_calibration", "log": "service.add_equipmentlog",
    }

    def get_queryset(self):
        return Equipment.objects.for_store(self.request.store).select_related("responsible")

    def perform_create(self, serializer):
        serializer.instance = services.equipment_create(
            actor=self.request.user, store=self.request.store, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.equipment_update(
            actor=self.request.user, equipment=serializer.instance,
            **serializer.validated_data)

    def partial_update(self, request, *args, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return action_response(self, serializer.instance)

    @extend_schema(request=CalibrateInput, responses=EquipmentSerializer)
    @action(detail=True, methods=["post"])
    def calibrate(self, request, pk=None):
        """Record a calibration: a pass sets the next one (day + cycle); a fail stops the
        instrument. 400 ``instrument`` for anything but a measuring instrument."""
        equipment = self.get_object()
        data = CalibrateInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.calibration_record(actor=request.user, instrument=equipment,
                                    **data.validated_data)
        return action_response(self, equipment)

    @extend_schema(request=LogInput, responses=EquipmentSerializer)
    @action(detail=True, methods=["post"])
    def log(self, request, pk=None):
        """A line of the maintenance log (``notes`` required when not in order)."""
        equipment = self.get_object()
        data = LogInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.equipment_log(actor=request.user, equipment=equipment,
                               **data.validated_data)
        return action_response(self, equipment)


class ToolLoanSerializer(serializers.ModelSerializer):
    tool = StoreScopedPrimaryKeyField(queryset=Equipment.objects.all())
    borrower = StoreUserField()
    repair_order = StoreScopedPrimaryKeyField(queryset=RepairOrder.objects.all(),
                                              required=False, allow_null=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ToolLoan
        fields = ["id", "tool", "borrower", "repair_order", "notes", "lent_at", "due_at",
                  "lent_by", "returned_at", "returned_to", "overdue"]
        read_only_fields = ["lent_at", "due_at", "lent_by", "returned_at", "returned_to"]

    def get_overdue(self, loan) -> bool:
        return loan.is_overdue(clock.now())


class ToolLoanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, StoreScopedViewSet):
    """Special tools lent for the day (SV-20): create lends one (409 ``tool_unavailable``
    when it is out or out of service), ``return`` takes it back; ``?open=true`` lists the
    tools still out, ``?overdue=true`` those not back in time."""

    serializer_class = ToolLoanSerializer
    queryset = ToolLoan.objects.all()
    filterset_fields = ["tool", "borrower"]
    ordering_fields = ["lent_at", "due_at", "id"]
    required_permissions = {
        "list": "service.view_toolloan", "retrieve": "service.view_toolloan",
        "create": "service.add_toolloan", "return_tool": "service.change_toolloan",
    }

    def get_queryset(self):
        loans = ToolLoan.objects.for_store(self.request.store)
        params = self.request.query_params
        if params.get("open") in ("1", "true"):
            loans = loans.filter(returned_at__isnull=True)
        if params.get("overdue") in ("1", "true"):
            loans = loans.filter(returned_at__isnull=True, due_at__lt=clock.now())
        return loans

    def perform_create(self, serializer):
        serializer.instance = services.tool_lend(actor=self.request.user,
                                                 **serializer.validated_data)

    @extend_schema(request=None, responses=ToolLoanSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_tool(self, request, pk=None):
        """The tool is back (409 ``invalid_transition`` when it already is)."""
        loan = services.tool_return(actor=request.user, loan=self.get_object())
        return Response(self.get_serializer(loan).data)


__all__ = ["EquipmentViewSet", "ToolLoanViewSet", "register"]


def register(router) -> None:
    router.register("equipment", EquipmentViewSet, basename="equipment")
    router.register("tool-loans", ToolLoanViewSet, basename="tool-loan")
