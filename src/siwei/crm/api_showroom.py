"""API: showroom-visits/ (CS-9), the receptionist's walk-in and call log."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from siwei.core.api.base import StoreScopedViewSet
from siwei.core.api.mixins import (
    GroupScopedPrimaryKeyField,
    StoreScopedPrimaryKeyField,
    action_response,
)

from . import services
from .api import store_consultant
from .models import Customer, ShowroomVisit, VehicleModel


class ShowroomVisitSerializer(serializers.ModelSerializer):
    customer = StoreScopedPrimaryKeyField(queryset=Customer.objects.all(), required=False,
                                          allow_null=True)
    models_of_interest = GroupScopedPrimaryKeyField(queryset=VehicleModel.objects.all(),
                                                    many=True, required=False)
    visitor_mobile = serializers.CharField(max_length=20, required=False, allow_blank=True)
    consultant_id = serializers.IntegerField(required=False, allow_null=True, write_only=True)
    info_left = serializers.BooleanField(read_only=True)

    class Meta:
        model = ShowroomVisit
        fields = ["id", "kind", "time_in", "time_out", "party_size", "first_visit",
                  "models_of_interest", "consultant", "consultant_id", "visitor_name",
                  "visitor_mobile", "customer", "test_drive", "notes", "info_left"]
        read_only_fields = ["time_out", "consultant"]
        extra_kwargs = {"time_in": {"required": False}}

    def to_representation(self, instance):
        """The visitor's mobile is personal data: masked without the permission."""
        from siwei.core.masking import can_view_personal_data, mask_mobile

        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not can_view_personal_data(request):
            data["visitor_mobile"] = mask_mobile(data.get("visitor_mobile") or "")
        return data


class ShowroomVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin,
                           mixins.CreateModelMixin, StoreScopedViewSet):
    """Walk-ins and inbound calls of the store; ``?kind=``, ``?first_visit=``."""

    serializer_class = ShowroomVisitSerializer
    queryset = ShowroomVisit.objects.prefetch_related("models_of_interest")
    filterset_fields = ["kind", "first_visit", "test_drive"]
    ordering_fields = ["time_in"]
    required_permissions = {"list": "crm.view_showroomvisit",
                            "retrieve": "crm.view_showroomvisit",
                            "create": "crm.add_showroomvisit",
                            "checkout": "crm.change_showroomvisit"}

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        consultant = store_consultant(self.request.store, data.pop("consultant_id", None))
        serializer.instance = services.showroom_visit_log(
            actor=self.request.user, store=self.request.store, consultant=consultant,
            models=data.pop("models_of_interest", []), **data)

    @extend_schema(request=None, responses=ShowroomVisitSerializer)
    @action(detail=True, methods=["post"])
    def checkout(self, request, pk=None):
        """The visitor left (time out is now)."""
        visit = self.get_object()
        services.showroom_visit_checkout(actor=request.user, visit=visit)
        return action_response(self, visit)


def register(router) -> None:
    router.register("showroom-visits", ShowroomVisitViewSet, basename="showroom-visit")
