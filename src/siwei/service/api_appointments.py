"""API: appointments/ (api.md) — booking, the slot finder and the appointment's states."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import GroupScopedPrimaryKeyField, StoreScopedPrimaryKeyField
from siwei.crm.models import Customer, Vehicle
from siwei.parts.models import Part

from . import selectors_appointments as selectors
from .models import Appointment, AppointmentChannel, LabourOperation
from .services import appointments as services


@extend_schema_field(OpenApiTypes.INT)
class AdvisorField(serializers.PrimaryKeyRelatedField):
    """A service advisor of the request's store, by user id."""

    def _respond(self, appointment: Appointment, status: int = 200) -> Response:
        """Actions return the updated record, read again with its links (api.md)."""
        fresh = selectors.appointments_for(store=self.request.store).get(pk=appointment.pk)
        return Response(self.get_serializer(fresh).data, status=status)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or getattr(request, "store", None) is None:
            return get_user_model().objects.none()
        return services.advisors(request.store)


class AppointmentPartInput(serializers.Serializer):
    part = GroupScopedPrimaryKeyField(queryset=Part.objects.all())
    quantity = serializers.DecimalField(max_digits=12, decimal_places=3,
                                        min_value=Decimal("0.001"))


class AppointmentSerializer(serializers.ModelSerializer):
    customer = StoreScopedPrimaryKeyField(queryset=Customer.objects.all())
    vehicle = StoreScopedPrimaryKeyField(queryset=Vehicle.objects.all())
    advisor = AdvisorField()
    operations = GroupScopedPrimaryKeyField(queryset=LabourOperation.objects.all(), many=True,
                                            required=False)
    parts = AppointmentPartInput(many=True, required=False, write_only=True,
                          help_text="parts to reserve: [{\"part\", \"quantity\"}]")
    estimated_hours = serializers.DecimalField(max_digits=6, decimal_places=2, required=False,
                                               allow_null=True, min_value=Decimal("0.01"))
    repair_order = serializers.SerializerMethodField()
    rescheduled_to = serializers.SerializerMethodField()
    advisor_name = serializers.SerializerMethodField()

    class Meta:
        model = Appointment
        fields = ["id", "number", "status", "customer", "vehicle", "advisor", "advisor_name",
                  "start", "category", "estimated_hours", "description", "channel",
                  "operations", "parts", "rescheduled_from", "rescheduled_to",
                  "repair_order", "cancel_reason", "created_at"]
        read_only_fields = ["number", "status", "rescheduled_from", "cancel_reason",
                            "created_at"]

    def get_repair_order(self, obj) -> int | None:
        return getattr(obj, "ro_id", None)

    def get_rescheduled_to(self, obj) -> int | None:
        return getattr(obj, "next_id", None)

    def get_advisor_name(self, obj) -> str:
        return services._advisor_name(obj.advisor)


class AppointmentArriveInput(serializers.Serializer):
    mileage = serializers.IntegerField(min_value=0, max_value=2_000_000)
    promised_at = serializers.DateTimeField(required=False, allow_null=True)
    complaints = serializers.ListField(child=serializers.CharField(max_length=300),
                                       required=False, allow_null=True)
    fuel_level = serializers.IntegerField(required=False, allow_null=True, min_value=0,
                                          max_value=100)
    damage_notes = serializers.CharField(required=False, allow_blank=True)
    valuables = serializers.CharField(required=False, allow_blank=True, max_length=200)
    items_handed_over = serializers.CharField(required=False, allow_blank=True,
                                              max_length=200)
    covers_applied = serializers.BooleanField(required=False)
    customer_waits = serializers.BooleanField(required=False)
    return_old_parts = serializers.BooleanField(required=False)
    diagnosis = serializers.CharField(required=False, allow_blank=True)


class AppointmentCancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class AppointmentRescheduleInput(serializers.Serializer):
    start = serializers.DateTimeField()
    advisor = AdvisorField(required=False, allow_null=True)


class AppointmentSlotsInput(serializers.Serializer):
    date = serializers.DateField()
    advisor = AdvisorField(required=False, allow_null=True)
    hours = serializers.DecimalField(max_digits=6, decimal_places=2, required=False,
                                     min_value=Decimal("0.01"))
    category = serializers.ChoiceField(choices=Appointment._meta.get_field("category").choices,
                                       required=False)


def _iso(at: dt.datetime) -> str:
    return timezone.localtime(at).isoformat()


class AppointmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, StoreScopedViewSet):
    """Bookings with an SA's reception slot and workshop hours (SV-1 … SV-4). Refusals:
    409 ``slot_unavailable`` (taken, buffer or closed day) and ``capacity_full``, both
    with ``next_days`` where there is room."""

    serializer_class = AppointmentSerializer
    queryset = Appointment.objects.all()
    filterset_fields = ["status", "advisor", "customer", "vehicle", "category"]
    ordering_fields = ["start", "id"]
    required_permissions = {
        "list": "service.view_appointment", "retrieve": "service.view_appointment",
        "slots": "service.view_appointment", "create": "service.add_appointment",
        "confirm": "service.change_appointment", "cancel": "service.change_appointment",
        "reschedule": "service.change_appointment", "arrive": "service.add_repairorder",
    }

    def _respond(self, appointment: Appointment, status: int = 200) -> Response:
        """Actions return the updated record, read again with its links (api.md)."""
        fresh = selectors.appointments_for(store=self.request.store).get(pk=appointment.pk)
        return Response(self.get_serializer(fresh).data, status=status)

    def get_queryset(self):
        rows = selectors.appointments_for(store=self.request.store)
        if self.action != "list":
            return rows
        raw = self.request.query_params.get("date")
        if raw:
            try:
                day = dt.date.fromisoformat(raw)
            except ValueError:
                raise serializers.ValidationError({"date": ["Use YYYY-MM-DD."]}) from None
            rows = selectors.on_day(rows, day)
        return rows

    @extend_schema(parameters=[OpenApiParameter("date", OpenApiTypes.DATE,
                                                description="appointments of this day")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        parts = [(line["part"], line["quantity"]) for line in data.pop("parts", [])]
        serializer.instance = services.appointment_book(
            actor=self.request.user, store=self.request.store, customer=data.pop("customer"),
            vehicle=data.pop("vehicle"), advisor=data.pop("advisor"), start=data.pop("start"),
            category=data.pop("category"), estimated_hours=data.pop("estimated_hours", None),
            operations=data.pop("operations", []), description=data.pop("description", ""),
            channel=data.pop("channel", AppointmentChannel.PHONE), parts=parts)

    @extend_schema(parameters=[AppointmentSlotsInput], responses={200: {"type": "array", "items": {
        "type": "string", "format": "date-time"}}})
    @action(detail=False, methods=["get"])
    def slots(self, request):
        """The free start times of a day (ISO 8601 with offset): the SA's (or any SA's)
        free non-buffer slots, on a working day with capacity left for the hours asked."""
        data = AppointmentSlotsInput(data=request.query_params,
                                     context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        found = services.appointment_slots(
            store=request.store, day=data.validated_data["date"],
            advisor=data.validated_data.get("advisor"),
            hours=data.validated_data.get("hours"),
            category=data.validated_data.get("category"))
        return Response([_iso(at) for at in found])

    @extend_schema(request=None, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        appointment = self.get_object()
        services.appointment_confirm(actor=request.user, appointment=appointment)
        return self._respond(appointment)

    @extend_schema(request=AppointmentArriveInput, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def arrive(self, request, pk=None):
        """The customer arrived: opens the repair order (its id is in ``repair_order``)."""
        appointment = self.get_object()
        data = AppointmentArriveInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        for key in ("fuel_level", "promised_at", "complaints"):
            if values.get(key) is None:
                values.pop(key, None)
        services.appointment_arrive(actor=request.user, appointment=appointment, **values)
        return self._respond(appointment)

    @extend_schema(request=AppointmentCancelInput, responses=AppointmentSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        appointment = self.get_object()
        data = AppointmentCancelInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.appointment_cancel(actor=request.user, appointment=appointment,
                                    reason=data.validated_data["reason"])
        return self._respond(appointment)

    @extend_schema(request=AppointmentRescheduleInput, responses={201: AppointmentSerializer})
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        """Returns the new booking (201); the old one is ``rescheduled``."""
        appointment = self.get_object()
        data = AppointmentRescheduleInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        new = services.appointment_reschedule(
            actor=request.user, appointment=appointment, start=data.validated_data["start"],
            advisor=data.validated_data.get("advisor"))
        return self._respond(new, status=201)


def register(router) -> None:
    router.register("appointments", AppointmentViewSet, basename="appointment")
