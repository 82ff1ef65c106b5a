"""API of finance: cashier. ``daily-closes/`` (FN-2: list, read, create = close a day,
``totals/`` before closing, ``review``) and ``refund-requests/`` (FN-1: a cashier asks,
a manager ``approve``s — the refund is recorded then — or ``reject``s)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from siwei.core import clock
from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import StoreScopedPrimaryKeyField, action_response
from siwei.core.permissions import has_store_perm
from siwei.sales.models import SalesOrder
from siwei.service.models import RepairOrder

from .models import DailyClose, Payment, RefundRequest
from .services import (
    daily_close,
    daily_close_review,
    day_totals,
    refund_approve,
    refund_reject,
    refund_request_create,
)


def store_staff(store):
    """The users with a role in ``store``."""
    users = get_user_model().objects.all()
    if store is None:
        return users.none()
    return users.filter(employee__assignments__store=store).distinct()


class StoreStaffField(serializers.PrimaryKeyRelatedField):
    """A user working in the request's store (the cashier whose day is closed)."""

    def get_queryset(self):
        request = self.context.get("request")
        return store_staff(getattr(request, "store", None))


class DailyCloseSerializer(serializers.ModelSerializer):
    cashier = StoreStaffField(queryset=get_user_model().objects.all(), required=False,
                              help_text="default: the requesting user")
    day = serializers.DateField(required=False, help_text="default: today")
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                   default="")

    class Meta:
        model = DailyClose
        fields = ["id", "cashier", "day", "totals", "payments_count", "total", "expected_cash",
                  "counted_cash", "difference", "reason", "status", "closed_at", "closed_by",
                  "reviewed_by", "reviewed_at"]
        read_only_fields = ["totals", "payments_count", "total", "expected_cash",
                            "difference", "status", "closed_at", "closed_by", "reviewed_by",
                            "reviewed_at"]
        extra_kwargs = {"counted_cash": {"required": True}}
        # The unique (store, cashier, day) is checked by the service (409 already_closed).
        validators: list = []


class DayTotalsSerializer(serializers.Serializer):
    cashier = serializers.IntegerField()
    day = serializers.DateField()
    totals = serializers.DictField(child=serializers.DecimalField(max_digits=14,
                                                                  decimal_places=2))
    payments_count = serializers.IntegerField()
    total = serializers.DecimalField(max_digits=14, decimal_places=2)
    expected_cash = serializers.DecimalField(max_digits=14, decimal_places=2)
    closed = serializers.BooleanField()


class DailyCloseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        mixins.CreateModelMixin, StoreScopedViewSet):
    """Daily closes (日结). POST closes a cashier's day: ``{"counted_cash", "reason"}``
    (``cashier`` and ``day`` default to the user and today); 409 ``already_closed`` for a
    day closed before, 400 ``reason`` when the cash counted differs from the cash
    expected without a reason."""

    serializer_class = DailyCloseSerializer
    queryset = DailyClose.objects.all()
    filterset_fields = ["cashier", "day", "status"]
    ordering_fields = ["day", "id", "difference"]
    required_permissions = {"list": "finance.view_dailyclose",
                            "retrieve": "finance.view_dailyclose",
                            # create: the service checks add_dailyclose for one's own
                            # day, close_any_day for a colleague's (403 otherwise).
                            "totals": "finance.view_payment",
                            "review": "finance.review_dailyclose"}

    def get_queryset(self):
        return super().get_queryset().filter(store=self.request.store)

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = daily_close(
            actor=self.request.user, store=self.request.store,
            cashier=data.get("cashier") or self.request.user,
            day=data.get("day") or clock.today(), counted_cash=data["counted_cash"],
            reason=data.get("reason", ""))

    @extend_schema(parameters=[
        OpenApiParameter("day", dt.date, description="default: today"),
        OpenApiParameter("cashier", int, description="user id; default: the requesting user")],
        responses=DayTotalsSerializer)
    @action(detail=False, methods=["get"])
    def totals(self, request):
        """The totals a close of the day would record: per method, expected cash."""
        try:
            day = dt.date.fromisoformat(request.query_params.get("day") or
                                        clock.today().isoformat())
        except ValueError:
            raise ValidationError({"day": ["Enter a date (YYYY-MM-DD)."]}) from None
        cashier = request.user
        wanted = request.query_params.get("cashier")
        if wanted and str(wanted) != str(request.user.pk):
            if not has_store_perm(request.user, request.store, "finance.view_dailyclose"):
                raise PermissionDenied("You may see only your own day.")
            cashier = store_staff(request.store).filter(
                pk=wanted if wanted.isdigit() else 0).first()
            if cashier is None:
                raise ValidationError({"cashier": ["Unknown cashier."]})
        totals = day_totals(store=request.store, cashier=cashier, day=day)
        return Response(DayTotalsSerializer({
            "cashier": cashier.pk, "day": day, "totals": totals["per_method"],
            "payments_count": totals["count"], "total": totals["total"],
            "expected_cash": totals["per_method"]["cash"],
            "closed": DailyClose.objects.filter(store=request.store, cashier=cashier,
                                                day=day).exists()}).data)

    @extend_schema(request=None, responses=DailyCloseSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Finance marks the close reviewed."""
        close = self.get_object()
        daily_close_review(actor=request.user, close=close)
        return action_response(self, close)


class RefundRequestSerializer(serializers.ModelSerializer):
    sales_order = StoreScopedPrimaryKeyField(queryset=SalesOrder.objects.all(), required=False,
                                             allow_null=True)
    repair_order = StoreScopedPrimaryKeyField(queryset=RepairOrder.objects.all(),
                                              required=False, allow_null=True)
    corrects = StoreScopedPrimaryKeyField(queryset=Payment.objects.all(), required=False,
                                          allow_null=True)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2,
                                      min_value=Decimal("0.01"),
                                      help_text="the amount to pay back, positive")

    class Meta:
        model = RefundRequest
        fields = ["id", "sales_order", "repair_order", "amount", "method", "reference",
                  "reason", "corrects", "status", "requested_by", "requested_at",
                  "decided_by", "decided_at", "decision_note", "payment"]
        read_only_fields = ["status", "requested_by", "requested_at", "decided_by",
                            "decided_at", "decision_note", "payment"]


class DecisionInput(serializers.Serializer):
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RefundRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.CreateModelMixin, StoreScopedViewSet):
    """Refunds asked for by a cashier (FN-1). ``approve`` records the refund as a negative
    payment in the cashier's name (``payment`` of the record); ``reject`` needs a note."""

    serializer_class = RefundRequestSerializer
    queryset = RefundRequest.objects.all()
    filterset_fields = ["status", "sales_order", "repair_order", "requested_by"]
    ordering_fields = ["requested_at", "id"]
    required_permissions = {"list": "finance.view_refundrequest",
                            "retrieve": "finance.view_refundrequest",
                            "create": "finance.add_refundrequest",
                            "approve": "finance.approve_refund",
                            "reject": "finance.approve_refund"}

    def get_queryset(self):
        return super().get_queryset().filter(store=self.request.store)

    def perform_create(self, serializer):
        serializer.instance = refund_request_create(
            actor=self.request.user, store=self.request.store, **serializer.validated_data)

    @extend_schema(request=DecisionInput, responses=RefundRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        refund = self.get_object()
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        refund_approve(actor=request.user, request=refund, **data.validated_data)
        return action_response(self, refund)

    @extend_schema(request=DecisionInput, responses=RefundRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        refund = self.get_object()
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        refund_reject(actor=request.user, request=refund, **data.validated_data)
        return action_response(self, refund)


def register(router) -> None:
    """Register this area's viewsets on the API router."""
    router.register("daily-closes", DailyCloseViewSet, basename="daily-close")
    router.register("refund-requests", RefundRequestViewSet, basename="refund-request")
