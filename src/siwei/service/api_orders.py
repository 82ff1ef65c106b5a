"""API: repair-orders/ (api.md) — reception, estimate, signature, approvals, workshop
actions, parts issue, inspection, settlement and the gate pass. Thin: parse, call a
service, return the updated order. Payments go through payments/ with ``repair_order``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response

from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import GroupScopedPrimaryKeyField, StoreScopedPrimaryKeyField
from siwei.core.transactions import all_or_nothing
from siwei.crm.models import Customer, Vehicle

from .models import (
    Appointment,
    ApprovalChannel,
    Equipment,
    EquipmentKind,
    Job,
    LabourOperation,
    PartLine,
    Payer,
    RepairOrder,
    ROCategory,
)
from .services import orders as ro_services
from .services import settlement


@extend_schema_field(OpenApiTypes.INT)
class PartField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        from siwei.parts.models import Part

        request = self.context.get("request")
        if request is None or getattr(request, "store", None) is None:
            return Part.objects.none()
        return Part.objects.filter(group_id=request.store.group_id, is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class TechnicianField(serializers.PrimaryKeyRelatedField):
    """A user working in the request's store."""

    def get_queryset(self):
        request = self.context.get("request")
        users = get_user_model().objects.filter(is_active=True)
        if request is None or getattr(request, "store", None) is None:
            return users.none()
        return users.filter(employee__assignments__store=request.store).distinct()


class JobSerializer(serializers.ModelSerializer):
    class Meta:
        model = Job
        fields = ["id", "operation", "name", "hours", "rate", "amount", "payer", "additional",
                  "approved_at", "approved_by_name", "approval_channel", "declined",
                  "safety_related", "technician", "status", "actual_hours", "self_checked"]
        read_only_fields = fields


class PartLineSerializer(serializers.ModelSerializer):
    part_number = serializers.CharField(source="part.number", read_only=True)
    part_name = serializers.CharField(source="part.name", read_only=True)

    class Meta:
        model = PartLine
        fields = ["id", "part", "part_number", "part_name", "quantity", "unit_price", "amount",
                  "issued", "payer", "additional", "approved_at", "approved_by_name",
                  "approval_channel", "declined", "safety_related"]
        read_only_fields = fields


class RepairOrderSerializer(serializers.ModelSerializer):
    customer = StoreScopedPrimaryKeyField(queryset=Customer.objects.all())
    vehicle = StoreScopedPrimaryKeyField(queryset=Vehicle.objects.all())
    appointment = StoreScopedPrimaryKeyField(queryset=Appointment.objects.all(), required=False,
                                             allow_null=True)
    comeback_of = StoreScopedPrimaryKeyField(queryset=RepairOrder.objects.all(), required=False,
                                             allow_null=True)
    complaints = serializers.ListField(child=serializers.CharField(max_length=300),
                                       allow_empty=True, required=False, write_only=True,
                                       help_text="the customer's complaints, one per entry")
    fuel_level = serializers.IntegerField(min_value=0, max_value=100, required=False,
                                          allow_null=True)
    jobs = JobSerializer(many=True, read_only=True)
    part_lines = PartLineSerializer(many=True, read_only=True)
    signed = serializers.SerializerMethodField()
    inspections = serializers.SerializerMethodField()

    class Meta:
        model = RepairOrder
        fields = ["id", "number", "status", "customer", "vehicle", "advisor", "category",
                  "appointment", "comeback_of", "mileage", "fuel_level", "damage_notes",
                  "valuables", "items_handed_over", "covers_applied", "customer_waits",
                  "return_old_parts", "diagnosis", "complaints", "promised_at", "received_at",
                  "signed", "signed_at", "signed_by_name", "phone_consent", "signed_estimate",
                  "contract_approved_by", "contract_approved_at", "estimate_total",
                  "customer_total", "discount_percent", "paid", "jobs", "part_lines",
                  "inspections", "completed_at", "settled_at", "released_at",
                  "gate_pass_number", "closed_at", "cancel_reason"]
        read_only_fields = ["number", "status", "advisor", "received_at", "signed_at",
                            "signed_by_name", "phone_consent", "signed_estimate",
                            "contract_approved_by", "contract_approved_at", "estimate_total",
                            "customer_total", "discount_percent", "paid", "completed_at",
                            "settled_at", "released_at", "gate_pass_number", "closed_at",
                            "cancel_reason"]

    def get_signed(self, ro) -> bool:
        return ro.signed_at is not None

    def get_inspections(self, ro) -> dict:
        """A summary from the order's milestones (the records are on the order page)."""
        return {"completed_at": ro.completed_at, "inspected_at": ro.inspected_at,
                "certificate_number": ro.certificate_number}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["complaints"] = [c.text for c in instance.concerns.all()]
        return data


class ROJobInput(serializers.Serializer):
    operation = GroupScopedPrimaryKeyField(queryset=LabourOperation.objects.all(),
                                           required=False, allow_null=True)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    hours = serializers.DecimalField(max_digits=6, decimal_places=2, required=False,
                                     allow_null=True, min_value=0)
    payer = serializers.ChoiceField(choices=Payer.choices, default=Payer.CUSTOMER)
    additional = serializers.BooleanField(default=False)
    safety_related = serializers.BooleanField(default=False)


class ROPartInput(serializers.Serializer):
    part = PartField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3, min_value=0)
    payer = serializers.ChoiceField(choices=Payer.choices, default=Payer.CUSTOMER)
    additional = serializers.BooleanField(default=False)
    safety_related = serializers.BooleanField(default=False)


class ROSignInput(serializers.Serializer):
    signed_by_name = serializers.CharField(max_length=50)
    signature = serializers.CharField(required=False, allow_blank=True, default="",
                                      help_text="the customer's signature (image data URL)")
    phone_consent = serializers.BooleanField(default=False,
                                             help_text="the advisor ticks phone consent")


class ROLinesInput(serializers.Serializer):
    jobs = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    part_lines = serializers.ListField(child=serializers.IntegerField(), required=False,
                                       default=list)


class ROApproveAdditionalInput(ROLinesInput):
    approved_by_name = serializers.CharField(max_length=50)
    approval_channel = serializers.ChoiceField(choices=ApprovalChannel.choices,
                                               help_text="how the customer approved")
    promised_at = serializers.DateTimeField(required=False, allow_null=True)


class RODeclineAdditionalInput(ROLinesInput):
    declined_by_name = serializers.CharField(max_length=50, required=False, allow_blank=True,
                                             default="")
    signature = serializers.CharField(required=False, allow_blank=True, default="")


class ROJobRefInput(serializers.Serializer):
    job = serializers.IntegerField()


class ROAssignInput(ROJobRefInput):
    technician = TechnicianField()


class ROFinishInput(ROJobRefInput):
    self_check_passed = serializers.BooleanField(default=True)
    findings = serializers.CharField(required=False, allow_blank=True, default="")


class ROIssueLine(serializers.Serializer):
    line = serializers.IntegerField()
    quantity = serializers.DecimalField(max_digits=14, decimal_places=3)


class ROIssueInput(serializers.Serializer):
    lines = ROIssueLine(many=True, allow_empty=False)


class ROInspectInput(serializers.Serializer):
    level = serializers.IntegerField(min_value=1, max_value=3)
    passed = serializers.BooleanField()
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    checks = serializers.DictField(required=False, allow_null=True, default=None)
    wear = serializers.DictField(required=False, allow_null=True, default=None)
    road_test = serializers.BooleanField(default=False)
    job = serializers.IntegerField(required=False, allow_null=True)
    instrument = StoreScopedPrimaryKeyField(
        queryset=Equipment.objects.filter(kind=EquipmentKind.INSTRUMENT), required=False,
        allow_null=True, default=None,
        help_text="the measuring instrument used (SV-20); 409 instrument_overdue when its "
                  "calibration has passed")


class ROSettleInput(serializers.Serializer):
    discount_percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0,
                                                max_value=100, default=0)


class ROCancelInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class RepairOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, StoreScopedViewSet):
    """Repair orders (任务委托书) through the states of SV-16."""

    serializer_class = RepairOrderSerializer
    queryset = RepairOrder.objects.all()
    filterset_fields = ["status", "category", "customer", "vehicle", "advisor"]
    ordering_fields = ["received_at", "promised_at", "id"]
    required_permissions = {
        "list": "service.view_repairorder", "retrieve": "service.view_repairorder",
        "create": "service.add_repairorder", "jobs": "service.change_repairorder",
        "parts": "service.change_repairorder", "sign": "service.change_repairorder",
        "approve_contract": "service.approve_contract",
        "approve_additional": "service.change_repairorder",
        "decline_additional": "service.change_repairorder",
        "assign": "service.dispatch_jobs", "start_job": "service.work_jobs",
        "pause_job": "service.work_jobs", "resume_job": "service.work_jobs",
        "finish_job": "service.work_jobs", "issue_parts": "parts.issue_stock",
        "return_parts": "parts.issue_stock", "inspect": "service.view_repairorder",
        "settle": "service.change_repairorder", "release": "service.release_vehicle",
        "cancel": "service.change_repairorder", "close": "service.change_repairorder",
    }

    def get_queryset(self):
        orders = RepairOrder.objects.for_store(self.request.store)
        if self.action in ("list", "retrieve"):
            orders = orders.prefetch_related(*LINES)
        return orders

    def _respond(self, ro: RepairOrder, status: int = 200) -> Response:
        """The updated order (api.md): its row as the service left it, with its lines."""
        cached = getattr(ro, "_prefetched_objects_cache", {})
        missing = [p for p in LINES if getattr(p, "prefetch_to", p) not in cached]
        prefetch_related_objects([ro], *missing)
        return Response(self.get_serializer(ro).data, status=status)

    @contextmanager
    def _locked_order(self) -> Iterator[RepairOrder]:
        """The order of the URL in the request's store, found and locked with one query
        in a transaction spanning the block; the service called with it uses that lock
        (``orders.holding``) instead of reading the row again. The action succeeds or
        fails as a whole (``all_or_nothing``: its services need no savepoints)."""
        with all_or_nothing():
            ro = get_object_or_404(ro_services.locking(self.get_queryset()),
                                   pk=self.kwargs["pk"])
            self.check_object_permissions(self.request, ro)
            with ro_services.holding(ro):
                yield ro

    def _job_to_clock(self, job_id: int) -> Job:
        """For clocking on: the job with its order, unlocked (the service locks the
        technician first, then the order, then its jobs)."""
        try:
            job = (Job.objects.select_related("repair_order")
                   .filter(pk=job_id, repair_order__in=self.get_queryset(),
                           repair_order_id=int(self.kwargs["pk"])).first())
        except (TypeError, ValueError):
            job = None
        if job is None:  # the order is not found (404) or the job is not on it (400)
            job = self._job(self.get_object(), job_id)
        self.check_object_permissions(self.request, job.repair_order)
        return job

    def _input(self, cls, request):
        data = cls(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        return data.validated_data

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        with all_or_nothing():
            ro = ro_services.repair_order_open(
                actor=request.user, store=request.store, customer=data.pop("customer"),
                vehicle=data.pop("vehicle"), category=data.pop("category"),
                mileage=data.pop("mileage"), promised_at=data.pop("promised_at"),
                complaints=data.pop("complaints", []), **data)
        return self._respond(ro, status=201)

    @staticmethod
    def _job(ro: RepairOrder, job_id: int) -> Job:
        job = Job.objects.filter(repair_order=ro, pk=job_id).first()
        if job is None:
            raise ValidationError({"job": ["This job is not on the repair order."]})
        job.repair_order = ro
        return job

    @staticmethod
    def _lines(ro: RepairOrder, data) -> list:
        lines = list(Job.objects.filter(repair_order=ro, pk__in=data["jobs"])) + list(
            PartLine.objects.filter(repair_order=ro, pk__in=data["part_lines"]))
        if len(lines) != len(set(data["jobs"])) + len(set(data["part_lines"])):
            raise ValidationError({"lines": ["A line is not on the repair order."]})
        return lines

    @extend_schema(request=ROJobInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"])
    def jobs(self, request, pk=None):
        """Add a job: ``name`` or ``operation`` (hours default to its standard hours)."""
        data = self._input(ROJobInput, request)
        with self._locked_order() as ro:
            job = ro_services.repair_order_add_job(actor=request.user, repair_order=ro, **data)
        return self._respond(job.repair_order)

    @extend_schema(request=ROPartInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"])
    def parts(self, request, pk=None):
        """Add a part line at the payer's list price; the parts clerk gets a request."""
        data = self._input(ROPartInput, request)
        with self._locked_order() as ro:
            line = ro_services.repair_order_add_part(actor=request.user, repair_order=ro, **data)
        return self._respond(line.repair_order)

    @extend_schema(request=ROSignInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        data = self._input(ROSignInput, request)
        with self._locked_order() as ro:
            ro = ro_services.repair_order_sign(actor=request.user, repair_order=ro, **data)
        return self._respond(ro)

    @extend_schema(request=None, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"], url_path="approve-contract")
    def approve_contract(self, request, pk=None):
        with self._locked_order() as ro:
            ro = ro_services.repair_order_approve_contract(actor=request.user, repair_order=ro)
        return self._respond(ro)

    @extend_schema(request=ROApproveAdditionalInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"], url_path="approve-additional")
    def approve_additional(self, request, pk=None):
        data = self._input(ROApproveAdditionalInput, request)
        with self._locked_order() as ro:
            ro = ro_services.repair_order_approve_additional(
                actor=request.user, repair_order=ro, lines=self._lines(ro, data),
                approved_by_name=data["approved_by_name"], channel=data["approval_channel"],
                promised_at=data.get("promised_at"))
        return self._respond(ro)

    @extend_schema(request=RODeclineAdditionalInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"], url_path="decline-additional")
    def decline_additional(self, request, pk=None):
        data = self._input(RODeclineAdditionalInput, request)
        with self._locked_order() as ro:
            ro = ro_services.repair_order_decline_additional(
                actor=request.user, repair_order=ro, lines=self._lines(ro, data),
                declined_by_name=data["declined_by_name"], signature=data["signature"])
        return self._respond(ro)

    @extend_schema(request=ROAssignInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        from .services.workshop import job_assign

        data = self._input(ROAssignInput, request)
        with self._locked_order() as ro:
            job_assign(actor=request.user, job=self._job(ro, data["job"]),
                       technician=data["technician"])
        return self._respond(ro)

    @extend_schema(request=ROJobRefInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"], url_path="start-job")
    def start_job(self, request, pk=None):
        from .services.workshop import job_start

        job = self._job_to_clock(self._input(ROJobRefInput, request)["job"])
        with all_or_nothing():
            job = job_start(actor=request.user, job=job)
        return self._respond(job.repair_order)

    @extend_schema(request=ROJobRefInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"], url_path="pause-job")
    def pause_job(self, request, pk=None):
        """Clock off a job for a while (break, waiting for parts)."""
        from .services.workshop import job_pause

        job_id = self._input(ROJobRefInput, request)["job"]
        with self._locked_order() as ro:
            job_pause(actor=request.user, job=self._job(ro, job_id))
        return self._respond(ro)

    @extend_schema(request=ROJobRefInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"], url_path="resume-job")
    def resume_job(self, request, pk=None):
        """Clock on a paused job again (not while working on another one)."""
        from .services.workshop import job_resume

        job = self._job_to_clock(self._input(ROJobRefInput, request)["job"])
        with all_or_nothing():
            job = job_resume(actor=request.user, job=job)
        return self._respond(job.repair_order)

    @extend_schema(request=ROFinishInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"], url_path="finish-job")
    def finish_job(self, request, pk=None):
        from .services.workshop import job_finish

        data = self._input(ROFinishInput, request)
        with self._locked_order() as ro:
            job_finish(actor=request.user, job=self._job(ro, data["job"]),
                       self_check_passed=data["self_check_passed"], findings=data["findings"])
        return self._respond(ro)

    @extend_schema(request=ROIssueInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"], url_path="issue-parts")
    def issue_parts(self, request, pk=None):
        """Issue parts to lines: ``lines: [{"line", "quantity"}]`` (FIFO, PT-6)."""
        lines = self._issue_lines(request)
        with self._locked_order() as ro:
            ro = ro_services.repair_order_issue_parts(actor=request.user, repair_order=ro,
                                                      lines=lines)
        return self._respond(ro)

    @extend_schema(request=ROIssueInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"], url_path="return-parts")
    def return_parts(self, request, pk=None):
        lines = self._issue_lines(request)
        with self._locked_order() as ro:
            ro = ro_services.repair_order_return_parts(actor=request.user, repair_order=ro,
                                                       lines=lines)
        return self._respond(ro)

    def _issue_lines(self, request) -> list:
        """(part line id, quantity) pairs; the service checks the lines are the order's."""
        return [(row["line"], row["quantity"])
                for row in self._input(ROIssueInput, request)["lines"]]

    @extend_schema(request=ROInspectInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"])
    def inspect(self, request, pk=None):
        """Record an inspection: ``level`` 1 self-check, 2 foreman, 3 final (SV-13)."""
        from .services.workshop import inspection_record

        data = dict(self._input(ROInspectInput, request))
        job_id = data.pop("job", None)
        with self._locked_order() as ro:
            inspection_record(actor=request.user, repair_order=ro,
                              job=self._job(ro, job_id) if job_id else None, **data)
        return self._respond(ro)

    @extend_schema(request=ROSettleInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"])
    def settle(self, request, pk=None):
        data = self._input(ROSettleInput, request)
        with self._locked_order() as ro:
            ro = settlement.repair_order_settle(actor=request.user, repair_order=ro, **data)
        return self._respond(ro)

    @extend_schema(request=None, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        """The gate pass: paid in full, or nothing for the customer to pay."""
        with self._locked_order() as ro:
            ro = settlement.repair_order_release(actor=request.user, repair_order=ro)
        return self._respond(ro)

    @extend_schema(request=ROCancelInput, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        data = self._input(ROCancelInput, request)
        with self._locked_order() as ro:
            ro = ro_services.repair_order_cancel(actor=request.user, repair_order=ro, **data)
        return self._respond(ro)

    @extend_schema(request=None, responses=RepairOrderSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        with self._locked_order() as ro:
            ro = ro_services.repair_order_close(actor=request.user, repair_order=ro)
        return self._respond(ro)


LINES = (Prefetch("jobs", queryset=Job.objects.order_by("id")),
         Prefetch("part_lines", queryset=PartLine.objects.select_related("part").order_by("id")),
         "concerns")

__all__ = ["ROCategory", "RepairOrderViewSet", "register"]


def register(router) -> None:
    router.register("repair-orders", RepairOrderViewSet, basename="repair-order")
