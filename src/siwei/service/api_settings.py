"""API of the workshop's set-up (SV-2, SV-3, SV-8, SV-9): ``labour-rates/`` (the store's
hourly rates per category), ``labour-operations/`` (the group's operations with their
standard hours per model) and ``service-settings/`` (GET/PATCH the ``X-Store`` store's
service rules)."""

from __future__ import annotations

from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from siwei.core.api.base import SiweiAPIMixin, StoreScopedViewSet, StoreSettingsViewSet

from .models import LabourOperation, LabourRate, ROCategory, ServiceSettings
from .services import settings as settings_services


def _hours(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=6, decimal_places=2, **kwargs)


class LabourRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = LabourRate
        fields = ["id", "store", "category", "rate"]
        read_only_fields = fields


class LabourRateInput(serializers.Serializer):
    """``category`` blank (or absent) is the store's rate for every category."""

    category = serializers.ChoiceField(choices=ROCategory.choices, allow_blank=True,
                                       required=False, default="")
    rate = serializers.DecimalField(max_digits=12, decimal_places=2)


class LabourRateViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, StoreScopedViewSet):
    """The hourly rates of the store of the request (SV-9). POST sets the rate of a
    category (again for the same category replaces it: 201 when new, 200 when changed);
    400 naming ``rate`` unless it is above 0. DELETE removes one rate."""

    serializer_class = LabourRateSerializer
    queryset = LabourRate.objects.all()
    filterset_fields = ["category"]
    ordering_fields = ["category", "id"]
    http_method_names = ["get", "post", "delete", "head", "options"]
    required_permissions = {"list": "service.view_labourrate",
                            "create": "service.change_labourrate",
                            "destroy": "service.change_labourrate"}

    def get_queryset(self):
        return LabourRate.objects.for_store(self.request.store).order_by("category")

    @extend_schema(request=LabourRateInput,
                   responses={200: LabourRateSerializer, 201: LabourRateSerializer})
    def create(self, request, *args, **kwargs):
        data = LabourRateInput(data=request.data)
        data.is_valid(raise_exception=True)
        existed = LabourRate.objects.filter(
            store=request.store, category=data.validated_data["category"]).exists()
        row = settings_services.labour_rate_set(actor=request.user, store=request.store,
                                                **data.validated_data)
        return Response(self.get_serializer(row).data,
                        status=status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        settings_services.labour_rate_remove(actor=self.request.user, store=self.request.store,
                                             rate=instance)


class LabourOperationSerializer(serializers.ModelSerializer):
    times = serializers.SerializerMethodField(
        help_text="Standard hours per vehicle model: {model id: hours}.")

    class Meta:
        model = LabourOperation
        fields = ["id", "code", "name", "default_hours", "category", "times"]
        read_only_fields = fields

    @extend_schema_field(serializers.DictField(child=_hours()))
    def get_times(self, operation) -> dict[str, str]:
        return {str(t.model_id): str(t.hours)
                for t in sorted(operation.times.all(), key=lambda t: t.model_id)}


class LabourOperationInput(serializers.Serializer):
    """The service checks the code (unique in the group), the hours (> 0) and the
    models; ``times`` replaces the standard hours per model."""

    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=100)
    default_hours = serializers.DecimalField(max_digits=6, decimal_places=2)
    category = serializers.ChoiceField(choices=ROCategory.choices, allow_blank=True,
                                       required=False, default="")
    times = serializers.DictField(child=_hours(), required=False,
                                  help_text="{model id: standard hours}")


class LabourOperationPatch(LabourOperationInput):
    code = serializers.CharField(max_length=20, required=False)
    name = serializers.CharField(max_length=100, required=False)
    default_hours = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)
    category = serializers.ChoiceField(choices=ROCategory.choices, allow_blank=True,
                                       required=False)


class LabourOperationViewSet(SiweiAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                             viewsets.GenericViewSet):
    """The labour operations of the group (工时项目, SV-9) with their standard hours per
    vehicle model (``?q=`` searches code and name). POST adds one, PATCH changes one;
    400 naming the field for a code already used, hours not above 0 or an unknown
    model."""

    serializer_class = LabourOperationSerializer
    queryset = LabourOperation.objects.all()
    filterset_fields = ["category"]
    ordering_fields = ["code", "name", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_permissions = {"list": "service.view_labouroperation",
                            "retrieve": "service.view_labouroperation",
                            "create": "service.add_labouroperation",
                            "partial_update": "service.change_labouroperation"}

    def get_queryset(self):
        store = getattr(self.request, "store", None)
        if store is None:
            return LabourOperation.objects.none()
        operations = LabourOperation.objects.filter(group_id=store.group_id)
        query = (self.request.query_params.get("q") or "").strip()
        if query:
            operations = operations.filter(Q(code__icontains=query) | Q(name__icontains=query))
        return operations.prefetch_related("times").order_by("code")

    @extend_schema(parameters=[OpenApiParameter("q", OpenApiTypes.STR,
                                                description="code or name contains")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _saved(self, operation) -> dict:
        operation = self.get_queryset().get(pk=operation.pk)
        return self.get_serializer(operation).data

    @extend_schema(request=LabourOperationInput, responses={201: LabourOperationSerializer})
    def create(self, request, *args, **kwargs):
        data = LabourOperationInput(data=request.data)
        data.is_valid(raise_exception=True)
        operation = settings_services.labour_operation_save(
            actor=request.user, store=request.store, **data.validated_data)
        return Response(self._saved(operation), status=status.HTTP_201_CREATED)

    @extend_schema(request=LabourOperationPatch, responses=LabourOperationSerializer)
    def partial_update(self, request, *args, **kwargs):
        operation = self.get_object()
        data = LabourOperationPatch(data=request.data)
        data.is_valid(raise_exception=True)
        values = {"code": operation.code, "name": operation.name,
                  "default_hours": operation.default_hours, "category": operation.category,
                  "times": None, **data.validated_data}
        operation = settings_services.labour_operation_save(
            actor=request.user, store=request.store, operation=operation, **values)
        return Response(self._saved(operation))


@extend_schema_serializer(many=False)  # GET on the collection URL answers one object
class ServiceSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceSettings
        fields = ["store", *settings_services.SETTINGS_FIELDS]
        read_only_fields = fields


class ServiceSettingsInput(serializers.Serializer):
    """Any of the rules; the service checks ranges and names the field it refuses."""

    slot_minutes = serializers.CharField(required=False)
    buffer_every = serializers.CharField(required=False)
    productivity = serializers.CharField(required=False, help_text="e.g. 0.85")
    appointment_share = serializers.CharField(required=False, help_text="e.g. 0.70")
    contract_threshold = serializers.CharField(required=False, help_text="yuan")
    advisor_discount_percent = serializers.CharField(required=False)
    manager_discount_percent = serializers.CharField(required=False)
    comeback_days = serializers.CharField(required=False)
    comeback_km = serializers.CharField(required=False)
    no_show_minutes = serializers.CharField(required=False)
    follow_up_days = serializers.CharField(required=False)


class ServiceSettingsViewSet(StoreSettingsViewSet):
    """The service rules of the store of the request (``X-Store``): GET reads them (the
    defaults when the store never changed them), PATCH changes some (400 naming the field
    for a value out of range)."""

    serializer_class = ServiceSettingsSerializer
    input_serializer_class = ServiceSettingsInput
    queryset = ServiceSettings.objects.all()
    required_permissions = {"list": "service.view_servicesettings",
                            "change": "service.change_servicesettings"}

    def read(self, store):
        return settings_services.service_settings_of(store)

    def write(self, *, actor, store, **fields):
        return settings_services.service_settings_update(actor=actor, store=store, **fields)

    @extend_schema(request=ServiceSettingsInput, responses=ServiceSettingsSerializer)
    def change(self, request):
        """Change some of them (PATCH on the collection URL)."""
        return super().change(request)


def register(router) -> None:
    """Register this area's viewsets on the API router."""
    router.register("labour-rates", LabourRateViewSet, basename="labour-rate")
    router.register("labour-operations", LabourOperationViewSet, basename="labour-operation")
    router.register("service-settings", ServiceSettingsViewSet, basename="service-settings")
