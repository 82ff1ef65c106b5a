"""API reads of the workshop (SV-10, SV-13): ``GET workshop/board/`` — the dispatch board
of the request's store, ``GET workshop/my-jobs/`` — a technician's jobs for the tablet,
``GET workshop/inspections/?level=`` — the orders waiting for an inspection of that level.
Same figures and permissions as the pages; thin: parse, call a selector, render."""

from __future__ import annotations

from decimal import ROUND_HALF_UP

from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from siwei.core.api.base import SiweiAPIMixin
from siwei.core.permissions import has_store_perm

from . import selectors_inspections, selectors_workshop
from .models import Inspection, JobStatus, ROStatus
from .services.workshop import PERM_DISPATCH, PERM_FINAL, PERM_FOREMAN, PERM_WORK

LEVEL_PERMS = {Inspection.Level.SELF: (PERM_WORK, PERM_DISPATCH),
               Inspection.Level.FOREMAN: (PERM_FOREMAN,),
               Inspection.Level.FINAL: (PERM_FINAL,)}


def hours_field(**kwargs) -> serializers.DecimalField:
    """Hours with two decimals, rounded half up as on the pages."""
    return serializers.DecimalField(max_digits=9, decimal_places=2, rounding=ROUND_HALF_UP,
                                    **kwargs)


def name_of(user) -> str:
    return selectors_workshop.person_name(user)


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}$", "example": "08:30"})
class ShiftTimeField(serializers.TimeField):
    """A time of day of the store's shift, ``HH:MM`` without an offset."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)


# --- the board (SV-10) -----------------------------------------------------------------


class BoardJobSerializer(serializers.Serializer):
    """A job on the board, with its repair order's promised time and late flag."""

    id = serializers.IntegerField(source="job.pk")
    name = serializers.CharField(source="job.name")
    status = serializers.ChoiceField(source="job.status", choices=JobStatus.choices)
    technician = serializers.IntegerField(source="job.technician_id", allow_null=True)
    technician_name = serializers.SerializerMethodField()
    repair_order = serializers.IntegerField(source="ro.pk")
    number = serializers.CharField(source="ro.number")
    plate = serializers.CharField(source="ro.vehicle.plate")
    promised_at = serializers.DateTimeField(source="ro.promised_at")
    sold_hours = hours_field(source="job.hours")
    clocked_hours = hours_field(source="clocked")
    hours_to_do = hours_field(source="to_do", help_text="sold − clocked hours, never negative")
    running = serializers.BooleanField(help_text="the technician is clocked on it now")
    ready_at = serializers.DateTimeField(allow_null=True,
                                         help_text="expected finish; null once finished")
    late = serializers.SerializerMethodField()

    def get_technician_name(self, item) -> str:
        return name_of(item.job.technician)

    def get_late(self, item) -> bool:
        """The repair order cannot be ready by its promised time, or that time passed."""
        return self.context["orders"][item.ro.pk].late


class BoardTechnicianSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk")
    name = serializers.CharField()
    on_shift = serializers.SerializerMethodField()
    shift_start = ShiftTimeField(source="shift.start", allow_null=True,
                                 help_text="local time; null: no shift today")
    shift_end = ShiftTimeField(source="shift.end", allow_null=True,
                               help_text="local time (before the start: the next morning)")
    hours_left = hours_field(help_text="shift end − max(now, shift start), never negative")
    assigned_hours = hours_field(help_text="hours to do on the assigned jobs")
    free_hours = hours_field(help_text="hours left − assigned hours (negative: overloaded)")
    overloaded = serializers.BooleanField()
    load_percent = serializers.IntegerField(min_value=0, max_value=100)
    jobs = BoardJobSerializer(many=True, help_text="in the order they will be worked on")

    def get_on_shift(self, technician) -> bool:
        return technician.shift is not None


class BoardOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="ro.pk")
    number = serializers.CharField(source="ro.number")
    status = serializers.ChoiceField(source="ro.status", choices=ROStatus.choices)
    vehicle = serializers.IntegerField(source="ro.vehicle_id")
    plate = serializers.CharField(source="ro.vehicle.plate")
    customer_waits = serializers.BooleanField(source="ro.customer_waits")
    advisor = serializers.IntegerField(source="ro.advisor_id")
    advisor_name = serializers.SerializerMethodField()
    promised_at = serializers.DateTimeField(source="ro.promised_at")
    ready_at = serializers.DateTimeField(help_text="when all its work can be finished")
    late = serializers.BooleanField(help_text="cannot be ready by the promised time, "
                                              "or that time passed")
    overdue = serializers.BooleanField(help_text="the promised time passed")
    jobs = BoardJobSerializer(many=True)

    def get_advisor_name(self, order) -> str:
        return name_of(order.ro.advisor)


class BoardSerializer(serializers.Serializer):
    now = serializers.DateTimeField()
    technicians_on_shift = serializers.SerializerMethodField()
    hours_left = hours_field(help_text="shift hours left of the technicians on shift")
    assigned_hours = hours_field()
    unassigned_hours = hours_field()
    late_count = serializers.SerializerMethodField()
    technicians = BoardTechnicianSerializer(many=True)
    orders = BoardOrderSerializer(many=True)
    unassigned = BoardJobSerializer(many=True)

    def get_technicians_on_shift(self, board) -> int:
        return len(board.on_shift)

    def get_late_count(self, board) -> int:
        return len(board.late)


# --- a technician's jobs ---------------------------------------------------------------


class TechnicianJobSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="job.pk")
    name = serializers.CharField(source="job.name")
    status = serializers.ChoiceField(source="job.status", choices=JobStatus.choices)
    repair_order = serializers.IntegerField(source="job.repair_order_id")
    number = serializers.CharField(source="job.repair_order.number")
    promised_at = serializers.DateTimeField(source="job.repair_order.promised_at")
    vehicle = serializers.IntegerField(source="job.repair_order.vehicle_id")
    plate = serializers.CharField(source="job.repair_order.vehicle.plate")
    vin = serializers.CharField(source="job.repair_order.vehicle.vin")
    sold_hours = hours_field(source="job.hours")
    clocked_hours = hours_field(source="clocked")
    running_since = serializers.DateTimeField(allow_null=True)


MAX_ID = 2**31 - 1


class TechnicianJobsQuery(serializers.Serializer):
    technician = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


# --- inspection queues (SV-13) ---------------------------------------------------------


class LastInspectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    level = serializers.ChoiceField(choices=Inspection.Level.choices)
    passed = serializers.BooleanField()
    at = serializers.DateTimeField()
    job = serializers.IntegerField(source="job_id", allow_null=True)
    inspector = serializers.IntegerField(source="inspector_id")
    inspector_name = serializers.SerializerMethodField()
    findings = serializers.CharField()

    def get_inspector_name(self, inspection) -> str:
        return name_of(inspection.inspector)


class QueuedOrderSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=ROStatus.choices)
    vehicle = serializers.IntegerField(source="vehicle_id")
    plate = serializers.CharField(source="vehicle.plate")
    vin = serializers.CharField(source="vehicle.vin")
    customer = serializers.IntegerField(source="customer_id")
    advisor = serializers.IntegerField(source="advisor_id")
    advisor_name = serializers.SerializerMethodField()
    promised_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)
    last_inspection = LastInspectionSerializer(allow_null=True)

    def get_advisor_name(self, ro) -> str:
        return name_of(ro.advisor)


class InspectionQueueQuery(serializers.Serializer):
    level = serializers.ChoiceField(choices=Inspection.Level.choices)


class LevelErrorSerializer(serializers.Serializer):
    level = serializers.ListField(child=serializers.CharField())


class TechnicianErrorSerializer(serializers.Serializer):
    technician = serializers.ListField(child=serializers.CharField())


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


REFUSED = {401: OpenApiResponse(DetailSerializer, description="not authenticated"),
           403: OpenApiResponse(DetailSerializer, description="not allowed in this store")}
NO_PAGE = {404: OpenApiResponse(DetailSerializer, description="no such page")}


# --- the endpoints ---------------------------------------------------------------------


def require_any(request, *perms: str) -> None:
    """403 unless the user holds one of ``perms`` in the request's store."""
    if request.store is None or not any(has_store_perm(request.user, request.store, perm)
                                        for perm in perms):
        raise PermissionDenied


class WorkshopViewSet(SiweiAPIMixin, viewsets.GenericViewSet):
    """Reads of the workshop pages: the dispatch board, a technician's jobs, the
    inspection queues, for the store of the request."""

    filter_backends = []
    required_permissions = {"board": PERM_DISPATCH,
                            "inspections": "service.view_inspection"}

    @extend_schema(responses={200: BoardSerializer, **REFUSED})
    @action(detail=False, methods=["get"])
    def board(self, request):
        """SV-10, as on the dispatch board: technicians (on shift today, or with open jobs)
        with hours left in their shift against assigned hours and their jobs in working
        order; repair orders in the workshop with promised time, expected finish and the
        late flag; the unassigned jobs. Needs ``service.dispatch_jobs``."""
        board = selectors_workshop.workshop_board(store=request.store)
        orders = {order.ro.pk: order for order in board.orders}
        return Response(BoardSerializer(board, context={"orders": orders}).data)

    @extend_schema(parameters=[OpenApiParameter(
                       "technician", {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                       description="user id: another technician's jobs "
                                   "(needs service.dispatch_jobs)")],
                   responses={200: TechnicianJobSerializer(many=True),
                              400: TechnicianErrorSerializer, **REFUSED, **NO_PAGE})
    @action(detail=False, methods=["get"], url_path="my-jobs")
    def my_jobs(self, request):
        """The technician's open jobs and those finished today, running first, as on
        *My jobs*: own jobs need ``service.work_jobs``; ``?technician=`` another's needs
        ``service.dispatch_jobs`` (foreman), else 403. Only the jobs of this store are
        listed: none for a user who does not work here."""
        require_any(request, PERM_WORK, PERM_DISPATCH)
        query = TechnicianJobsQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        technician = query.validated_data.get("technician", request.user.pk)
        require_any(request, PERM_WORK if technician == request.user.pk else PERM_DISPATCH)
        jobs = selectors_workshop.technician_jobs(store=request.store, technician=technician)
        page = self.paginate_queryset(jobs)
        return self.get_paginated_response(TechnicianJobSerializer(page, many=True).data)

    @extend_schema(parameters=[OpenApiParameter("level", int, required=True, enum=[1, 2, 3],
                                                description="1 self-check, 2 foreman check, "
                                                            "3 final inspection")],
                   responses={200: QueuedOrderSerializer(many=True),
                              400: LevelErrorSerializer, **REFUSED, **NO_PAGE})
    @action(detail=False, methods=["get"])
    def inspections(self, request):
        """SV-13: the orders waiting for an inspection of ``level``, promised time first,
        each with its last inspection. Level 1 (needs ``service.work_jobs`` or
        ``service.dispatch_jobs``): orders in progress with a job being worked on or
        finished without its self-check; level 2 (``service.inspect_foreman``): completed
        orders waiting for the foreman's check; level 3 (``service.inspect_final``):
        completed orders whose foreman check passed."""
        query = InspectionQueueQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        level = Inspection.Level(int(query.validated_data["level"]))
        require_any(request, *LEVEL_PERMS[level])
        orders = selectors_inspections.inspection_queue_of_level(store=request.store,
                                                                 level=level)
        page = selectors_inspections.with_last_inspection(self.paginate_queryset(orders))
        return self.get_paginated_response(QueuedOrderSerializer(page, many=True).data)


__all__ = ["WorkshopViewSet", "register"]


def register(router) -> None:
    router.register("workshop", WorkshopViewSet, basename="workshop-api")
