"""API of what the appointment and warranty pages set up: technician-shifts/ (SV-3
capacity), calendar-days/ (the store's override of the official calendar, SV-2),
maintenance-plans/ (SV-18, read) and maintenance-due/ (vehicles due, read). Thin: the
calendar and maintenance services do the work."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets

from siwei.core import clock
from siwei.core.api.base import SiweiAPIMixin, StoreScopedViewSet
from siwei.crm.models import Vehicle

from .models import MaintenancePlan, StoreCalendarDay, TechnicianShift
from .services import calendar as calendar_services
from .services.maintenance import vehicles_due


@extend_schema_field(OpenApiTypes.INT)
class StoreTechnicianField(serializers.PrimaryKeyRelatedField):
    """A technician of the request's store."""

    def get_queryset(self):
        request = self.context.get("request")
        users = get_user_model().objects.filter(is_active=True)
        if request is None or getattr(request, "store", None) is None:
            return users.none()
        return users.filter(employee__assignments__store=request.store,
                            employee__assignments__role__code="technician").distinct()


def _date_param(request, name: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(request.query_params.get(name, ""))
    except ValueError:
        return None


class TechnicianShiftSerializer(serializers.ModelSerializer):
    technician = StoreTechnicianField()

    class Meta:
        model = TechnicianShift
        fields = ["id", "technician", "day", "start", "end"]


class TechnicianShiftViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             mixins.CreateModelMixin, mixins.DestroyModelMixin,
                             StoreScopedViewSet):
    """Technicians' shifts of the store (``?from=&to=`` days, ``?technician=``). Create
    sets the technician's shift on ``day`` (an existing one is changed); delete: the
    technician is off that day."""

    serializer_class = TechnicianShiftSerializer
    queryset = TechnicianShift.objects.all()
    filterset_fields = ["technician", "day"]
    ordering_fields = ["day", "start", "id"]
    http_method_names = ["get", "post", "delete", "head", "options"]
    required_permissions = {
        "list": "service.view_technicianshift", "retrieve": "service.view_technicianshift",
        "create": "service.add_technicianshift", "destroy": "service.change_technicianshift",
    }

    def get_queryset(self):
        shifts = TechnicianShift.objects.for_store(self.request.store)
        first, last = _date_param(self.request, "from"), _date_param(self.request, "to")
        if first:
            shifts = shifts.filter(day__gte=first)
        if last:
            shifts = shifts.filter(day__lte=last)
        return shifts.order_by("day", "start", "id")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = calendar_services.shift_set(
            actor=self.request.user, store=self.request.store, technician=data["technician"],
            days=[data["day"]], start=data["start"], end=data["end"])[0]

    def perform_destroy(self, instance):
        calendar_services.shift_remove(actor=self.request.user, store=self.request.store,
                                       technician=instance.technician, day=instance.day)


class CalendarDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = StoreCalendarDay
        fields = ["id", "day", "is_working", "note"]
        validators = []  # one row per day: creating a day again changes it


class CalendarDayViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, mixins.DestroyModelMixin, StoreScopedViewSet):
    """The store's own working days and days off over the official Chinese calendar
    (``?from=&to=``). Create opens or closes a day (again for the same day changes it);
    delete returns the day to the official calendar."""

    serializer_class = CalendarDaySerializer
    queryset = StoreCalendarDay.objects.all()
    filterset_fields = ["is_working"]
    ordering_fields = ["day", "id"]
    http_method_names = ["get", "post", "delete", "head", "options"]
    required_permissions = {
        "list": "service.view_storecalendarday", "retrieve": "service.view_storecalendarday",
        "create": "service.change_storecalendarday",
        "destroy": "service.change_storecalendarday",
    }

    def get_queryset(self):
        days = StoreCalendarDay.objects.for_store(self.request.store)
        first, last = _date_param(self.request, "from"), _date_param(self.request, "to")
        if first:
            days = days.filter(day__gte=first)
        if last:
            days = days.filter(day__lte=last)
        return days.order_by("day")

    def perform_create(self, serializer):
        serializer.instance = calendar_services.calendar_day_set(
            actor=self.request.user, store=self.request.store, **serializer.validated_data)

    def perform_destroy(self, instance):
        calendar_services.calendar_day_remove(actor=self.request.user, store=self.request.store,
                                              day=instance.day)


class MaintenancePlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = MaintenancePlan
        fields = ["id", "model", "first_km", "first_months", "interval_km", "interval_months"]
        read_only_fields = fields


class MaintenancePlanViewSet(SiweiAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             viewsets.GenericViewSet):
    """The group's maintenance plans (SV-18); ``model`` null is the group's default."""

    serializer_class = MaintenancePlanSerializer
    queryset = MaintenancePlan.objects.none()
    required_permissions = {"*": "service.view_maintenanceplan"}

    def get_queryset(self):
        store = self.request.store
        if store is None:
            return MaintenancePlan.objects.none()
        return MaintenancePlan.objects.filter(group_id=store.group_id).order_by("model", "id")


class MaintenanceDueSerializer(serializers.Serializer):
    vehicle = serializers.IntegerField(source="pk")
    vin = serializers.CharField()
    plate = serializers.CharField()
    owner = serializers.IntegerField(source="owner_id", allow_null=True)
    last_km = serializers.IntegerField(allow_null=True)
    next_maintenance_date = serializers.DateField()


class MaintenanceDueViewSet(SiweiAPIMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Vehicles of the store whose next maintenance falls within ``?days=`` (default 30,
    at most 366), as on the maintenance due page."""

    serializer_class = MaintenanceDueSerializer
    required_permissions = {"*": "service.view_maintenanceplan"}

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no store
            return Vehicle.objects.none()
        try:
            days = max(0, min(int(self.request.query_params.get("days", 30)), 366))
        except ValueError:
            days = 30
        return vehicles_due(store=self.request.store,
                            until=clock.today() + dt.timedelta(days=days))

    @extend_schema(parameters=[OpenApiParameter("days", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


def register(router) -> None:
    router.register("technician-shifts", TechnicianShiftViewSet, basename="technician-shift")
    router.register("calendar-days", CalendarDayViewSet, basename="calendar-day")
    router.register("maintenance-plans", MaintenancePlanViewSet, basename="maintenance-plan")
    router.register("maintenance-due", MaintenanceDueViewSet, basename="maintenance-due")
