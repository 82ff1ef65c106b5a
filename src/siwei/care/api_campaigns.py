"""API of customer care: segments/ (CR-10, with a preview of the customers),
campaigns/ (CR-11, with results; actions schedule and cancel) and messages/ (CR-12, the
read-only messages log)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import StoreScopedPrimaryKeyField, action_response
from siwei.core.masking import can_view_personal_data, mask_mobile
from siwei.crm.models import Customer

from . import selectors_campaigns as selectors
from .models import Campaign, Message, Segment
from .services import campaigns as services


class MaskedMobileField(serializers.CharField):
    """A mobile number, masked for users without the personal-data permission."""

    def to_representation(self, value):
        request = self.context.get("request")
        value = super().to_representation(value or "")
        return value if request is not None and can_view_personal_data(request) else \
            mask_mobile(value)


class SegmentSerializer(serializers.ModelSerializer):
    filters = serializers.JSONField(required=False, help_text=(
        "category (list of codes), model (list of vehicle model ids), vehicle_age_min/_max "
        "(years), last_visit_after/_before, maintenance_due_from/_to, "
        "insurance_expiry_from/_to (dates), district, gender, age_min/_max, occupation, "
        "tags, spending_min (yuan in the last 12 months)"))

    class Meta:
        model = Segment
        fields = ["id", "name", "filters", "created_by", "created_at"]
        read_only_fields = ["created_by", "created_at"]


class SegmentCustomerSerializer(serializers.ModelSerializer):
    mobile = MaskedMobileField(read_only=True)
    plate = serializers.CharField(source="v_plate", read_only=True, allow_null=True)
    model = serializers.CharField(source="v_model", read_only=True, allow_null=True)
    due_date = serializers.DateField(source="v_due", read_only=True, allow_null=True)

    class Meta:
        model = Customer
        fields = ["id", "name", "mobile", "category", "district", "consent_sms",
                  "consent_wechat", "plate", "model", "due_date"]
        read_only_fields = fields


class FiltersInput(serializers.Serializer):
    filters = serializers.JSONField()


PREVIEW = inline_serializer("SegmentPreview", {
    "count": serializers.IntegerField(),
    "customers": SegmentCustomerSerializer(many=True)})


class SegmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, mixins.DestroyModelMixin, StoreScopedViewSet):
    """Saved customer filters of the store (CR-10). ``GET segments/{id}/customers/`` lists
    the matching customers; ``POST segments/preview/`` counts unsaved filters."""

    serializer_class = SegmentSerializer
    queryset = Segment.objects.all()
    ordering_fields = ["name", "created_at", "id"]
    required_permissions = {
        "list": "care.view_segment", "retrieve": "care.view_segment",
        "customers": "care.view_segment", "preview": "care.view_segment",
        "create": "care.add_segment", "update": "care.change_segment",
        "partial_update": "care.change_segment", "destroy": "care.change_segment",
    }

    def get_queryset(self):
        return super().get_queryset().for_store(self.request.store).order_by("name", "id")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.segment_create(
            actor=self.request.user, store=self.request.store, name=data["name"],
            filters=data.get("filters") or {})

    def perform_update(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.segment_update(
            actor=self.request.user, segment=serializer.instance, name=data.get("name"),
            filters=data.get("filters"))

    def perform_destroy(self, instance):
        services.segment_delete(actor=self.request.user, segment=instance)

    @extend_schema(responses=SegmentCustomerSerializer(many=True))
    @action(detail=True, methods=["get"])
    def customers(self, request, pk=None):
        """The customers the segment matches now, with the vehicle a message would name."""
        segment = self.get_object()
        customers = selectors.segment_recipients(store=request.store,
                                                 filters=segment.filters).order_by("-id")
        page = self.paginate_queryset(customers)
        return self.get_paginated_response(
            SegmentCustomerSerializer(page, many=True, context=self.get_serializer_context())
            .data)

    @extend_schema(request=FiltersInput, responses=PREVIEW)
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """Count and sample (20) of unsaved filters."""
        from .forms_campaigns import clean_filters

        data = FiltersInput(data=request.data)
        data.is_valid(raise_exception=True)
        filters = clean_filters(store=request.store, filters=data.validated_data["filters"])
        found = selectors.segment_preview(store=request.store, filters=filters)
        return Response({"count": found["count"], "customers": SegmentCustomerSerializer(
            found["customers"], many=True, context=self.get_serializer_context()).data})


class CampaignSerializer(serializers.ModelSerializer):
    segment = StoreScopedPrimaryKeyField(queryset=Segment.objects.all())

    class Meta:
        model = Campaign
        fields = ["id", "name", "segment", "template", "channel", "send_at", "status",
                  "sent_at", "created_by", "created_at"]
        read_only_fields = ["status", "sent_at", "created_by", "created_at"]


class ResultsSerializer(serializers.Serializer):
    recipients = serializers.IntegerField()
    queued = serializers.IntegerField()
    sent = serializers.IntegerField()
    failed = serializers.IntegerField()
    skipped = serializers.IntegerField()
    skipped_by_reason = serializers.DictField(child=serializers.IntegerField())
    window_start = serializers.DateTimeField(allow_null=True)
    window_end = serializers.DateTimeField(allow_null=True)
    appointments = serializers.IntegerField()
    visits = serializers.IntegerField()
    service_revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    sales_revenue = serializers.DecimalField(max_digits=14, decimal_places=2)
    revenue = serializers.DecimalField(max_digits=14, decimal_places=2)


class CampaignDetailSerializer(CampaignSerializer):
    results = serializers.SerializerMethodField()

    class Meta(CampaignSerializer.Meta):
        fields = [*CampaignSerializer.Meta.fields, "results"]

    @extend_schema_field(ResultsSerializer)
    def get_results(self, campaign) -> dict:
        return ResultsSerializer(selectors.campaign_results(campaign)).data


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      mixins.UpdateModelMixin, StoreScopedViewSet):
    """Campaigns of the store (CR-11): create a draft (400 naming ``template`` for an
    unknown placeholder), ``schedule`` it (needs ``care.send_campaign``), ``cancel`` it
    (409 ``invalid_transition`` once sent). The record has ``results`` (sent/skipped and,
    within 30 days, appointments, visits and revenue)."""

    queryset = Campaign.objects.all()
    filterset_fields = ["status", "segment", "channel"]
    ordering_fields = ["send_at", "created_at", "id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    required_permissions = {
        "list": "care.view_campaign", "retrieve": "care.view_campaign",
        "create": "care.add_campaign", "partial_update": "care.change_campaign",
        "schedule": "care.send_campaign", "cancel": "care.send_campaign",
    }

    def get_serializer_class(self):
        return CampaignSerializer if self.action == "list" else CampaignDetailSerializer

    def get_queryset(self):
        return (super().get_queryset().for_store(self.request.store)
                .select_related("segment").order_by("-send_at", "-id"))

    def perform_create(self, serializer):
        serializer.instance = services.campaign_create(
            actor=self.request.user, store=self.request.store, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.campaign_update(
            actor=self.request.user, campaign=serializer.instance,
            **serializer.validated_data)

    @extend_schema(request=None, responses=CampaignDetailSerializer)
    @action(detail=True, methods=["post"])
    def schedule(self, request, pk=None):
        campaign = self.get_object()
        services.campaign_schedule(actor=request.user, campaign=campaign)
        return action_response(self, campaign)

    @extend_schema(request=None, responses=CampaignDetailSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        campaign = self.get_object()
        services.campaign_cancel(actor=request.user, campaign=campaign)
        return action_response(self, campaign)


class MessageSerializer(serializers.ModelSerializer):
    to = MaskedMobileField(read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True,
                                          default="")

    class Meta:
        model = Message
        fields = ["id", "customer", "customer_name", "channel", "to", "body", "campaign",
                  "follow_up", "is_marketing", "status", "skip_reason", "backend",
                  "provider_id", "error", "created_at", "sent_at"]
        read_only_fields = fields


class MessageViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, StoreScopedViewSet):
    """The messages log (CR-12), read only: ``?status=``, ``?campaign=``, ``?customer=``."""

    serializer_class = MessageSerializer
    queryset = Message.objects.all()
    filterset_fields = ["status", "campaign", "customer", "channel", "is_marketing"]
    ordering_fields = ["created_at", "sent_at", "id"]
    required_permissions = {"*": "care.view_message"}

    def get_queryset(self):
        return (super().get_queryset().for_store(self.request.store)
                .select_related("customer").order_by("-created_at", "-id"))


def register(router) -> None:
    """Register this area's viewsets on the API router."""
    router.register("segments", SegmentViewSet, basename="segment")
    router.register("campaigns", CampaignViewSet, basename="campaign")
    router.register("messages", MessageViewSet, basename="message")

