"""API of the warranty area: warranty-claims/ (SV-17) with submit/approve/reject/resubmit/
mark-paid, failed-parts/ with dispose, and knowledge-entries/ (SV-19, read and suggest)."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from siwei.core.api.base import SiweiAPIMixin, StoreScopedViewSet
from siwei.core.api.mixins import StoreScopedPrimaryKeyField, action_response
from siwei.crm.models import VehicleModel
from siwei.parts.models import Part

from .models import FailedPartTag, KnowledgeEntry, RepairOrder, WarrantyClaim, WarrantyClaimLine
from .services import knowledge as knowledge_services
from .services import warranty as services


class ClaimLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = WarrantyClaimLine
        fields = ["id", "kind", "job", "part_line", "code", "description", "part", "hours",
                  "quantity", "unit_price", "amount"]
        read_only_fields = fields


class FailedPartSerializer(serializers.ModelSerializer):
    class Meta:
        model = FailedPartTag
        fields = ["id", "claim", "tag", "part", "quantity", "status", "tagged_at",
                  "disposed_at", "reference"]
        read_only_fields = fields


class GroupPartField(serializers.PrimaryKeyRelatedField):
    """A part of the request's dealer group (the queryset argument names the model for
    the schema)."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None or request.store is None:
            return Part.objects.none()
        return Part.objects.filter(group_id=request.store.group_id)


class WarrantyClaimSerializer(serializers.ModelSerializer):
    repair_order = StoreScopedPrimaryKeyField(queryset=RepairOrder.objects.all())
    causal_part = GroupPartField(queryset=Part.objects.all(), required=False, allow_null=True)
    lines = ClaimLineSerializer(many=True, read_only=True)
    failed_parts = FailedPartSerializer(many=True, read_only=True)

    class Meta:
        model = WarrantyClaim
        fields = ["id", "number", "repair_order", "vehicle", "vin", "mileage", "repair_date",
                  "complaint", "cause", "correction", "causal_part", "failure_code",
                  "labour_hours", "labour_amount", "parts_amount", "amount", "status",
                  "approved_amount", "rejection_reason", "submissions", "created_at",
                  "first_submitted_at", "submitted_at", "decided_at", "paid_at", "lines",
                  "failed_parts"]
        read_only_fields = ["number", "vehicle", "vin", "mileage", "repair_date", "status",
                            "labour_hours", "labour_amount", "parts_amount", "amount",
                            "approved_amount", "rejection_reason", "submissions",
                            "created_at", "first_submitted_at", "submitted_at",
                            "decided_at", "paid_at"]


class ClaimUpdateSerializer(serializers.Serializer):
    complaint = serializers.CharField(required=False, allow_blank=True)
    cause = serializers.CharField(required=False, allow_blank=True)
    correction = serializers.CharField(required=False, allow_blank=True)
    causal_part = GroupPartField(queryset=Part.objects.all(), required=False, allow_null=True)
    failure_code = serializers.CharField(required=False, allow_blank=True, max_length=30)


class ApproveInput(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2,
                                      min_value=Decimal("0.01"), required=False,
                                      help_text="approved amount; default: the claimed amount")


class RejectInput(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class WarrantyClaimViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.CreateModelMixin, StoreScopedViewSet):
    """Claims to the OEM from the warranty lines of a repair order (SV-17). Create with
    ``{"repair_order": id}``; 409 ``warranty_expired`` outside the vehicle's warranty,
    ``claim_exists`` for a second claim of one RO."""

    serializer_class = WarrantyClaimSerializer
    queryset = WarrantyClaim.objects.prefetch_related("lines", "failed_parts")
    filterset_fields = ["status", "repair_order", "vehicle"]
    ordering_fields = ["created_at", "id", "amount"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_permissions = {
        "list": "service.view_warrantyclaim", "retrieve": "service.view_warrantyclaim",
        "create": "service.add_warrantyclaim", "partial_update": "service.change_warrantyclaim",
        "submit": "service.change_warrantyclaim", "approve": "service.change_warrantyclaim",
        "reject": "service.change_warrantyclaim", "resubmit": "service.change_warrantyclaim",
        "mark_paid": "service.change_warrantyclaim",
    }

    def perform_create(self, serializer):
        serializer.instance = services.claim_create_from_repair_order(
            actor=self.request.user, repair_order=serializer.validated_data["repair_order"])

    @extend_schema(request=ClaimUpdateSerializer, responses=WarrantyClaimSerializer)
    def partial_update(self, request, pk=None):
        """Correct complaint, cause, correction, causal part or failure code of a draft or
        rejected claim."""
        claim = self.get_object()
        data = ClaimUpdateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        services.claim_update(actor=request.user, claim=claim, **data.validated_data)
        return action_response(self, claim)

    @extend_schema(request=None, responses=WarrantyClaimSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        claim = self.get_object()
        services.claim_submit(actor=request.user, claim=claim)
        return action_response(self, claim)

    @extend_schema(request=ApproveInput, responses=WarrantyClaimSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The OEM's approval, with the approved amount."""
        claim = self.get_object()
        data = ApproveInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.claim_approve(actor=request.user, claim=claim,
                               amount=data.validated_data.get("amount"))
        return action_response(self, claim)

    @extend_schema(request=RejectInput, responses=WarrantyClaimSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        claim = self.get_object()
        data = RejectInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.claim_reject(actor=request.user, claim=claim, **data.validated_data)
        return action_response(self, claim)

    @extend_schema(request=None, responses=WarrantyClaimSerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        claim = self.get_object()
        services.claim_resubmit(actor=request.user, claim=claim)
        return action_response(self, claim)

    @extend_schema(request=None, responses=WarrantyClaimSerializer)
    @action(detail=True, methods=["post"], url_path="mark-paid")
    def mark_paid(self, request, pk=None):
        claim = self.get_object()
        services.claim_mark_paid(actor=request.user, claim=claim)
        return action_response(self, claim)


class DisposeInput(serializers.Serializer):
    action = serializers.ChoiceField(choices=["return", "scrap"])
    reference = serializers.CharField(required=False, allow_blank=True, max_length=100)


class FailedPartViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StoreScopedViewSet):
    """Failed parts kept tagged with their claim number (SV-17)."""

    serializer_class = FailedPartSerializer
    queryset = FailedPartTag.objects.all()
    filterset_fields = ["status", "claim"]
    ordering_fields = ["tagged_at", "id"]
    required_permissions = {"list": "service.view_failedparttag",
                            "retrieve": "service.view_failedparttag",
                            "dispose": "service.change_failedparttag"}

    @extend_schema(request=DisposeInput, responses=FailedPartSerializer)
    @action(detail=True, methods=["post"])
    def dispose(self, request, pk=None):
        """The OEM's instruction: ``return`` or ``scrap``."""
        tag = self.get_object()
        data = DisposeInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.failed_part_dispose(actor=request.user, tag=tag, **data.validated_data)
        return action_response(self, tag)


class KnowledgeEntrySerializer(serializers.ModelSerializer):
    store = serializers.CharField(source="store.code", read_only=True)

    class Meta:
        model = KnowledgeEntry
        fields = ["id", "title", "symptom", "diagnosis", "cause", "fix", "vehicle_models",
                  "parts", "store", "author", "status", "approved_by", "approved_at",
                  "created_at"]
        read_only_fields = fields


class SuggestionSerializer(serializers.Serializer):
    score = serializers.FloatField()
    model_match = serializers.BooleanField()
    shared = serializers.ListField(child=serializers.CharField())
    entry = KnowledgeEntrySerializer()


class KnowledgeEntryInput(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    symptom = serializers.CharField()
    diagnosis = serializers.CharField(required=False, allow_blank=True, default="")
    cause = serializers.CharField()
    fix = serializers.CharField()
    parts = serializers.CharField(max_length=300, required=False, allow_blank=True,
                                  default="")
    vehicle_models = serializers.PrimaryKeyRelatedField(
        queryset=VehicleModel.objects.all(), many=True, required=False, default=list)
    repair_order = StoreScopedPrimaryKeyField(queryset=RepairOrder.objects.all(),
                                              required=False, allow_null=True, default=None)


class KnowledgeEntryViewSet(SiweiAPIMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                            viewsets.GenericViewSet):
    """Approved cases of the knowledge base, shared by every store of the group (SV-19):
    ``?q=`` words, ``?model=``; ``suggest/?model=&text=`` ranks them for a complaint. A
    technician writes a case (create; it waits for approval, ``?status=draft`` lists those
    waiting for approvers and authors), its author corrects it (PATCH) and the chief
    inspector ``approve``s it."""

    serializer_class = KnowledgeEntrySerializer
    queryset = KnowledgeEntry.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_permissions = {"*": "service.view_knowledgeentry",
                            "create": "service.add_knowledgeentry",
                            "partial_update": "service.add_knowledgeentry",
                            "approve": "service.approve_knowledgeentry"}

    def get_queryset(self):
        from django.db.models import Q

        from siwei.core.permissions import has_store_perm

        from .models import KnowledgeStatus
        from .selectors_warranty import knowledge_search

        store = self.request.store
        if store is None:
            return KnowledgeEntry.objects.none()
        wants_drafts = self.request.query_params.get("status") == KnowledgeStatus.DRAFT
        if self.action in ("list", "suggest") and not wants_drafts:
            return knowledge_search(group=store.group,
                                    q=self.request.query_params.get("q", ""),
                                    model=self._model()).order_by("-approved_at", "-id")
        entries = knowledge_search(group=store.group, q=self.request.query_params.get("q", ""),
                                   model=self._model(), status=None)
        if not has_store_perm(self.request.user, store, "service.approve_knowledgeentry"):
            entries = entries.filter(Q(status=KnowledgeStatus.APPROVED)
                                     | Q(author=self.request.user))
        if wants_drafts:
            entries = entries.filter(status=KnowledgeStatus.DRAFT)
        return entries.order_by("-created_at", "-id")

    def _input(self, request, partial: bool = False) -> dict:
        data = KnowledgeEntryInput(data=request.data, partial=partial,
                                   context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        models = values.get("vehicle_models")
        if models is not None and any(m.group_id != request.store.group_id for m in models):
            from django.core.exceptions import ValidationError

            raise ValidationError({"vehicle_models": ["Unknown model."]})
        return values

    @extend_schema(request=KnowledgeEntryInput, responses=KnowledgeEntrySerializer)
    def create(self, request):
        entry = knowledge_services.knowledge_create(actor=request.user, store=request.store,
                                                    **self._input(request))
        return Response(self.get_serializer(entry).data, status=201)

    @extend_schema(request=KnowledgeEntryInput, responses=KnowledgeEntrySerializer)
    def partial_update(self, request, pk=None):
        entry = self.get_object()
        values = self._input(request, partial=True)
        values.pop("repair_order", None)
        knowledge_services.knowledge_update(actor=request.user, store=request.store,
                                            entry=entry, **values)
        return action_response(self, entry)

    @extend_schema(request=None, responses=KnowledgeEntrySerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The chief inspector approves: shared with every store of the group."""
        entry = knowledge_services.knowledge_approve(actor=request.user, store=request.store,
                                                     entry=self.get_object())
        return action_response(self, entry)

    def _model(self) -> VehicleModel | None:
        value = self.request.query_params.get("model", "")
        if not value.isdigit() or self.request.store is None:
            return None
        return VehicleModel.objects.filter(group_id=self.request.store.group_id,
                                           pk=int(value)).first()

    @extend_schema(parameters=[OpenApiParameter("model", int), OpenApiParameter("text", str)],
                   responses=SuggestionSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None)
    def suggest(self, request):
        suggestions = knowledge_services.suggest_for(
            model=self._model(), text=request.query_params.get("text", ""),
            group=request.store.group if request.store else None)
        return Response(SuggestionSerializer(suggestions, many=True).data)


def register(router) -> None:
    """Registers this module's API resources."""
    router.register("warranty-claims", WarrantyClaimViewSet, basename="warranty-claim")
    router.register("failed-parts", FailedPartViewSet, basename="failed-part")
    router.register("knowledge-entries", KnowledgeEntryViewSet, basename="knowledge-entry")
