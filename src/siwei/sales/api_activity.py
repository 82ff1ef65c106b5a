"""API: test-drives/ (CS-10) and sales-targets/ (CS-11)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import StoreScopedPrimaryKeyField, action_response
from siwei.crm.models import Customer, Lead

from .models import SalesTarget, StockVehicle, TestDrive
from .services import test_drive_book, test_drive_finish
from .services.targets import FIELDS as TARGET_FIELDS
from .services.targets import target_set


class TestDriveSerializer(serializers.ModelSerializer):
    vehicle = StoreScopedPrimaryKeyField(queryset=StockVehicle.objects.all())
    customer = StoreScopedPrimaryKeyField(queryset=Customer.objects.all())
    lead = StoreScopedPrimaryKeyField(queryset=Lead.objects.all(), required=False,
                                      allow_null=True)

    class Meta:
        model = TestDrive
        fields = ["id", "vehicle", "customer", "lead", "licence_number", "licence_checked",
                  "start", "end", "route", "feedback", "consultant"]
        read_only_fields = ["feedback", "consultant"]


class FinishInput(serializers.Serializer):
    feedback = serializers.CharField()


class TestDriveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, StoreScopedViewSet):
    """Test drives; a demo vehicle already out is 409 ``vehicle_unavailable``."""

    serializer_class = TestDriveSerializer
    queryset = TestDrive.objects.all()
    filterset_fields = ["vehicle", "customer"]
    ordering_fields = ["start"]
    required_permissions = {"list": "sales.view_testdrive", "retrieve": "sales.view_testdrive",
                            "create": "sales.add_testdrive", "finish": "sales.change_testdrive"}

    def perform_create(self, serializer):
        serializer.instance = test_drive_book(actor=self.request.user, store=self.request.store,
                                              **serializer.validated_data)

    @extend_schema(request=FinishInput, responses=TestDriveSerializer)
    @action(detail=True, methods=["post"])
    def finish(self, request, pk=None):
        drive = self.get_object()
        data = FinishInput(data=request.data)
        data.is_valid(raise_exception=True)
        test_drive_finish(actor=request.user, drive=drive, **data.validated_data)
        return action_response(self, drive)


class SalesTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = SalesTarget
        fields = ["id", "month", "consultant", *TARGET_FIELDS]


class SalesTargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                         mixins.CreateModelMixin, StoreScopedViewSet):
    """Monthly targets of the store (no consultant) or a consultant; POST sets them (a
    second POST for the same month and person updates the same target)."""

    serializer_class = SalesTargetSerializer
    queryset = SalesTarget.objects.order_by("-month", "consultant_id", "id")
    filterset_fields = ["month", "consultant"]
    required_permissions = {"list": "sales.view_salestarget",
                            "retrieve": "sales.view_salestarget",
                            "create": "sales.change_salestarget"}

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        if getattr(serializer, "instance", None) is None and "data" in kwargs:
            serializer.validators = []  # target_set updates an existing month's target
        return serializer

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = target_set(actor=self.request.user, store=self.request.store,
                                         month=data.pop("month"),
                                         consultant=data.pop("consultant", None), **data)


def register(router) -> None:
    router.register("test-drives", TestDriveViewSet, basename="test-drive")
    router.register("sales-targets", SalesTargetViewSet, basename="sales-target")
