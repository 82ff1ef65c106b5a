"""API: customers/, vehicles/, leads/ (api.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import (
    GroupScopedPrimaryKeyField,
    StoreScopedPrimaryKeyField,
    action_response,
)
from siwei.core.audit import audit_record
from siwei.core.masking import can_view_personal_data, mask_id_number, mask_mobile

from . import services
from .models import (
    ActivityType,
    Customer,
    Lead,
    LeadGrade,
    LeadSource,
    LossReason,
    Vehicle,
    VehicleModel,
)
from .selectors import customer_search, leads_visible, vehicle_search


class CustomerSerializer(serializers.ModelSerializer):
    mobile = serializers.CharField(max_length=20, required=False, allow_blank=True)

    class Meta:
        model = Customer
        fields = ["id", "kind", "name", "mobile", "gender", "birthday", "id_number",
                  "credit_code", "address", "district", "occupation", "source", "tags",
                  "consent_sms", "consent_phone", "consent_wechat", "category", "created_at",
                  "erased_at"]
        read_only_fields = ["category", "created_at", "erased_at"]
        extra_kwargs = {"id_number": {"validators": []}, "credit_code": {"validators": []}}

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not can_view_personal_data(request):
            data["mobile"] = mask_mobile(data.get("mobile") or "")
            data["id_number"] = mask_id_number(data.get("id_number") or "")
        return data


class EraseInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, help_text="why the customer asked")


class CustomerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                      mixins.CreateModelMixin, mixins.UpdateModelMixin, StoreScopedViewSet):
    """Customers of the store. ``?q=`` searches name, pinyin, initials, mobile or its last 4
    digits, plate, VIN or its last 6 (CS-5)."""

    serializer_class = CustomerSerializer
    queryset = Customer.objects.filter(merged_into__isnull=True)
    filterset_fields = ["kind", "category"]
    ordering_fields = ["id", "name", "created_at"]
    required_permissions = {"list": "crm.view_customer", "retrieve": "crm.view_customer",
                            "create": "crm.add_customer", "update": "crm.change_customer",
                            "partial_update": "crm.change_customer",
                            "erase": "crm.erase_customer"}

    def get_queryset(self):
        query = self.request.query_params.get("q")
        if query:
            return customer_search(user=self.request.user, store=self.request.store, query=query)
        return super().get_queryset().for_store(self.request.store)

    @extend_schema(parameters=[OpenApiParameter("q", str, description="free search")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def retrieve(self, request, *args, **kwargs):
        """One customer; a full view of the personal data is audited (quality.md)."""
        customer = self.get_object()
        if can_view_personal_data(request) and (customer.mobile or customer.id_number):
            audit_record(actor=request.user, action="customer.view_personal", obj=customer,
                         note="api")
        return Response(self.get_serializer(customer).data)

    @extend_schema(request=EraseInput, responses=CustomerSerializer)
    @action(detail=True, methods=["post"])
    def erase(self, request, pk=None):
        """The customer's erasure request (PIPL): anonymise the person, keep the financial
        records. 409 ``erasure_blocked`` while a document is open, ``already_erased``."""
        customer = self.get_object()
        data = EraseInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.customer_erase(actor=request.user, customer=customer,
                                reason=data.validated_data["reason"])
        return action_response(self, customer)

    def perform_create(self, serializer):
        serializer.instance = services.customer_create(
            actor=self.request.user, store=self.request.store, **serializer.validated_data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        consents = {k: data.pop(k) for k in ("consent_sms", "consent_phone", "consent_wechat")
                    if k in data}
        customer = services.customer_update(actor=self.request.user,
                                            customer=serializer.instance, **data)
        for key, given in consents.items():
            if getattr(customer, key) != given:
                services.customer_set_consent(actor=self.request.user, customer=customer,
                                              channel=key.removeprefix("consent_"), given=given)
        serializer.instance = customer


class VehicleSerializer(serializers.ModelSerializer):
    owner = StoreScopedPrimaryKeyField(queryset=Customer.objects.all(), required=False,
                                       allow_null=True)
    model = GroupScopedPrimaryKeyField(queryset=VehicleModel.objects.all(), required=False,
                                       allow_null=True)

    class Meta:
        model = Vehicle
        fields = ["id", "vin", "plate", "owner", "model", "brand", "trim", "colour",
                  "engine_number", "model_year", "sale_date", "registration_date",
                  "warranty_start", "warranty_end", "warranty_km", "insurance_company",
                  "insurance_expiry", "next_maintenance_date", "last_km"]
        read_only_fields = ["brand", "model_year", "warranty_start", "warranty_end",
                            "warranty_km", "last_km"]
        extra_kwargs = {"vin": {"validators": []}, "plate": {"validators": []}}


class VehicleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                     mixins.CreateModelMixin, mixins.UpdateModelMixin, StoreScopedViewSet):
    """Vehicles. ``?q=``, ``?vin=``, ``?plate=``. Entering a VIN fills brand and model year."""

    serializer_class = VehicleSerializer
    queryset = Vehicle.objects.select_related("model")
    ordering_fields = ["id", "plate"]
    required_permissions = {"list": "crm.view_vehicle", "retrieve": "crm.view_vehicle",
                            "create": "crm.add_vehicle", "update": "crm.change_vehicle",
                            "partial_update": "crm.change_vehicle"}

    def get_queryset(self):
        params = self.request.query_params
        store = self.request.store
        if params.get("q"):
            return vehicle_search(user=self.request.user, store=store, query=params["q"])
        vehicles = super().get_queryset().for_store(store)
        if params.get("vin"):
            vehicles = vehicles.filter(vin=params["vin"].strip().upper())
        if params.get("plate"):
            vehicles = vehicles.filter(plate=params["plate"].strip().upper().replace(" ", ""))
        return vehicles

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("vin", str),
                               OpenApiParameter("plate", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.vehicle_create(
            actor=self.request.user, store=self.request.store, vin=data.pop("vin"),
            owner=data.pop("owner", None), **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("vin", None)
        owner = data.pop("owner", serializer.instance.owner)
        vehicle = services.vehicle_update(actor=self.request.user, vehicle=serializer.instance,
                                          **data)
        if owner is not None and owner != vehicle.owner:
            services.vehicle_change_owner(actor=self.request.user, vehicle=vehicle, owner=owner)
        serializer.instance = vehicle


def store_consultant(store, user_id: int | None):
    """The user named by ``consultant_id`` if they sell in ``store`` (400 otherwise);
    None when no id is given."""
    if not user_id:
        return None
    from django.contrib.auth import get_user_model

    from siwei.core.permissions import has_store_perm

    consultant = get_user_model().objects.filter(pk=user_id).first()
    if consultant is None or not has_store_perm(consultant, store, "crm.add_lead"):
        raise serializers.ValidationError({"consultant_id": [_("Not a consultant of this store.")]})
    return consultant


class LeadSerializer(serializers.ModelSerializer):
    customer = StoreScopedPrimaryKeyField(queryset=Customer.objects.all())
    referrer = StoreScopedPrimaryKeyField(queryset=Customer.objects.all(), required=False,
                                          allow_null=True)
    consultant = serializers.PrimaryKeyRelatedField(read_only=True)
    consultant_id = serializers.IntegerField(write_only=True, required=False)
    models_of_interest = GroupScopedPrimaryKeyField(queryset=VehicleModel.objects.all(),
                                                    many=True, required=False)

    class Meta:
        model = Lead
        fields = ["id", "customer", "source", "grade", "referrer", "consultant", "consultant_id",
                  "models_of_interest", "status", "next_follow_up_at", "last_contact_at",
                  "contact_count", "loss_reason", "loss_detail", "created_at"]
        read_only_fields = ["status", "next_follow_up_at", "last_contact_at", "contact_count",
                            "loss_reason", "loss_detail", "created_at"]


class ActivityInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=ActivityType.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    outcome = serializers.CharField(required=False, allow_blank=True, default="")
    next_step = serializers.CharField(required=False, allow_blank=True, default="")
    grade = serializers.ChoiceField(choices=LeadGrade.choices, required=False)


class LoseInput(serializers.Serializer):
    reason = serializers.ChoiceField(choices=LossReason.choices)
    detail = serializers.CharField(required=False, allow_blank=True, default="")


class LeadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                  StoreScopedViewSet):
    """Leads: a consultant sees their own, managers all of the store (CS-6 … CS-8)."""

    serializer_class = LeadSerializer
    queryset = Lead.objects.all()
    filterset_fields = ["grade", "status", "source"]
    ordering_fields = ["next_follow_up_at", "created_at", "grade"]
    required_permissions = {"list": "crm.view_lead", "retrieve": "crm.view_lead",
                            "create": "crm.add_lead", "activities": "crm.add_activity",
                            "lose": "crm.change_lead", "approve_loss": "crm.approve_lead_loss",
                            "reject_loss": "crm.approve_lead_loss"}

    def get_queryset(self):
        return leads_visible(user=self.request.user, store=self.request.store).prefetch_related(
            "models_of_interest")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        consultant = store_consultant(self.request.store, data.get("consultant_id")) \
            or self.request.user
        if data["source"] not in LeadSource.values:
            raise serializers.ValidationError({"source": [_("Unknown source.")]})
        serializer.instance = services.lead_create(
            actor=self.request.user, store=self.request.store, customer=data["customer"],
            source=data["source"], grade=data["grade"], consultant=consultant,
            referrer=data.get("referrer"), models=data.get("models_of_interest", []))

    @extend_schema(request=ActivityInput, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def activities(self, request, pk=None):
        """Log a contact; an optional new grade recomputes the next due date (CS-7)."""
        lead = self.get_object()
        data = ActivityInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        services.lead_log_activity(actor=request.user, lead=lead, type=values["type"],
                                   content=values["notes"], outcome=values["outcome"],
                                   next_step=values["next_step"], grade=values.get("grade"))
        return action_response(self, lead, status.HTTP_201_CREATED)

    @extend_schema(request=LoseInput, responses=LeadSerializer)
    @action(detail=True, methods=["post"])
    def lose(self, request, pk=None):
        """Ask to close the lead as lost; a sales manager approves (CS-8)."""
        lead = self.get_object()
        data = LoseInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.lead_request_loss(actor=request.user, lead=lead, **data.validated_data)
        return action_response(self, lead)

    @extend_schema(request=None, responses=LeadSerializer)
    @action(detail=True, methods=["post"], url_path="approve-loss")
    def approve_loss(self, request, pk=None):
        lead = self.get_object()
        services.lead_approve_loss(actor=request.user, lead=lead)
        return action_response(self, lead)

    @extend_schema(request=None, responses=LeadSerializer)
    @action(detail=True, methods=["post"], url_path="reject-loss")
    def reject_loss(self, request, pk=None):
        lead = self.get_object()
        services.lead_reject_loss(actor=request.user, lead=lead)
        return action_response(self, lead)


def register(router) -> None:
    from . import api_showroom

    api_showroom.register(router)
    router.register("customers", CustomerViewSet, basename="customer")
    router.register("vehicles", VehicleViewSet, basename="vehicle")
    router.register("leads", LeadViewSet, basename="lead")
