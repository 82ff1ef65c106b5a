"""API of finance: overheads/ (FN-5). ``GET overheads/`` lists the store's monthly
overhead; ``POST overheads/`` (``month`` as YYYY-MM or a day of it, ``amount``, ``note``)
enters or corrects a month. The department profit itself is the report
``reports/department-profit/``."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from siwei.core.api.base import StoreScopedViewSet

from .models import MonthlyOverhead
from .services.profit import PERMISSION, overhead_set


class OverheadSerializer(serializers.ModelSerializer):
    class Meta:
        model = MonthlyOverhead
        fields = ["id", "month", "amount", "note", "entered_by", "entered_at"]
        read_only_fields = fields


class OverheadInput(serializers.Serializer):
    month = serializers.DateField(input_formats=["%Y-%m", "%Y-%m-%d"])
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal(0))
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class OverheadViewSet(mixins.ListModelMixin, StoreScopedViewSet):
    serializer_class = OverheadSerializer
    queryset = MonthlyOverhead.objects.all()
    http_method_names = ["get", "post", "head", "options"]
    required_permissions = {"list": "finance.view_monthlyoverhead", "create": PERMISSION}

    def get_queryset(self):
        return super().get_queryset().for_store(self.request.store).order_by("-month")

    @extend_schema(request=OverheadInput, responses={201: OverheadSerializer})
    def create(self, request):
        data = OverheadInput(data=request.data)
        data.is_valid(raise_exception=True)
        row = overhead_set(actor=request.user, store=request.store, **data.validated_data)
        return Response(OverheadSerializer(row).data, status=status.HTTP_201_CREATED)


def register(router) -> None:
    router.register("overheads", OverheadViewSet, basename="overhead")
