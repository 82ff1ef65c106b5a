"""API of the KPI targets (FN-6, api.md ``reports/``): ``GET kpi-targets/?month=YYYY-MM``
lists the store's targets; ``POST kpi-targets/`` (``month`` as YYYY-MM or a day of it,
``kpi`` a KPI code, ``value``; ``value`` null removes the target) enters or corrects one.
The KPIs against their targets are the report ``reports/kpis/``."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from siwei.core.api.base import StoreScopedViewSet

from ..models import KpiTarget
from .definitions import KPI_CODES
from .services import PERMISSION, kpi_target_set


class KpiTargetSerializer(serializers.ModelSerializer):
    class Meta:
        model = KpiTarget
        fields = ["id", "month", "kpi", "value", "entered_by", "entered_at"]
        read_only_fields = fields


class KpiTargetInput(serializers.Serializer):
    month = serializers.DateField(input_formats=["%Y-%m", "%Y-%m-%d"])
    kpi = serializers.ChoiceField(choices=KPI_CODES)
    value = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)


class KpiTargetViewSet(mixins.ListModelMixin, StoreScopedViewSet):
    serializer_class = KpiTargetSerializer
    queryset = KpiTarget.objects.all()
    http_method_names = ["get", "post", "head", "options"]
    required_permissions = {"list": "reports.view_kpitarget", "create": PERMISSION}

    def get_queryset(self):
        rows = super().get_queryset().for_store(self.request.store).order_by("-month", "kpi")
        month = self.request.query_params.get("month")
        if month:
            field = serializers.DateField(input_formats=["%Y-%m", "%Y-%m-%d"])
            try:
                rows = rows.filter(month=field.to_internal_value(month).replace(day=1))
            except serializers.ValidationError as exc:
                raise ValidationError({"month": exc.detail}) from None
        return rows

    @extend_schema(parameters=[OpenApiParameter("month", str, description="YYYY-MM")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=KpiTargetInput, responses={201: KpiTargetSerializer, 204: None})
    def create(self, request):
        data = KpiTargetInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = kpi_target_set(actor=request.user, store=request.store, **data.validated_data)
        if row is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(KpiTargetSerializer(row).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("kpi-targets", KpiTargetViewSet, basename="kpi-target")
