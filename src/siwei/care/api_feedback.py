"""API of customer care: feedback/ (CR-6, CR-7, CR-9) with the actions acknowledge, start,
resolve, close, close-attempt, reopen and actions (a corrective or preventive action).
Thin: parse, call a service, return the updated record."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action

from siwei.core import clock
from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import StoreScopedPrimaryKeyField, action_response
from siwei.crm.models import Customer, Vehicle
from siwei.sales.models import SalesOrder
from siwei.service.models import RepairOrder

from . import selectors_feedback as selectors
from .models import (
    ActionKind,
    Feedback,
    FeedbackAction,
    FeedbackCategory,
    FeedbackEvent,
    FeedbackKind,
    Severity,
)
from .services import feedback as services


@extend_schema_field(OpenApiTypes.INT)
class StoreUserField(serializers.PrimaryKeyRelatedField):
    """A user working in the request's store."""

    def get_queryset(self):
        from siwei.service.forms_warranty import store_staff

        request = self.context.get("request")
        if request is None or getattr(request, "store", None) is None:
            return get_user_model().objects.none()
        return store_staff(request.store)


@extend_schema_field({"type": "string", "pattern": "^(corrective|preventive)$",
                     "description": "`corrective` or `preventive`"})
class ActionKindField(serializers.ChoiceField):
    """The kind of a corrective or preventive action (CR-9), described inline in the
    schema (another resource already has an enum named ``Kind``)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=ActionKind.choices, **kwargs)


class FeedbackEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = FeedbackEvent
        fields = ["action", "from_status", "to_status", "at", "by", "note"]
        read_only_fields = fields


class FeedbackActionSerializer(serializers.ModelSerializer):
    kind = ActionKindField(read_only=True)

    class Meta:
        model = FeedbackAction
        fields = ["id", "kind", "description", "owner", "due_date", "done_at"]
        read_only_fields = fields


class FeedbackSerializer(serializers.ModelSerializer):
    customer = StoreScopedPrimaryKeyField(queryset=Customer.objects.all(), required=False,
                                          allow_null=True)
    vehicle = StoreScopedPrimaryKeyField(queryset=Vehicle.objects.all(), required=False,
                                         allow_null=True)
    sales_order = StoreScopedPrimaryKeyField(queryset=SalesOrder.objects.all(), required=False,
                                             allow_null=True)
    repair_order = StoreScopedPrimaryKeyField(queryset=RepairOrder.objects.all(),
                                              required=False, allow_null=True)
    staff = StoreUserField(required=False, allow_null=True)
    owner = StoreUserField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=FeedbackKind.choices, required=False,
                                   allow_blank=True,
                                   help_text="empty: the classifier's suggestion")
    category = serializers.ChoiceField(choices=FeedbackCategory.choices, required=False,
                                       allow_blank=True,
                                       help_text="empty: the classifier's suggestion")
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    received_at = serializers.DateTimeField(required=False)
    events = FeedbackEventSerializer(many=True, read_only=True)
    actions = FeedbackActionSerializer(many=True, read_only=True)

    class Meta:
        model = Feedback
        fields = ["id", "number", "channel", "customer", "contact_name", "contact_phone",
                  "vehicle", "subject", "content", "received_at", "kind", "category",
                  "severity", "suggested_kind", "suggested_category", "department",
                  "sales_order", "repair_order", "staff", "owner", "status",
                  "acknowledge_due_at", "resolve_due_at", "acknowledged_at", "resolved_at",
                  "closed_at", "solution", "compensation", "root_cause", "escalation_level",
                  "escalated_at", "close_attempts", "reopen_count", "events", "actions"]
        read_only_fields = ["number", "suggested_kind", "suggested_category", "department",
                            "status", "acknowledge_due_at", "resolve_due_at",
                            "acknowledged_at", "resolved_at", "closed_at", "solution",
                            "compensation", "root_cause", "escalation_level", "escalated_at",
                            "close_attempts", "reopen_count"]

    def to_representation(self, instance):
        """The contact phone is personal data: masked without the permission."""
        from siwei.core.masking import can_view_personal_data, mask_mobile

        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not can_view_personal_data(request):
            data["contact_phone"] = mask_mobile(data.get("contact_phone") or "")
        return data

    def validate(self, attrs):
        if self.instance is None and attrs.get("customer") is None and not (
                attrs.get("contact_name", "").strip() and attrs.get("contact_phone", "").strip()):
            raise serializers.ValidationError(
                {"customer": ["Give the customer, or contact_name and contact_phone."]})
        return attrs


class NoteInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)


class AttemptInput(serializers.Serializer):
    note = serializers.CharField(help_text="when and how the customer was tried")


class ResolveInput(serializers.Serializer):
    solution = serializers.CharField()
    compensation = serializers.DecimalField(max_digits=12, decimal_places=2, required=False)


class ReopenInput(serializers.Serializer):
    reason = serializers.CharField()


class ActionInput(serializers.Serializer):
    kind = ActionKindField()
    description = serializers.CharField(max_length=300)
    owner = StoreUserField()
    due_date = serializers.DateField()


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("1", "true", "yes")


class FeedbackViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, StoreScopedViewSet):
    """Feedback of the store (CR-6). Complaints carry their SLA deadlines (CR-7); 409
    ``invalid_transition`` for an action the state does not allow. Filters: ``status``,
    ``kind``, ``category``, ``customer``, ``overdue``, ``escalated``, ``q``."""

    serializer_class = FeedbackSerializer
    queryset = Feedback.objects.prefetch_related("events", "actions")
    ordering_fields = ["received_at", "id"]
    filterset_fields = ["status", "kind", "category", "customer"]
    http_method_names = ["get", "post", "head", "options"]
    required_permissions = {
        "list": "care.view_feedback", "retrieve": "care.view_feedback",
        "create": "care.add_feedback", "acknowledge": "care.change_feedback",
        "start": "care.change_feedback", "resolve": "care.change_feedback",
        "close": "care.change_feedback", "close_attempt": "care.change_feedback",
        "reopen": "care.change_feedback", "add_action": "care.analyse_feedback",
    }

    def get_queryset(self):
        rows = super().get_queryset().for_store(self.request.store)
        params = self.request.query_params
        if _flag(params.get("overdue")):
            rows = rows.filter(selectors.overdue_q(clock.now()))
        if _flag(params.get("escalated")):
            rows = rows.filter(escalation_level__gt=0)
        q = params.get("q", "").strip()
        if q:
            rows = rows.filter(Q(number__icontains=q) | Q(subject__icontains=q)
                               | Q(content__icontains=q) | Q(contact_name__icontains=q)
                               | Q(contact_phone=q))
        return rows.order_by("-received_at", "-id")

    @extend_schema(parameters=[
        OpenApiParameter("overdue", bool, description="open complaints past a deadline"),
        OpenApiParameter("escalated", bool, description="escalation level 1 or 2"),
        OpenApiParameter("q", str, description="number, subject, content or contact")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        fields = {k: v for k, v in data.items() if k not in (
            "channel", "subject", "content", "kind", "category", "customer", "received_at")
            and v not in (None, "")}
        serializer.instance = services.feedback_create(
            actor=self.request.user, store=self.request.store, channel=data["channel"],
            subject=data["subject"], content=data["content"], kind=data.get("kind", ""),
            category=data.get("category", ""), customer=data.get("customer"),
            received_at=data.get("received_at"), **fields)

    def _note(self, request) -> str:
        data = NoteInput(data=request.data)
        data.is_valid(raise_exception=True)
        return data.validated_data.get("note", "")

    @extend_schema(request=NoteInput, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        """Tell the customer we are on it (within 24 hours of receipt)."""
        feedback = self.get_object()
        services.feedback_acknowledge(actor=request.user, feedback=feedback,
                                      note=self._note(request))
        return action_response(self, feedback)

    @extend_schema(request=NoteInput, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        feedback = self.get_object()
        services.feedback_start(actor=request.user, feedback=feedback, note=self._note(request))
        return action_response(self, feedback)

    @extend_schema(request=ResolveInput, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """The solution and any compensation (within 48 hours of receipt)."""
        feedback = self.get_object()
        data = ResolveInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.feedback_resolve(actor=request.user, feedback=feedback, **data.validated_data)
        return action_response(self, feedback)

    @extend_schema(request=NoteInput, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The customer confirmed being satisfied."""
        feedback = self.get_object()
        services.feedback_close(actor=request.user, feedback=feedback, note=self._note(request))
        return action_response(self, feedback)

    @extend_schema(request=AttemptInput, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"], url_path="close-attempt")
    def close_attempt(self, request, pk=None):
        """A documented attempt to reach the customer; the third closes the complaint."""
        feedback = self.get_object()
        data = AttemptInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.feedback_close_attempt(actor=request.user, feedback=feedback,
                                        **data.validated_data)
        return action_response(self, feedback)

    @extend_schema(request=ReopenInput, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """The customer is not satisfied; a new resolve deadline runs from now."""
        feedback = self.get_object()
        data = ReopenInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.feedback_reopen(actor=request.user, feedback=feedback, **data.validated_data)
        return action_response(self, feedback)

    @extend_schema(request=ActionInput, responses=FeedbackSerializer)
    @action(detail=True, methods=["post"], url_path="actions")
    def add_action(self, request, pk=None):
        """A corrective or preventive action: kind, description, owner, due date (CR-9)."""
        feedback = self.get_object()
        data = ActionInput(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.feedback_action_add(actor=request.user, feedback=feedback,
                                     **data.validated_data)
        return action_response(self, feedback, status=status.HTTP_201_CREATED)


def register(router) -> None:
    """Register this area's viewsets on the API router."""
    router.register("feedback", FeedbackViewSet, basename="feedback")
