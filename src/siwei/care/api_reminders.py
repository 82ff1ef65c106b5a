"""API of customer care: reminders (CR-5) — ``care-settings/`` (GET/PATCH the active
store's settings) and ``insurance-renewals/`` (list, record)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from siwei.core.api.base import StoreScopedViewSet, StoreSettingsViewSet
from siwei.core.api.mixins import StoreScopedPrimaryKeyField
from siwei.crm.models import Vehicle

from .models import CareSettings, InsuranceRenewal, care_settings
from .services.care_settings import FIELDS, care_settings_update
from .services.insurance import insurance_renewal_record


@extend_schema_serializer(many=False)  # GET on the collection URL answers one object
class CareSettingsSerializer(serializers.ModelSerializer):
    class Meta:
        model = CareSettings
        fields = ["store", *FIELDS]
        read_only_fields = fields


class CareSettingsInput(serializers.Serializer):
    """Any of the fields; the service checks ranges and names the field it refuses."""

    complaint_csi_below = serializers.CharField(required=False)
    maintenance_days_before = serializers.CharField(required=False)
    insurance_days_before = serializers.JSONField(required=False,
                                                  help_text="e.g. [60, 30]")
    warranty_days_before = serializers.CharField(required=False)
    lost_lead_revisit_months = serializers.CharField(required=False)
    acknowledge_hours = serializers.CharField(required=False)
    resolve_hours = serializers.CharField(required=False)
    business_hours_only = serializers.BooleanField(required=False)
    business_start = serializers.CharField(required=False, help_text="HH:MM")
    business_end = serializers.CharField(required=False, help_text="HH:MM")
    marketing_cap = serializers.CharField(required=False)


class CareSettingsViewSet(StoreSettingsViewSet):
    """The care settings of the store of the request (``X-Store``): GET reads them, PATCH
    changes some (400 naming the field for a value out of range)."""

    serializer_class = CareSettingsSerializer
    input_serializer_class = CareSettingsInput
    queryset = CareSettings.objects.all()
    required_permissions = {"list": "care.view_caresettings",
                            "change": "care.change_caresettings"}

    def read(self, store):
        return care_settings(store)

    def write(self, *, actor, store, **fields):
        return care_settings_update(actor=actor, store=store, **fields)

    @extend_schema(request=CareSettingsInput, responses=CareSettingsSerializer)
    def change(self, request):
        """Change some of them (PATCH on the collection URL)."""
        return super().change(request)


class InsuranceRenewalSerializer(serializers.ModelSerializer):
    vehicle = StoreScopedPrimaryKeyField(queryset=Vehicle.objects.all())

    class Meta:
        model = InsuranceRenewal
        fields = ["id", "vehicle", "customer", "previous_company", "previous_expiry",
                  "company", "new_expiry", "through_us", "recorded_at", "recorded_by"]
        read_only_fields = ["customer", "previous_company", "previous_expiry", "recorded_at",
                            "recorded_by"]


class InsuranceRenewalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                              mixins.CreateModelMixin, StoreScopedViewSet):
    """Insurance renewals (CR-5 续保): POST records one (through us or elsewhere) and moves
    the vehicle's insurer and expiry; 400 naming ``new_expiry`` when it is not after the
    current expiry."""

    serializer_class = InsuranceRenewalSerializer
    queryset = InsuranceRenewal.objects.select_related("vehicle")
    filterset_fields = ["vehicle", "through_us"]
    ordering_fields = ["recorded_at", "previous_expiry", "id"]
    required_permissions = {"list": "care.view_insurancerenewal",
                            "retrieve": "care.view_insurancerenewal",
                            "create": "care.add_insurancerenewal"}

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        renewal = insurance_renewal_record(
            actor=request.user, vehicle=data["vehicle"], company=data["company"],
            new_expiry=data["new_expiry"], through_us=data.get("through_us", True))
        return Response(self.get_serializer(renewal).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    """Register this area's viewsets on the API router."""
    router.register("care-settings", CareSettingsViewSet, basename="care-settings")
    router.register("insurance-renewals", InsuranceRenewalViewSet,
                    basename="insurance-renewal")
